// sequelize-cli runs migrations without a transaction: wrap each one.
module.exports = {
  up: (queryInterface) => queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.sequelize.query('CREATE TABLE audit_log (id int)', { transaction });
    await queryInterface.addIndex('accounts', ['note'], { name: 'accounts_note_idx', transaction });
  }),
  down: async () => {},
};
