"""unit_target: how many valid responses a unit should collect from each role

Revision ID: f3a3953f0574
Revises: 61859dd31a47
Create Date: 2026-12-02 14:20:47.911527

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f3a3953f0574'
down_revision = '61859dd31a47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('unit_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('target', sa.Integer(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('margin', sa.Double(), nullable=True),
    sa.CheckConstraint('target >= 0', name=op.f('ck_unit_target_target_not_negative')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_target_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_target')),
    sa.UniqueConstraint('unit_id', 'role', name=op.f('uq_unit_target_unit_id_role'))
    )
    with op.batch_alter_table('unit_target', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_target_unit_id'), ['unit_id'], unique=False)



def downgrade():
    with op.batch_alter_table('unit_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_target_unit_id'))

    op.drop_table('unit_target')
