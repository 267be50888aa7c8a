"""questionnaire library: a version number per questionnaire and the origin of each version

Versions stored before this revision are numbered 1, 2, 3 ... per questionnaire id in the order they
were stored (their row ids) and marked as coming from a file, which is how they all came in. The
columns are added in place (SQLite cannot rebuild a table other tables refer to while foreign keys are
enforced), so `number` gets a server default for the existing rows, dropped again where the database can.

Revision ID: 3a7c9e1f5b20
Revises: 068086ca0403
Create Date: 2026-12-02 14:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3a7c9e1f5b20'
down_revision = '068086ca0403'
branch_labels = None
depends_on = None

NUMBER_BY_ORDER = """
UPDATE questionnaire_version SET number = (
    SELECT COUNT(*) FROM questionnaire_version AS earlier
    WHERE earlier.questionnaire_id = questionnaire_version.questionnaire_id
      AND earlier.id <= questionnaire_version.id)
"""


def upgrade():
    op.add_column('questionnaire_version',
                  sa.Column('number', sa.Integer(), nullable=False, server_default='1'))
    op.add_column('questionnaire_version',
                  sa.Column('origin', sa.String(length=10), nullable=False, server_default='file'))
    op.execute(NUMBER_BY_ORDER)
    if op.get_bind().dialect.name != 'sqlite':
        op.alter_column('questionnaire_version', 'number', server_default=None)
        op.alter_column('questionnaire_version', 'origin', server_default=None)
    op.create_index('uq_questionnaire_version_questionnaire_id_number', 'questionnaire_version',
                    ['questionnaire_id', 'number'], unique=True)


def downgrade():
    op.drop_index('uq_questionnaire_version_questionnaire_id_number', table_name='questionnaire_version')
    with op.batch_alter_table('questionnaire_version', schema=None) as batch_op:
        batch_op.drop_column('origin')
        batch_op.drop_column('number')
