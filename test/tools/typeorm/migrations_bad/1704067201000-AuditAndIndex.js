module.exports = class AuditAndIndex1704067201000 {
  async up(queryRunner) {
    await queryRunner.query('CREATE TABLE audit_log (id int)');
    await queryRunner.query('CREATE INDEX accounts_note_idx ON accounts (note)');
  }

  async down() {}
};
