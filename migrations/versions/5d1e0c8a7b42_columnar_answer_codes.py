"""columnar copy of the answers: response.codes and response.texts

Both nullable: responses stored before this revision keep NULL and are read from their JSON document.

Revision ID: 5d1e0c8a7b42
Revises: cf36895c72c2
Create Date: 2026-11-26 16:40:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '5d1e0c8a7b42'
down_revision = 'cf36895c72c2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('codes', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column(
            'texts', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
            nullable=True))


def downgrade():
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('texts')
        batch_op.drop_column('codes')
