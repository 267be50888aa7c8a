"""one index on response (form_id, client_hash) for the browser duplicate check

The check looks up a form's responses from one browser. With single-column indexes only, SQLite chose
ix_response_form_id and read every response of the form on each page view and submission (the cost grew
with the survey); the composite index finds them directly. The client hash is per form, so the
single-column index on it had no other use and is dropped.

Revision ID: 8b3f2c6d1e90
Revises: 5d1e0c8a7b42
Create Date: 2026-11-25 17:15:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '8b3f2c6d1e90'
down_revision = '5d1e0c8a7b42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_index('ix_response_form_client', ['form_id', 'client_hash'], unique=False)
        batch_op.drop_index('ix_response_client_hash')


def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_index('ix_response_client_hash', ['client_hash'], unique=False)
        batch_op.drop_index('ix_response_form_client')
