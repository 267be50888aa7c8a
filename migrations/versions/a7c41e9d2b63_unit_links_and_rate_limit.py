"""per-unit link tokens (unit_link), form.code_links for links already printed, rate limit counters

Every form x unit gets an unguessable link token, so that a school's code can no longer be swapped in
a link. Forms that exist at this upgrade keep accepting their old ``/s/<form token>/<unit code>`` links
(code_links = true: those links are printed and handed out); forms made afterwards accept only the new
tokens. rate_limit_counter holds the fixed-window counters of the submission rate limit.

Revision ID: a7c41e9d2b63
Revises: 3a7c9e1f5b20
Create Date: 2026-12-02 15:00:00.000000

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c41e9d2b63'
down_revision = '3a7c9e1f5b20'
branch_labels = None
depends_on = None


def upgrade():
    # a plain ADD COLUMN (SQLite too): a batch copy of form would trip over the rows that refer to it
    op.add_column('form', sa.Column('code_links', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(sa.text('UPDATE form SET code_links = :yes').bindparams(yes=True))

    unit_link = op.create_table('unit_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['form_id'], ['form.id'], name=op.f('fk_unit_link_form_id_form')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_link_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_link')),
    sa.UniqueConstraint('form_id', 'unit_id', name=op.f('uq_unit_link_form_id_unit_id')),
    sa.UniqueConstraint('token', name=op.f('uq_unit_link_token'))
    )
    with op.batch_alter_table('unit_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_link_form_id'), ['form_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_unit_link_unit_id'), ['unit_id'], unique=False)
    pairs = op.get_bind().execute(sa.text(
        'SELECT form.id, unit.id FROM form JOIN unit ON unit.survey_id = form.survey_id ORDER BY form.id, unit.id'
    )).all()
    if pairs:
        op.bulk_insert(unit_link, [{'form_id': form_id, 'unit_id': unit_id, 'token': secrets.token_urlsafe(16)}
                                   for form_id, unit_id in pairs])

    op.create_table('rate_limit_counter',
    sa.Column('counter_key', sa.String(length=255), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.Double(), nullable=False),
    sa.PrimaryKeyConstraint('counter_key', name=op.f('pk_rate_limit_counter'))
    )
    with op.batch_alter_table('rate_limit_counter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_limit_counter_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('rate_limit_counter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_limit_counter_expires_at'))
    op.drop_table('rate_limit_counter')
    with op.batch_alter_table('unit_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_link_unit_id'))
        batch_op.drop_index(batch_op.f('ix_unit_link_form_id'))
    op.drop_table('unit_link')
    with op.batch_alter_table('form', schema=None) as batch_op:
        batch_op.drop_column('code_links')
