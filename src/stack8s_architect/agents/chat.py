"""The chat service: store the user's message, run the turn, store the answer and the plan version.

The user's message is committed first, so a turn that fails midway (or a process stopped mid-turn) loses nothing
the user said: the message stays in the history, unanswered, the conversation's spec is unchanged, and `retry`
answers it later. A turn then claims the conversation's lease (one short transaction; a second turn, in this process
or another, waits for it), answers with no transaction open — an LLM call may take seconds, and a lock or an open
transaction held that long would stall everyone — and stores its answers in one short transaction that checks the lease
is still its own. So turns of one conversation run one at a time and every plan version and message number is taken
once. Each answer names the message it replies to; a turn first answers any earlier message still waiting, so two
messages sent at once are answered in the order they were stored. Leases are short (`lease_s`) and renewed by each
process's heartbeat while its turns run: a process killed mid-turn lets go of its conversations within `lease_s`, and
the next turn (a retry) takes over.

The store (`conversations.repository.ConversationStore`) and the plan renderer are passed in by the
caller (API, CLI), keeping this package free of the layers above it.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from stack8s_architect.accounts.repository import add_llm_usage, llm_tokens_today
from stack8s_architect.accounts.tables import LOCAL_USER
from stack8s_architect.agents.llm import LlmMeter, metered
from stack8s_architect.agents.clarification import Question, pending
from stack8s_architect.agents.turn import (ConversationState, Extractor, Status, TurnEngine, TurnResult,
                                           offline_extractor)
from stack8s_architect.catalog.cluster.service import ClusterService
from stack8s_architect.core import metrics
from stack8s_architect.core.database import Database
from stack8s_architect.core.errors import (ArchitectError, ConflictError, InvalidRequestError, NotFoundError,
                                          RateLimitedError)
from stack8s_architect.core.logging import get_logger
from stack8s_architect.planning.plan import DeploymentPlan
from stack8s_architect.planning.planner import PlannerContext
from stack8s_architect.planning.spec import WorkloadSpec

if TYPE_CHECKING:  # the embedding runtime (onnx) is imported where an embedder is built
    from stack8s_architect.catalog.models.embedding import Embedder

log = get_logger(__name__)

MAX_MESSAGE_CHARS = 8000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TITLE_CHARS = 80
GREETING = ("Describe the AI workload you want to run — the model or task, the data, the scale, and any budget, "
            "cloud or region — and I will plan the GPUs, models, Kubernetes stack and cost.")


def _clean(value: str | None) -> str | None:
    """Messages are text: NUL and other control characters (but tabs and newlines) are refused."""
    if value is not None and _CONTROL.search(value):
        raise ValueError("message contains control characters; send plain text")
    return value


def _message_text(value: str) -> str:
    if not value.strip():
        raise ValueError("message is blank; say what the workload is")
    return _clean(value) or value


class ChatMessageRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: str = Field(min_length=1, max_length=64, pattern=r"^[0-9a-f]{1,64}$",
                                 description="the id /chat/start returned")
    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)

    _plain_text = field_validator("message")(_message_text)


class ChatStartRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str | None = Field(default=None, max_length=MAX_MESSAGE_CHARS,
                                description="the first message; without one the reply is a greeting")

    @field_validator("message")
    @classmethod
    def _plain_text(cls, value: str | None) -> str | None:
        return _clean(value)


class ChatStreamStartRequest(BaseModel):
    """A first message, answered as a stream (the conversation id comes back in the first event)."""

    model_config = ConfigDict(extra="forbid")

    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)

    _plain_text = field_validator("message")(_message_text)


class RenameRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=TITLE_CHARS, description="the conversation's new title")

    @field_validator("title")
    @classmethod
    def _plain_title(cls, value: str) -> str:
        value = " ".join((_clean(value) or "").split())
        if not value:
            raise ValueError("title is blank; give the conversation a name")
        return value


class ChatResponse(BaseModel):
    """DESIGN.md's chat response."""

    conversation_id: str
    message_id: str
    kind: Literal["clarification", "plan", "answer"]
    content: str
    questions: list[Question]
    spec: WorkloadSpec
    plan: DeploymentPlan | None
    warnings: list[str]


StoreFactory = Callable[[Session, str], Any]


@dataclass(frozen=True)
class PendingTurn:
    """A user message that is stored and waits for its answer."""

    conversation_id: str
    message_id: str
    sequence: int
    owner: str = LOCAL_USER


