import os
import sys

from alembic import context
from sqlalchemy import create_engine, event

# Host, port and user come from libpq's environment (PGHOST, PGPORT, PGUSER).
engine = create_engine(
    "postgresql+psycopg2://",
    connect_args={"dbname": os.environ["MG_DB"], "application_name": "alembic"},
)


class NoticesToStderr:
    """psycopg2 keeps the server's NOTICE and WARNING in connection.notices: print them."""

    def append(self, notice):
        sys.stderr.write(notice)


@event.listens_for(engine, "connect")
def forward_notices(dbapi_connection, connection_record):
    dbapi_connection.notices = NoticesToStderr()


with engine.connect() as connection:
    # One transaction per migration: a rejected one leaves nothing behind.
    context.configure(connection=connection, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
