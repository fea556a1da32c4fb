"""SQL for conversations, messages and plan versions. Values in and out are plain JSON-able dicts.

Message sequences come from the conversation row (`last_sequence`, incremented in the same UPDATE that
locks the row), so two writers never take the same number; the unique constraint backs it up.

A turn holds its conversation by a lease (`turn_token`, `turn_until`) rather than a lock: it claims the row in one
short transaction, answers with no transaction open, and writes each answer only while the lease is still its own.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import case, delete, func, insert, literal, select, update
from sqlalchemy.orm import Session

from stack8s_architect.accounts.tables import LOCAL_USER
from stack8s_architect.conversations.tables import conversations, messages, plan_versions
from stack8s_architect.core.errors import NotFoundError

_SUMMARY = (conversations.c.id, conversations.c.title, conversations.c.created_at, conversations.c.updated_at,
            conversations.c.last_sequence.label("message_count"), conversations.c.latest_plan_version)


def new_id() -> str:
    return uuid.uuid4().hex


class ConversationStore:
    """One user's conversations: another user's conversation is, to this store, one that does not exist."""

    def __init__(self, session: Session, owner: str = LOCAL_USER):
        self.session = session
        self.owner = owner

    def _mine(self, conversation_id: str) -> tuple[Any, ...]:
        return conversations.c.id == conversation_id, conversations.c.user_id == self.owner

    def _owned(self, column: Any, conversation_id: str) -> Any:
        """`column` (a conversation id column of another table) names this owner's conversation."""
        return column.in_(select(conversations.c.id).where(*self._mine(conversation_id)))

    # --- the turn lease ---------------------------------------------------------------------------

    def claim_turn(self, conversation_id: str, token: str, *, lease_s: float, per_user: int) -> str | dict[str, Any]:
        """Take the conversation's turn lease: its state (spec, asked, latest_plan_version) when claimed; else `busy`
        (another turn holds it), `missing`, or `too_many`
        (the owner already has `per_user` turns being answered). Claims of one owner are serialised (an advisory
        lock for this transaction only), so the count holds across processes."""
        self.session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(literal("turns:" + self.owner),
                                                                                       0))))
        now = func.clock_timestamp()
        leased = select(func.count()).select_from(conversations).where(
            conversations.c.user_id == self.owner, conversations.c.turn_until > now).scalar_subquery()
        claimed = self.session.execute(
            update(conversations)
            .where(*self._mine(conversation_id),
                   (conversations.c.turn_until.is_(None)) | (conversations.c.turn_until < now),
                   leased < per_user)
            .values(turn_token=token, turn_until=now + func.make_interval(0, 0, 0, 0, 0, 0, lease_s))
            .returning(conversations.c.spec, conversations.c.asked, conversations.c.latest_plan_version)
        ).mappings().first()
        if claimed is not None:
            return dict(claimed)
        row = self.session.execute(select((conversations.c.turn_until > now).label("busy"), leased.label("leased"))
                                   .where(*self._mine(conversation_id))).first()
        if row is None:
            return "missing"
        # the lease may have been released between the two statements: then this is a retry, not a refusal
        return "too_many" if not row.busy and row.leased >= per_user else "busy"

    def hold_turn(self, conversation_id: str, token: str, *, lease_s: float, messages: int = 0
                  ) -> tuple[int, int] | None:
        """Lock the row for this transaction's writes, extend the lease and reserve `messages` sequence numbers, if
        the lease is still `token`'s: (latest plan version, the first reserved sequence); None when the lease is not
        `token`'s (or the conversation is gone)."""
        row = self.session.execute(
            update(conversations).where(*self._mine(conversation_id), conversations.c.turn_token == token)
            .values(turn_until=func.clock_timestamp() + func.make_interval(0, 0, 0, 0, 0, 0, lease_s),
                    last_sequence=conversations.c.last_sequence + messages, updated_at=func.now())
            .returning(conversations.c.latest_plan_version, conversations.c.last_sequence)
        ).first()
        return None if row is None else (row[0], row[1] - messages + 1)

    def finish_turn(self, conversation_id: str, token: str, spec: dict[str, Any], asked: list[str],
                    latest_plan_version: int) -> None:
        """The conversation's state after the turn, and its lease released, in one statement."""
        self.session.execute(update(conversations)
                             .where(*self._mine(conversation_id), conversations.c.turn_token == token)
                             .values(spec=spec, asked=asked, latest_plan_version=latest_plan_version,
                                     updated_at=func.now(), turn_token=None, turn_until=None))

    def extend_leases(self, tokens: list[str], *, lease_s: float) -> int:
        """Renew the leases of turns still under way (the process's heartbeat); tokens are 128 random bits, so this
        reaches no turn but those. A process that stops renewing (killed) loses its leases within `lease_s`."""
        return self.session.execute(
            update(conversations).where(conversations.c.turn_token.in_(tokens))
            .values(turn_until=func.clock_timestamp() + func.make_interval(0, 0, 0, 0, 0, 0, lease_s))
        ).rowcount

    def release_turn(self, conversation_id: str, token: str) -> None:
        self.session.execute(update(conversations)
                             .where(*self._mine(conversation_id), conversations.c.turn_token == token)
                             .values(turn_token=None, turn_until=None))

    # --- conversations -----------------------------------------------------------------------------

    def create(self, title: str, spec: dict[str, Any], *, titled: bool = True) -> str:
        conversation_id = new_id()
        self.session.execute(insert(conversations).values(id=conversation_id, user_id=self.owner, title=title,
                                                          titled=titled, spec=spec, asked=[]))
        return conversation_id

    def exists(self, conversation_id: str) -> bool:
        return self.session.execute(select(conversations.c.id).where(*self._mine(conversation_id))).first() \
            is not None

    def get(self, conversation_id: str, *, lock: bool = False) -> dict[str, Any] | None:
        query = select(conversations).where(*self._mine(conversation_id))
        if lock:
            query = query.with_for_update()
        row = self.session.execute(query).mappings().first()
        return dict(row) if row else None

    def add_message(self, conversation_id: str, role: str, content: str, *, kind: str | None = None,
                    questions: list[dict[str, Any]] | None = None, spec: dict[str, Any] | None = None,
                    plan_version: int | None = None, warnings: list[str] | None = None,
                    reply_to: str | None = None, title: str | None = None) -> tuple[str, int]:
        """Append a message under the next sequence number; `title` names a conversation still untitled (opened
        without a message). 404 when the conversation does not exist (or was deleted a moment ago)."""
        values: dict[str, Any] = {"last_sequence": conversations.c.last_sequence + 1, "updated_at": func.now()}
        if title is not None:
            values |= {"title": case((conversations.c.titled.is_(False), title), else_=conversations.c.title),
                       "titled": True}
        sequence = self.session.execute(
            update(conversations).where(*self._mine(conversation_id)).values(**values)
            .returning(conversations.c.last_sequence)
        ).scalar_one_or_none()
        if sequence is None:  # unknown, or deleted since the caller looked (a DELETE racing it): a 404, not a 500
            raise NotFoundError(f"no conversation {conversation_id!r} (it does not exist, or it was deleted); start "
                                "one with POST /api/v1/chat/start")
        message_id = new_id()
        self.session.execute(insert(messages).values(
            id=message_id, conversation_id=conversation_id, sequence=sequence, role=role, kind=kind, content=content,
            questions=questions or [], spec=spec, plan_version=plan_version, warnings=warnings or [],
            reply_to=reply_to,
        ))
        return message_id, sequence

    def add_answers(self, conversation_id: str, first_sequence: int, answers: list[dict[str, Any]]) -> list[str]:
        """Assistant messages under sequences reserved by `hold_turn` (first_sequence, +1, …), in one statement."""
        rows = [{**answer, "id": new_id(), "conversation_id": conversation_id, "sequence": first_sequence + i,
                 "role": "assistant"} for i, answer in enumerate(answers)]
        self.session.execute(insert(messages), rows)
        return [row["id"] for row in rows]

    def save_state(self, conversation_id: str, spec: dict[str, Any], asked: list[str],
                   latest_plan_version: int) -> None:
        self.session.execute(update(conversations).where(*self._mine(conversation_id)).values(
            spec=spec, asked=asked, latest_plan_version=latest_plan_version, updated_at=func.now()))

    def add_plan(self, conversation_id: str, version: int, message_id: str, plan: dict[str, Any]) -> None:
        self.session.execute(insert(plan_versions).values(conversation_id=conversation_id, version=version,
                                                          message_id=message_id, plan=plan))

    def plan(self, conversation_id: str, version: int) -> dict[str, Any] | None:
        return self.session.execute(
            select(plan_versions.c.plan).where(self._owned(plan_versions.c.conversation_id, conversation_id),
                                               plan_versions.c.version == version)
        ).scalar_one_or_none()

    def messages(self, conversation_id: str) -> list[dict[str, Any]]:
        rows = self.session.execute(
            select(messages).where(self._owned(messages.c.conversation_id, conversation_id)).order_by(messages.c.sequence)
        ).mappings()
        return [dict(row) for row in rows]

    def plan_index(self, conversation_id: str) -> list[dict[str, Any]]:
        rows = self.session.execute(
            select(plan_versions.c.version, plan_versions.c.message_id, plan_versions.c.created_at)
            .where(self._owned(plan_versions.c.conversation_id, conversation_id)).order_by(plan_versions.c.version)
        ).mappings()
        return [dict(row) for row in rows]

    def rename(self, conversation_id: str, title: str) -> dict[str, Any] | None:
        """Set the title; the conversation's summary row, or None when there is no such conversation."""
        row = self.session.execute(
            update(conversations).where(*self._mine(conversation_id)).values(title=title, titled=True)
            .returning(*_SUMMARY)
        ).mappings().first()
        return dict(row) if row else None

    def title_from_message(self, conversation_id: str, title: str) -> None:
        """A conversation opened without a message takes its first message as title (unless renamed)."""
        self.session.execute(update(conversations).where(*self._mine(conversation_id),
                                                         conversations.c.titled.is_(False)).values(title=title,
                                                                                                  titled=True))

    def delete(self, conversation_id: str) -> bool:
        """Remove the conversation with its messages and plan versions (the foreign keys cascade)."""
        return self.session.execute(
            delete(conversations).where(*self._mine(conversation_id)).returning(conversations.c.id)
        ).first() is not None

    def list(self, *, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
        total = self.session.execute(select(func.count()).select_from(conversations)
                                     .where(conversations.c.user_id == self.owner)).scalar_one()
        rows = self.session.execute(
            select(*_SUMMARY).where(conversations.c.user_id == self.owner).order_by(conversations.c.updated_at.desc(), conversations.c.id).limit(limit).offset(offset)
        ).mappings()
        return total, [dict(row) for row in rows]

    def unanswered(self, conversation_id: str, up_to: int) -> list[dict[str, Any]]:
        """User messages after the last answered one, up to sequence `up_to`, oldest first. (Older unanswered
        messages predate answers naming their message — revision 0008 — and are not replayed.)"""
        answers = select(messages.c.reply_to).where(messages.c.conversation_id == conversation_id,
                                                    messages.c.reply_to.is_not(None))
        last_answered = select(func.coalesce(func.max(messages.c.sequence), 0)).where(
            messages.c.conversation_id == conversation_id, messages.c.role == "user",
            messages.c.id.in_(answers)).scalar_subquery()
        rows = self.session.execute(
            select(messages.c.id, messages.c.sequence, messages.c.content)
            .where(self._owned(messages.c.conversation_id, conversation_id), messages.c.role == "user",
                   messages.c.sequence > last_answered, messages.c.sequence <= up_to,
                   messages.c.id.not_in(answers))
            .order_by(messages.c.sequence)
        ).mappings()
        return [dict(row) for row in rows]

    def answer_to(self, conversation_id: str, message_id: str) -> dict[str, Any] | None:
        """The assistant message that answers a user message, if any."""
        row = self.session.execute(select(messages).where(self._owned(messages.c.conversation_id, conversation_id),
                                                          messages.c.reply_to == message_id)).mappings().first()
        return dict(row) if row else None

    def last_user_message(self, conversation_id: str) -> dict[str, Any] | None:
        row = self.session.execute(
            select(messages.c.id, messages.c.sequence, messages.c.content)
            .where(self._owned(messages.c.conversation_id, conversation_id), messages.c.role == "user")
            .order_by(messages.c.sequence.desc()).limit(1)
        ).mappings().first()
        return dict(row) if row else None
