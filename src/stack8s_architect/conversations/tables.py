"""Conversations, their messages (one sequence per conversation) and plan versions."""

from sqlalchemy import (Boolean, Column, DateTime, ForeignKey, Index, Integer, Table, Text, UniqueConstraint, func,
                        text, true)
from sqlalchemy.dialects.postgresql import JSONB

from stack8s_architect.accounts.tables import LOCAL_USER
from stack8s_architect.core.schema import metadata

conversations = Table(
    "conversations", metadata,
    Column("id", Text, primary_key=True),
    Column("user_id", Text, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, server_default=LOCAL_USER),
    Column("title", Text, nullable=False),
    # false while the title is the placeholder of a conversation opened without a message
    Column("titled", Boolean, nullable=False, server_default=true()),
    Column("spec", JSONB, nullable=False),
    Column("asked", JSONB, nullable=False),
    Column("last_sequence", Integer, nullable=False, server_default="0"),
    Column("latest_plan_version", Integer, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now(), index=True),
    # the lease of the turn being answered (revision 0010): whose it is and until when
    Column("turn_token", Text),
    Column("turn_until", DateTime(timezone=True)),
    Index("ix_conversations_user_id_updated_at", "user_id", "updated_at"),
    # only conversations under a lease (revision 0011): the per-user count and the heartbeat read a handful of rows
    Index("ix_conversations_leased_user_id", "user_id", "turn_until", postgresql_where=text("turn_until IS NOT NULL")),
    Index("ix_conversations_turn_token", "turn_token", postgresql_where=text("turn_token IS NOT NULL")),
)
messages = Table(
    "messages", metadata,
    Column("id", Text, primary_key=True),
    Column("conversation_id", Text, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("sequence", Integer, nullable=False),
    Column("role", Text, nullable=False),
    Column("kind", Text),
    Column("content", Text, nullable=False),
    Column("questions", JSONB, nullable=False, server_default="[]"),
    Column("spec", JSONB),
    Column("plan_version", Integer),
    Column("warnings", JSONB, nullable=False, server_default="[]"),
    # an assistant message names the user message it answers; a user message nobody answers is pending
    Column("reply_to", Text, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("conversation_id", "sequence", name="uq_messages_conversation_sequence"),
)
plan_versions = Table(
    "plan_versions", metadata,
    Column("conversation_id", Text, ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("message_id", Text, nullable=False),
    Column("plan", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
