from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade():
    op.drop_column("accounts", "note")


def downgrade():
    pass
