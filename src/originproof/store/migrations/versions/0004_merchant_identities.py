"""merchant identities: a merchant id bound to its USCC

Revision ID: 0004_merchant_ids
Revises: 0003_service
Create Date: 2026-12-03 13:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_merchant_ids'
down_revision = '0003_service'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('merchant_identities',
    sa.Column('merchant_id', sa.String(length=128), nullable=False),
    sa.Column('uscc', sa.String(length=32), nullable=False),
    sa.Column('bound_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('bound_by', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('merchant_id'),
    sa.UniqueConstraint('uscc')
    )


def downgrade() -> None:
    op.drop_table('merchant_identities')
