"""security: server-side login sessions, login throttle, admins, survey members, audit log

Login sessions are kept on the server so that logout, a password reset and an admin's revoke end them.
The login throttle moves from two columns of `user` (a hard lock per account) to its own table of
counters per address, per account and per account from an address. Existing users stay active; the
first user (the lowest id) becomes the admin, who sees every survey and adds the others as members.

Revision ID: ad38ba5cc28d
Revises: 8b3f2c6d1e90
Create Date: 2026-12-02 14:10:35.810511

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ad38ba5cc28d'
down_revision = '8b3f2c6d1e90'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttle',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle'))
    )
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_last_failure_at'), ['last_failure_at'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.String(length=300), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_audit_event_survey_id_survey')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_audit_event_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_event_survey_at', ['survey_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_user_id'), ['user_id'], unique=False)

    op.create_table('login_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_login_session_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_login_session_token_hash'))
    )
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_session_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_session_user_id'), ['user_id'], unique=False)

    op.create_table('survey_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('owner', 'editor', 'viewer')", name=op.f('ck_survey_member_role')),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_member_survey_id_survey')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_survey_member_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_member')),
    sa.UniqueConstraint('survey_id', 'user_id', name=op.f('uq_survey_member_survey_id_user_id'))
    )
    with op.batch_alter_table('survey_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_member_survey_id'), ['survey_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_member_user_id'), ['user_id'], unique=False)

    # existing rows get their values from the server defaults, which are then dropped (the models set them)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_admin', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_column('failed_logins')
        batch_op.drop_column('last_failed_login_at')
    user = sa.table('user', sa.column('id', sa.Integer()), sa.column('is_admin', sa.Boolean()))
    first = sa.select(sa.func.min(user.c.id)).scalar_subquery()
    op.execute(user.update().where(user.c.id == first).values(is_admin=True))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('is_admin', server_default=None)
        batch_op.alter_column('active', server_default=None)


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_failed_login_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.drop_column('last_login_at')
        batch_op.drop_column('active')
        batch_op.drop_column('is_admin')

    with op.batch_alter_table('survey_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_member_user_id'))
        batch_op.drop_index(batch_op.f('ix_survey_member_survey_id'))

    op.drop_table('survey_member')
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_session_user_id'))
        batch_op.drop_index(batch_op.f('ix_login_session_created_at'))

    op.drop_table('login_session')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_user_id'))
        batch_op.drop_index('ix_audit_event_survey_at')
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_last_failure_at'))

    op.drop_table('login_throttle')
