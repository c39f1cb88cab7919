exports.up = (pgm) => {
  // CREATE INDEX CONCURRENTLY cannot run in a transaction block:
  pgm.noTransaction();
  pgm.sql('CREATE TABLE audit_log (id int)');
  pgm.createIndex('accounts', 'note', { name: 'accounts_note_idx', concurrently: true });
};
