"""listing monitor: observations index and findings raised after a check

Revision ID: 0002_listings
Revises: 0001
Create Date: 2026-11-24 20:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_listings'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('listing_observations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('captured_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('warc_record_id', sa.String(length=80), nullable=True),
    sa.Column('warc_file', sa.Text(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('listing_observations', schema=None) as batch_op:
        batch_op.create_index('ix_listobs_dossier_url', ['dossier_id', 'url'], unique=False)
        batch_op.create_index(batch_op.f('ix_listing_observations_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('listing_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('open', sa.Boolean(), nullable=False),
    sa.Column('finding', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('listing_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_findings_dossier_id'), ['dossier_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('listing_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_findings_dossier_id'))
    op.drop_table('listing_findings')
    with op.batch_alter_table('listing_observations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_observations_dossier_id'))
        batch_op.drop_index('ix_listobs_dossier_url')
    op.drop_table('listing_observations')