@dataclass(frozen=True)
class ClaimedTurn:
    """A turn that holds its conversation's lease (`token`) until `ChatService.answer_claimed` releases it, with the
    conversation as the claim read it: its state and the messages waiting for an answer, oldest first."""

    turn: PendingTurn
    token: str
    state: ConversationState
    waiting: list[dict[str, Any]]


def lease_waits(wait_s: float) -> Iterator[float]:
    """The pauses of a turn waiting for its conversation's lease: short at first (the turn before is usually a few
    tens of milliseconds from done), then every half second, for up to `wait_s`."""
    deadline = time.monotonic() + wait_s
    pause = 0.01
    while time.monotonic() < deadline:
        yield pause
        pause = min(0.5, pause * 2)


class LeaseKeeper:
    """One heartbeat thread per process renews the leases of the turns it is answering, every third of a lease."""

    def __init__(self, database: Database, store: StoreFactory, lease_s: float):
        self.database, self.store, self.lease_s = database, store, lease_s
        self._tokens: set[str] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def add(self, token: str) -> None:
        with self._lock:
            self._tokens.add(token)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="turn-leases", daemon=True)
                self._thread.start()

    def discard(self, token: str) -> None:
        with self._lock:
            self._tokens.discard(token)

    def _run(self) -> None:
        while True:
            time.sleep(self.lease_s / 3)
            with self._lock:
                tokens = sorted(self._tokens)
                if not tokens:  # idle: the next claim starts a new heartbeat
                    self._thread = None
                    return
            try:
                with self.database.session() as session:
                    self.store(session, LOCAL_USER).extend_leases(tokens, lease_s=self.lease_s)
            except Exception:  # noqa: BLE001  (the database is back on the next beat; a lease lasts three beats)
                log.warning("chat.lease_renewal_failed", turns=len(tokens), exc_info=True)


PLANS_KEPT = 512


