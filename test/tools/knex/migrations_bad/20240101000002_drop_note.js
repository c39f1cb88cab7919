exports.up = async (knex) => {
  await knex.schema.alterTable('accounts', (t) => t.dropColumn('note'));
};
exports.down = async () => {};
