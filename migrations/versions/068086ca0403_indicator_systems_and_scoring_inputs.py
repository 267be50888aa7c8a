"""indicator_system_version and scoring_inputs: indicator systems and the evaluator's scoring inputs in
the database

Before this revision the console kept scoring inputs as JSON files under the instance folder
(``instance/scoring/<survey slug>/<indicator file stem>.json``, or CONSOLE_SCORING_DIR). The upgrade imports
every such file as the first saved inputs of that survey and indicator system (named by the file stem, as the
shipped indicator files are), dated by the file's time; the files are left in place and no longer read.
A file of an unknown survey or that cannot be read is skipped with a warning.

Revision ID: 068086ca0403
Revises: f3a3953f0574
Create Date: 2026-12-02 14:34:56.350645

"""
import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

logger = logging.getLogger("alembic.runtime.migration")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')

# revision identifiers, used by Alembic.
revision = '068086ca0403'
down_revision = 'f3a3953f0574'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indicator_system_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_indicator_system_version_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_system_version')),
    sa.UniqueConstraint('name', 'content_hash', name=op.f('uq_indicator_system_version_name_content_hash')),
    sa.UniqueConstraint('name', 'version', name=op.f('uq_indicator_system_version_name_version'))
    )
    with op.batch_alter_table('indicator_system_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_system_version_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicator_system_version_name'), ['name'], unique=False)

    op.create_table('scoring_inputs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('system_name', sa.String(length=64), nullable=False),
    sa.Column('literals', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('overrides', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('saved_by_id', sa.Integer(), nullable=True),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['saved_by_id'], ['user.id'], name=op.f('fk_scoring_inputs_saved_by_id_user')),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_scoring_inputs_survey_id_survey')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scoring_inputs'))
    )
    with op.batch_alter_table('scoring_inputs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scoring_inputs_saved_by_id'), ['saved_by_id'], unique=False)
        batch_op.create_index('ix_scoring_inputs_survey_system', ['survey_id', 'system_name', 'id'], unique=False)
    import_json_inputs()


def import_json_inputs():
    """Insert the scoring inputs of the instance folder's JSON files (see the module docstring)."""
    from flask import current_app

    configured = current_app.config.get("CONSOLE_SCORING_DIR")
    folder = Path(configured) if configured else Path(current_app.instance_path) / "scoring"
    if not folder.is_dir():
        return
    bind = op.get_bind()
    surveys = {slug: survey_id for slug, survey_id in bind.execute(sa.text("SELECT slug, id FROM survey"))}
    table = sa.table('scoring_inputs', sa.column('survey_id', sa.Integer()), sa.column('system_name', sa.String()),
                     sa.column('literals', JSON), sa.column('overrides', JSON),
                     sa.column('saved_at', sa.DateTime(timezone=True)), sa.column('note', sa.String()))
    rows = []
    for path in sorted(folder.glob("*/*.json")):
        survey_id = surveys.get(path.parent.name)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            literals = {str(k): str(v) for k, v in (raw.get("literals") or {}).items()}
            overrides = {str(k): {"score": str(v.get("score", "")), "reason": str(v.get("reason", ""))}
                         for k, v in (raw.get("overrides") or {}).items() if isinstance(v, dict)}
        except (OSError, ValueError, AttributeError) as exc:
            logger.warning("Scoring inputs %s not imported: %s", path, exc)
            continue
        if survey_id is None:
            logger.warning("Scoring inputs %s not imported: no survey %s", path, path.parent.name)
            continue
        saved_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        if bind.dialect.name == "sqlite":
            saved_at = saved_at.replace(tzinfo=None)      # the app stores naive UTC times in SQLite
        rows.append({'survey_id': survey_id, 'system_name': path.stem[:64], 'literals': literals,
                     'overrides': overrides, 'saved_at': saved_at, 'note': f"从 {path.parent.name}/{path.name} 导入"})
    if rows:
        op.bulk_insert(table, rows)
        logger.info("Imported %d scoring input files from %s", len(rows), folder)



def downgrade():
    with op.batch_alter_table('scoring_inputs', schema=None) as batch_op:
        batch_op.drop_index('ix_scoring_inputs_survey_system')
        batch_op.drop_index(batch_op.f('ix_scoring_inputs_saved_by_id'))

    op.drop_table('scoring_inputs')
    with op.batch_alter_table('indicator_system_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_system_version_name'))
        batch_op.drop_index(batch_op.f('ix_indicator_system_version_created_by_id'))

    op.drop_table('indicator_system_version')
