module.exports = class DropNote1704067202000 {
  async up(queryRunner) {
    await queryRunner.query('ALTER TABLE accounts DROP COLUMN note');
  }

  async down() {}
};
