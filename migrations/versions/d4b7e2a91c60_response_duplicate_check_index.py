"""the browser duplicate check's index also holds the unit: response (form_id, client_hash, unit_id)

Since a browser answers once per form *and unit*, the check reads ``form_id = ? AND client_hash = ? AND
unit_id IS ?``. With the index on (form_id, client_hash) only, SQLite chose ix_response_unit_id for that
and read every response of the school inside each submission's write turn: submissions fell from
272/s to 190/s at 16 clients on a 2-core machine, and the cost grew with the school's answers. The
three-column index answers all three terms; it replaces the two-column one (the same prefix).

Revision ID: d4b7e2a91c60
Revises: a7c41e9d2b63
Create Date: 2026-12-03 08:40:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4b7e2a91c60'
down_revision = 'a7c41e9d2b63'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_index('ix_response_form_client_unit', ['form_id', 'client_hash', 'unit_id'], unique=False)
        batch_op.drop_index('ix_response_form_client')


def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_index('ix_response_form_client', ['form_id', 'client_hash'], unique=False)
        batch_op.drop_index('ix_response_form_client_unit')
