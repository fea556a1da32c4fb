"""Users and API tokens. Tokens are stored as SHA-256 digests of the secret; the secret is shown once."""

from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Float, ForeignKey, Table, Text, func

from stack8s_architect.core.schema import metadata

# The owner of everything made in single-user mode (loopback, no users defined); never a sign-in identity.
LOCAL_USER = "local"

users = Table(
    "users", metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Text, primary_key=True),
    Column("user_id", Text, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("token_hash", Text, nullable=False, unique=True),
    Column("prefix", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("expires_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)
# One token bucket per user or client address, shared by every service process (UNLOGGED: see revision 0010).
rate_buckets = Table(
    "rate_buckets", metadata,
    Column("key", Text, primary_key=True),
    Column("level", Float, nullable=False),
    Column("allowed", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now(), index=True),
    prefixes=["UNLOGGED"],
)
# LLM tokens each user's turns spent per UTC day (revision 0012): the per-user cost budget, across every process.
llm_usage = Table(
    "llm_usage", metadata,
    Column("user_id", Text, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("tokens", BigInteger, nullable=False),
    Column("calls", BigInteger, nullable=False),
)
