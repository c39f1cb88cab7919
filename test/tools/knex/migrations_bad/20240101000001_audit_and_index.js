exports.up = async (knex) => {
  await knex.raw('CREATE TABLE audit_log (id int)');
  await knex.raw('CREATE INDEX accounts_note_idx ON accounts (note)');
};
exports.down = async (knex) => {
  await knex.raw('DROP TABLE audit_log');
};