class ChatService:
    """Every method acts for one `owner` (a user id); another user's conversation is one that does not exist.

    `lease_s`: how long a conversation stays held by a turn whose process stopped renewing it (killed);
    `wait_s`: how long a turn waits for the turn before it (then 409: retry later); `turns_per_user`: how many turns
    one owner may have answered at once, across every process (more are refused with 429); `llm_tokens_per_day`:
    the LLM tokens one owner's turns may spend per UTC day (0: no budget) — past it the offline engine answers, and
    says so (the concurrent turns of one owner may overrun it by their own calls)."""

    def __init__(self, database: Database, store: StoreFactory, *, extractor: Extractor = offline_extractor,
                 render: Callable[[DeploymentPlan], str] | None = None,
                 embedder: Callable[[], Embedder | None] = lambda: None,
                 narrate: Callable[[str, str], str] | None = None,
                 finish: Callable[[DeploymentPlan, WorkloadSpec], DeploymentPlan] | None = None,
                 cluster: ClusterService | None = None, lease_s: float = 15.0, wait_s: float = 120.0,
                 turns_per_user: int = 4, llm_tokens_per_day: int = 0):
        self.llm_tokens_per_day = llm_tokens_per_day
        self._plans: dict[tuple[str, int], dict[str, Any]] = {}  # stored plan versions' JSON, the last PLANS_KEPT
        self._plans_lock = threading.Lock()
        self.lease_s = lease_s
        self.wait_s = wait_s
        self.turns_per_user = turns_per_user
        self.leases = LeaseKeeper(database, store, lease_s)
        self.database = database
        self.store = store
        self.extractor = extractor
        self.render = render
        self.narrate = narrate
        self.finish = finish
        self.embedder = embedder  # read per turn: the service loads its embedder in the background
        self.cluster = cluster  # the local cluster a plan may use (its reading is cached across turns)

    def start(self, message: str | None, status: Status | None = None, *, owner: str = LOCAL_USER) -> ChatResponse:
        """Open a conversation; the first message is stored with it in one transaction, then answered."""
        opened = self.open(message, owner=owner)
        if isinstance(opened, ChatResponse):
            return opened
        return self._turn(opened, status)

    def open(self, message: str | None, *, owner: str = LOCAL_USER) -> PendingTurn | ChatResponse:
        """Store a new conversation with its first message (the turn is `answer`'s), or with the greeting."""
        text = message if message and message.strip() else None
        request = ChatMessageRequest(conversation_id="0", message=text) if text else None  # validated up front
        with self.database.session() as session:
            store = self.store(session, owner)
            conversation_id = store.create(_title(text), {}, titled=text is not None)
            if request is None:
                questions = pending(WorkloadSpec())[:1]
                message_id, _ = store.add_message(conversation_id, "assistant", GREETING, kind="clarification",
                                                  questions=[q.model_dump() for q in questions], spec={})
                store.save_state(conversation_id, {}, [q.field for q in questions], 0)  # asked: never again
                return ChatResponse(conversation_id=conversation_id, message_id=message_id, kind="clarification",
                                    content=GREETING, questions=questions, spec=WorkloadSpec(), plan=None, warnings=[])
            message_id, sequence = store.add_message(conversation_id, "user", request.message)
        return PendingTurn(conversation_id, message_id, sequence, owner)

    def answer(self, pending_turn: PendingTurn, status: Status | None = None) -> ChatResponse:
        """The turn for a user message already stored (by `open` or `send`)."""
        return self._turn(pending_turn, status)

    def message(self, request: ChatMessageRequest, status: Status | None = None, *,
                owner: str = LOCAL_USER) -> ChatResponse:
        return self._turn(self.send(request, owner=owner), status)

    def send(self, request: ChatMessageRequest, *, owner: str = LOCAL_USER) -> PendingTurn:
        """Store the user's message (committed at once: their words are kept whatever happens next)."""
        with self.database.session() as session:
            message_id, sequence = self.store(session, owner).add_message(
                request.conversation_id, "user", request.message, title=_title(request.message))  # 404 if unknown
        return PendingTurn(request.conversation_id, message_id, sequence, owner)

    def retry(self, conversation_id: str, status: Status | None = None, *, owner: str = LOCAL_USER) -> ChatResponse:
        """Answer the conversation's last user message when no answer was stored for it (a failed turn, a process
        stopped mid-turn); earlier unanswered messages are answered first, in order."""
        return self._turn(self.pending(conversation_id, owner=owner), status)

    def pending(self, conversation_id: str, *, owner: str = LOCAL_USER) -> PendingTurn:
        """The conversation's last user message when it has no answer; 409 when there is nothing to retry."""
        with self.database.session() as session:
            store = self.store(session, owner)
            if not store.exists(conversation_id):
                raise NotFoundError(f"no conversation {conversation_id!r}; GET /api/v1/chat lists them")
            last = store.last_user_message(conversation_id)
            if last is None or store.answer_to(conversation_id, last["id"]) is not None:
                raise ConflictError("nothing to retry: every message of this conversation has its answer")
        return PendingTurn(conversation_id, last["id"], last["sequence"], owner)

    def exists(self, conversation_id: str, *, owner: str = LOCAL_USER) -> bool:
        with self.database.session() as session:
            return self.store(session, owner).exists(conversation_id)

    def _turn(self, turn: PendingTurn, status: Status | None) -> ChatResponse:
        """Wait for the conversation's lease (blocking: the CLI and scripts), then answer."""
        for pause in lease_waits(self.wait_s):
            claimed = self.claim(turn)
            if claimed is not None:
                return claimed if isinstance(claimed, ChatResponse) else self.answer_claimed(claimed, status)
            (status or (lambda _: None))("waiting for the answer to the message before")
            time.sleep(pause)
        raise self.still_busy(turn)

    def claim(self, turn: PendingTurn) -> ClaimedTurn | ChatResponse | None:
        """Take the lease of `turn`'s conversation (one short transaction): a ClaimedTurn; the stored answer when an
        earlier turn answered this message meanwhile; None while another turn holds the lease. 404 when the
        conversation is gone, 429 when the owner already has `turns_per_user` turns being answered."""
        token = uuid.uuid4().hex
        with self.database.session() as session:
            store = self.store(session, turn.owner)
            outcome = store.claim_turn(turn.conversation_id, token, lease_s=self.lease_s,
                                       per_user=self.turns_per_user)
            if outcome == "missing":
                raise NotFoundError(f"conversation {turn.conversation_id!r} was deleted during the turn")
            if outcome == "too_many":
                raise RateLimitedError(f"{self.turns_per_user} of your messages are being answered right now; send "
                                       "this one again (it is stored: POST …/retry answers it) when one is done",
                                       retry_after_s=2)
            if outcome == "busy":
                return None
            assert isinstance(outcome, dict)  # claimed: the state the turn starts from
            waiting = store.unanswered(turn.conversation_id, turn.sequence)
            if not any(message["id"] == turn.message_id for message in waiting):
                answered = store.answer_to(turn.conversation_id, turn.message_id)
                store.release_turn(turn.conversation_id, token)
                if answered is None:  # cannot happen: a stored message is answered or waiting
                    raise ConflictError(f"message {turn.message_id!r} is not waiting for an answer")
                return self._stored_response(store, turn.conversation_id, answered)  # the turn before answered it
            state = ConversationState(WorkloadSpec.model_validate(outcome["spec"]), list(outcome["asked"]),
                                      self._latest_plan(store, turn.conversation_id, outcome["latest_plan_version"]))
        self.leases.add(token)
        return ClaimedTurn(turn, token, state, waiting)

    def still_busy(self, turn: PendingTurn) -> ConflictError:
        return ConflictError(f"another message of conversation {turn.conversation_id!r} has been answered for over "
                             f"{self.wait_s:.0f} s; this one is stored: POST /api/v1/chat/{turn.conversation_id}/retry "
                             "answers it later")

    def release(self, claimed: ClaimedTurn) -> None:
        self.leases.discard(claimed.token)
        with self.database.session() as session:
            self.store(session, claimed.turn.owner).release_turn(claimed.turn.conversation_id, claimed.token)

    def answer_claimed(self, claimed: ClaimedTurn, status: Status | None = None) -> ChatResponse:
        """Answer the claimed turn's message — and before it any earlier message still unanswered, in order — then
        release the lease. The catalogs are read in a session whose transaction ends before each LLM call; the answers
        are stored together in one short transaction that first checks the lease is still this turn's (and releases
        it)."""
        try:
            return self._answer(claimed, status or (lambda _: None))
        except BaseException:
            self.release(claimed)  # (a stored answer released the lease in its own transaction)
            raise

    def _answer(self, claimed: ClaimedTurn, status: Status) -> ChatResponse:
        turn, state = claimed.turn, claimed.state
        answers: list[tuple[str, TurnResult]] = []
        spent = self._llm_budget_spent(turn.owner)
        llm = self.extractor is not offline_extractor and not spent
        with self.database.session() as reads, metered() as meter:  # the planner's catalog reads; it writes nothing
            extractor = _outside_transaction(reads, self.extractor) if llm else offline_extractor  # an LLM: seconds
            narrate = _outside_transaction(reads, self.narrate) if self.narrate and not spent else None
            engine = TurnEngine(PlannerContext.for_session(reads, self.embedder(), self.cluster), extractor,
                                self.render, narrate, self.finish)
            try:
                for waiting in claimed.waiting:
                    mine = waiting["id"] == turn.message_id
                    result = engine.turn(state, waiting["content"], status) if mine else \
                        self._earlier_turn(engine, state, waiting, status)
                    answers.append((waiting["id"], result))
                    state = ConversationState(result.spec, list(result.asked), result.plan or state.plan)
            finally:
                self._record_llm_usage(turn.owner, meter)  # spent whether or not the turn is stored
        if not answers:  # cannot happen: the message is stored and unanswered
            raise ConflictError(f"message {turn.message_id!r} is not waiting for an answer")
        if spent:
            answers[-1][1].warnings.append(
                f"your language-model budget for today ({self.llm_tokens_per_day:,} tokens, "
                "ARCHITECT_LLM_TOKENS_PER_USER_DAY) is spent: the offline engine answered — the same catalogs and "
                "formulas, its own reading of the message; the language model answers again from 00:00 UTC")
        message_id = self._store_answers(claimed, answers)
        result = answers[-1][1]
        return ChatResponse(conversation_id=turn.conversation_id, message_id=message_id, kind=result.kind,
                            content=result.content, questions=result.questions, spec=result.spec, plan=result.plan,
                            warnings=result.warnings)

    def _llm_budget_spent(self, owner: str) -> bool:
        """The owner's turns have spent today's LLM budget (false with no LLM or no budget)."""
        if self.llm_tokens_per_day <= 0 or (self.extractor is offline_extractor and self.narrate is None):
            return False
        with self.database.session() as session:
            return llm_tokens_today(session, owner) >= self.llm_tokens_per_day

    def _record_llm_usage(self, owner: str, meter: LlmMeter) -> None:
        if not meter.calls:
            return
        try:
            with self.database.session() as session:
                add_llm_usage(session, owner, tokens=meter.tokens, calls=meter.calls)
        except SQLAlchemyError:  # the turn's own writes report a database down; usage is not worth failing it for
            log.warning("chat.llm_usage_not_recorded", owner=owner, tokens=meter.tokens, exc_info=True)
        log.info("chat.llm_usage", owner=owner, calls=meter.calls, tokens=meter.tokens)

    def _store_answers(self, claimed: ClaimedTurn, answers: list[tuple[str, TurnResult]]) -> str:
        """The answers (to the messages they reply to), their plan versions and the conversation's new state, in one
        short transaction that first checks the lease is still this turn's: all of a turn, or none of it (a turn that
        fails leaves every message it was answering retryable). Returns the last answer's message id."""
        conversation_id = claimed.turn.conversation_id
        with self.database.session() as session:
            store = self.store(session, claimed.turn.owner)
            held = store.hold_turn(conversation_id, claimed.token, lease_s=self.lease_s, messages=len(answers))
            if held is None:
                if not store.exists(conversation_id):
                    raise NotFoundError(f"conversation {conversation_id!r} was deleted during the turn")
                raise ConflictError(f"this turn lost its lease (its renewals stopped for over {self.lease_s:.0f} s) and "
                                    f"another turn took the conversation over; POST /api/v1/chat/{conversation_id}/retry "
                                    "answers the message if it is still unanswered")
            version, first_sequence = held
            ids = store.add_answers(conversation_id, first_sequence, [
                {"kind": result.kind, "content": result.content, "questions": [q.model_dump() for q in result.questions],
                 "spec": result.spec.model_dump(mode="json"), "warnings": result.warnings, "reply_to": reply_to,
                 "plan_version": result.plan.version if result.plan is not None else None}
                for reply_to, result in answers])
            stored_plans = []
            for message_id, (_, result) in zip(ids, answers, strict=True):
                if result.plan is not None and result.new_plan:
                    version = result.plan.version
                    stored_plans.append(((conversation_id, version), result.plan.model_dump(mode="json")))
                    store.add_plan(conversation_id, version, message_id, stored_plans[-1][1])
            last = answers[-1][1]
            store.finish_turn(conversation_id, claimed.token, last.spec.model_dump(mode="json"), last.asked, version)
            message_id = ids[-1]
        with self._plans_lock:  # committed: the next turn starts from this plan without reading it back
            self._plans.update(stored_plans)
            while len(self._plans) > PLANS_KEPT:
                self._plans.pop(next(iter(self._plans)))
        self.leases.discard(claimed.token)
        for reply_to, result in answers:
            metrics.TURNS.labels(kind=result.kind).inc()
            if result.plan is not None and result.new_plan:
                metrics.PLANS.inc()
            log.info("chat.turn", conversation_id=conversation_id, kind=result.kind,
                     plan_version=result.plan.version if result.plan else None, new_plan=result.new_plan,
                     earlier=reply_to != claimed.turn.message_id)
        return message_id

    @staticmethod
    def _earlier_turn(engine: TurnEngine, state: ConversationState, waiting: dict[str, Any],
                      status: Status) -> TurnResult:
        """An earlier message left unanswered. The service's own trouble (the database, a catalog source) fails the
        whole turn, which stays retryable; a message that cannot be answered at all gets an answer saying so, so
        it does not block the ones after it."""
        status("answering an earlier message first")
        try:
            return engine.turn(state, waiting["content"], status)
        except SQLAlchemyError:
            raise
        except ArchitectError as exc:
            if exc.status_code >= 500:
                raise
            reason = exc.message
        except Exception:  # noqa: BLE001  (a defect: recorded, logged with its trace)
            log.warning("chat.earlier_turn_failed", message_id=waiting["id"], exc_info=True)
            reason = "an internal error"
        return TurnResult(kind="answer", spec=state.spec, plan=state.plan, asked=list(state.asked),
                          content=f"This message could not be answered ({reason}); nothing it said was applied. "
                                  "Send it again if it still matters.",
                          warnings=["an earlier message could not be answered"])

    def _stored_response(self, store: Any, conversation_id: str, row: dict[str, Any]) -> ChatResponse:
        plan = self._latest_plan(store, conversation_id, row["plan_version"] or 0)
        return ChatResponse(conversation_id=conversation_id, message_id=row["id"], kind=row["kind"],
                            content=row["content"], questions=[Question(**q) for q in row["questions"]],
                            spec=WorkloadSpec.model_validate(row["spec"] or {}), plan=plan,
                            warnings=list(row["warnings"]))

    def _latest_plan(self, store: Any, conversation_id: str, version: int) -> DeploymentPlan | None:
        """A stored plan version (immutable once written): its JSON is kept for the conversation's next turn, which
        would read the same ~20 KB again (≈ 0.8 ms); the caller has already shown the conversation is the owner's."""
        if not version:
            return None
        key = (conversation_id, version)
        with self._plans_lock:
            data = self._plans.get(key)
        if data is None:
            data = store.plan(conversation_id, version)
            if data is None:
                return None
            with self._plans_lock:
                self._plans[key] = data
                while len(self._plans) > PLANS_KEPT:
                    self._plans.pop(next(iter(self._plans)))
        return DeploymentPlan.model_validate(data)

    # --- reading ---------------------------------------------------------------------------------

    def history(self, conversation_id: str, *, owner: str = LOCAL_USER) -> dict[str, Any]:
        with self.database.session() as session:
            store = self.store(session, owner)
            row = store.get(conversation_id)
            if row is None:
                raise NotFoundError(f"no conversation {conversation_id!r}; GET /api/v1/chat lists them")
            return {"conversation_id": row["id"], "title": row["title"], "created_at": row["created_at"],
                    "updated_at": row["updated_at"], "spec": row["spec"],
                    "latest_plan_version": row["latest_plan_version"] or None,
                    "messages": _message_views(store.messages(conversation_id)),
                    "plans": store.plan_index(conversation_id)}

    def plan(self, conversation_id: str, version: int | None = None, *, owner: str = LOCAL_USER) -> DeploymentPlan:
        """One stored plan version; the latest when `version` is None."""
        if version is not None and version < 1:
            raise InvalidRequestError("plan versions start at 1")
        with self.database.session() as session:
            store = self.store(session, owner)
            conversation = store.get(conversation_id)
            if conversation is None:
                raise NotFoundError(f"no conversation {conversation_id!r}; GET /api/v1/chat lists them")
            if version is None:
                version = conversation.get("latest_plan_version")
                if not version:
                    raise NotFoundError(f"conversation {conversation_id!r} has no plan yet: answer its questions "
                                        "or describe the workload first")
            data = store.plan(conversation_id, version)
            if data is None:
                raise NotFoundError(f"conversation {conversation_id!r} has no plan version {version}")
            return DeploymentPlan.model_validate(data)

    def rename(self, conversation_id: str, title: str, *, owner: str = LOCAL_USER) -> dict[str, Any]:
        with self.database.session() as session:
            row = self.store(session, owner).rename(conversation_id, title)
        if row is None:
            raise NotFoundError(f"no conversation {conversation_id!r}; GET /api/v1/chat lists them")
        return {**row, "latest_plan_version": row["latest_plan_version"] or None}

    def delete(self, conversation_id: str, *, owner: str = LOCAL_USER) -> None:
        """Delete a conversation, its messages and plans. A turn in progress is not waited for: storing its answer
        finds the conversation gone and answers 404."""
        with self.database.session() as session:
            if not self.store(session, owner).delete(conversation_id):
                raise NotFoundError(f"no conversation {conversation_id!r}; GET /api/v1/chat lists them")
        log.info("chat.deleted", conversation_id=conversation_id)

    def conversations(self, limit: int = 50, offset: int = 0, *, owner: str = LOCAL_USER) -> dict[str, Any]:
        with self.database.session() as session:
            total, rows = self.store(session, owner).list(limit=limit, offset=offset)
        return {"total": total, "conversations": [
            {**row, "latest_plan_version": row["latest_plan_version"] or None} for row in rows]}


def _outside_transaction(session: Session, call: Callable[..., Any]) -> Callable[..., Any]:
    """`call` (an LLM call: seconds) with `session`'s transaction ended first, so no lock, snapshot or connection is
    held while it runs."""
    def run(*args: Any) -> Any:
        session.commit()
        return call(*args)
    return run


def _title(message: str | None) -> str:
    text = " ".join((message or "").split())
    if not text:
        return "New conversation"
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"


def _message_views(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Messages as the API shows them; a user message says whether it has its answer (else: retry it)."""
    replied = {row["reply_to"] for row in rows if row.get("reply_to")}
    return [{"message_id": row["id"], "sequence": row["sequence"], "role": row["role"], "kind": row["kind"],
             "content": row["content"], "questions": row["questions"], "plan_version": row["plan_version"],
             "warnings": row["warnings"], "created_at": row["created_at"],
             **({"answered": row["id"] in replied} if row["role"] == "user" else {"reply_to": row.get("reply_to")})}
            for row in rows]
