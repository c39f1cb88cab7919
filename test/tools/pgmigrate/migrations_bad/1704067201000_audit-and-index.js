exports.up = (pgm) => {
  pgm.sql('CREATE TABLE audit_log (id int)');
  pgm.createIndex('accounts', 'note', { name: 'accounts_note_idx' });
};
