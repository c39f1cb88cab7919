// sequelize-cli's configuration: host, port and user from the PG* environment.
module.exports = {
  development: {
    dialect: 'postgres',
    database: process.env.MG_DB,
    host: process.env.PGHOST,
    port: process.env.PGPORT,
    username: process.env.PGUSER,
    password: process.env.PGPASSWORD,
    dialectOptions: {
      application_name: 'sequelize-cli',
      // sequelize prints no HINT: put the facts and the safe SQL in the message.
      options: '-c migration_guard.error_format=inline',
    },
  },
};
