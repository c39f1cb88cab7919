module.exports = {
  up: (queryInterface) => queryInterface.removeColumn('accounts', 'note'),
  down: async () => {},
};
