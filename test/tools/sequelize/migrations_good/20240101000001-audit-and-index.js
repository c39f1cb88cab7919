// CREATE INDEX CONCURRENTLY: not wrapped in a transaction.
module.exports = {
  up: async (queryInterface) => {
    await queryInterface.sequelize.query('CREATE TABLE audit_log (id int)');
    await queryInterface.addIndex('accounts', ['note'], { name: 'accounts_note_idx', concurrently: true });
  },
  down: async () => {},
};
