from alembic import op

revision = "0001"
down_revision = None


def upgrade():
    op.execute("CREATE TABLE audit_log (id int)")
    op.create_index("accounts_note_idx", "accounts", ["note"])


def downgrade():
    op.execute("DROP TABLE audit_log")
