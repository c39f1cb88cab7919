module.exports = class AuditAndIndex1704067201000 {
  // CREATE INDEX CONCURRENTLY cannot run in a transaction block:
  transaction = false;

  async up(queryRunner) {
    await queryRunner.query('CREATE TABLE audit_log (id int)');
    await queryRunner.query('CREATE INDEX CONCURRENTLY accounts_note_idx ON accounts (note)');
  }

  async down() {}
};
