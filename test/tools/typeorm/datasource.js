// The data source typeorm migration:run reads: host, port and user from the PG* environment.
const { DataSource } = require('typeorm');

module.exports = new DataSource({
  type: 'postgres',
  host: process.env.PGHOST,
  port: Number(process.env.PGPORT),
  username: process.env.PGUSER,
  password: process.env.PGPASSWORD,
  database: process.env.MG_DB,
  applicationName: 'typeorm',
  // The server's notices, in an application's own logger (migration:run hides them).
  logNotifications: true,
  // One transaction per migration; a migration with `transaction = false` runs without.
  migrationsTransactionMode: 'each',
  // TypeORM prints only the primary message of an error: put the facts and the safe SQL there.
  extra: { options: '-c migration_guard.error_format=inline' },
  migrations: [`${__dirname}/migrations_${process.env.MG_SET || 'bad'}/*.js`],
});
