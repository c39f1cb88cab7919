from alembic import op

revision = "0001"
down_revision = None


def upgrade():
    op.execute("CREATE TABLE audit_log (id int)")
    # CREATE INDEX CONCURRENTLY cannot run in a transaction block:
    with op.get_context().autocommit_block():
        op.create_index("accounts_note_idx", "accounts", ["note"], postgresql_concurrently=True)


def downgrade():
    op.execute("DROP TABLE audit_log")
