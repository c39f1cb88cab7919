// CREATE INDEX CONCURRENTLY cannot run in a transaction block:
exports.config = { transaction: false };
exports.up = async (knex) => {
  await knex.raw('CREATE TABLE audit_log (id int)');
  await knex.raw('CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note)');
};
exports.down = async (knex) => {
  await knex.raw('DROP TABLE audit_log');
};
