// Host, port and user come from libpq-style environment variables (PGHOST, PGPORT, PGUSER).
module.exports = {
  client: 'pg',
  connection: {
    database: process.env.MG_DB,
    application_name: 'knex',
    // knex prints only the primary message of an error: put the facts and the safe SQL there.
    options: '-c migration_guard.error_format=inline',
  },
  pool: {
    afterCreate(conn, done) {
      // node-pg keeps the server's NOTICE and WARNING to itself: print them.
      conn.on('notice', (n) =>
        console.warn(`${n.severity}: ${n.message}` +
          (n.detail ? `\nDETAIL: ${n.detail}` : '') + (n.hint ? `\nHINT: ${n.hint}` : '')));
      done(null, conn);
    },
  },
};
