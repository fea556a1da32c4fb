"""Users and hashed API tokens; each conversation belongs to a user; an answer names the message it replies to.

Conversations made before this revision belong to the built-in `local` user (single-user mode).
`messages.reply_to` lets a turn find user messages that were stored but never answered (a failed turn,
a process killed mid-turn), so they can be retried and answered in order.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("name", name="uq_users_name"),
    )
    op.execute("INSERT INTO users (id, name) VALUES ('local', 'local')")
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("user_id", sa.Text, sa.ForeignKey("users.id", ondelete="CASCADE",
                                                      name="fk_api_tokens_user_id_users"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("token_hash", sa.Text, nullable=False),
        sa.Column("prefix", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.Column("last_used_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.add_column("conversations", sa.Column("user_id", sa.Text, nullable=False, server_default="local"))
    op.create_foreign_key("fk_conversations_user_id_users", "conversations", "users", ["user_id"], ["id"],
                          ondelete="CASCADE")
    op.create_index("ix_conversations_user_id_updated_at", "conversations", ["user_id", "updated_at"])
    op.add_column("messages", sa.Column("reply_to", sa.Text))
    # every earlier answer replies to the user message just before it
    op.execute("""
        UPDATE messages AS answer SET reply_to = question.id
        FROM messages AS question
        WHERE answer.role = 'assistant' AND question.role = 'user'
          AND question.conversation_id = answer.conversation_id AND question.sequence = answer.sequence - 1
    """)
    op.create_index("ix_messages_reply_to", "messages", ["reply_to"])


def downgrade() -> None:
    op.drop_index("ix_messages_reply_to", "messages")
    op.drop_column("messages", "reply_to")
    op.drop_index("ix_conversations_user_id_updated_at", "conversations")
    op.drop_constraint("fk_conversations_user_id_users", "conversations", type_="foreignkey")
    op.drop_column("conversations", "user_id")
    op.drop_table("api_tokens")
    op.drop_table("users")
