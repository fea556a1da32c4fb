"""`architect chat` and `architect export`: conversations and their deliverables."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import sys
from pathlib import Path
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

# Heavy modules (the ingesters, the catalogs, SQLAlchemy, the embedding runtime) are imported by the commands that use
# them, so `--help` and a command talking to a running service (ARCHITECT_URL) start in a fraction of a second.
if TYPE_CHECKING:
    from stack8s_architect.core.database import Database
from stack8s_architect.core.errors import ArchitectError
from stack8s_architect.cli.common import _call, _database, _fail, _remote, _request, console, errors


def _owner(database: Database, user: str | None) -> str:
    """The user id commands act for: `local` (single-user mode) unless --user names one."""
    from stack8s_architect.accounts.repository import AccountStore
    from stack8s_architect.accounts.tables import LOCAL_USER

    if user is None:
        return LOCAL_USER
    with database.session() as session:
        return AccountStore(session).user_named(user)["id"]


@dataclass(frozen=True)
class _Reply:
    """A chat reply as the CLI shows it, from the service in this process or from the one at ARCHITECT_URL."""

    conversation_id: str
    content: str
    warnings: list[str]
    has_plan: bool
    json: Callable[[], str]  # the contract JSON (--json)


def chat_command(
    message: Annotated[str | None, typer.Option("--message", "-m", help="Send one message and exit.")] = None,
    conversation: Annotated[str | None, typer.Option("--conversation", "-c", help="Continue this conversation id.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the contract JSON of the reply.")] = False,
    user: Annotated[str | None, typer.Option("--user", help="Act as this user (default: the single-user-mode "
                                                            "owner, `local`).")] = None,
) -> None:
    """Talk to the architect: an interactive chat, or one message with --message (add --json for machines).
    With ARCHITECT_URL set, the running service answers (and keeps the conversation)."""
    from rich.markdown import Markdown

    url = _remote()
    with contextlib.ExitStack() as stack:
        if url:  # the service checks the message and answers with the contract JSON, kept as it came
            if user is not None:
                _fail("--user acts on the local database; with ARCHITECT_URL the service acts for ARCHITECT_TOKEN's "
                      "owner", 2)

            def ask(text: str | None, conversation_id: str | None) -> _Reply:
                if conversation_id is None:
                    body = _call(url, "POST", "/api/v1/chat/start", {} if text is None else {"message": text})
                else:
                    body = _call(url, "POST", "/api/v1/chat/message",
                                 {"conversation_id": conversation_id, "message": text})
                return _Reply(body["conversation_id"], body["content"], body["warnings"], body["plan"] is not None,
                              lambda: json.dumps(body, indent=2))

            if conversation is not None:
                _call(url, "GET", f"/api/v1/chat/{conversation}")  # a 404 says which id is unknown
        else:
            from stack8s_architect.agents.chat import ChatMessageRequest, ChatService, ChatStartRequest
            from stack8s_architect.agents.llm import build_extractor, build_narrator
            from stack8s_architect.catalog.cluster.service import ClusterService
            from stack8s_architect.conversations.repository import ConversationStore
            from stack8s_architect.rendering.bundle import finish_plan
            from stack8s_architect.rendering.markdown import plan_markdown

            settings, database = stack.enter_context(_database())
            owner = _owner(database, user)
            chat = ChatService(database, ConversationStore, extractor=build_extractor(settings), render=plan_markdown,
                               narrate=build_narrator(settings), finish=finish_plan,
                               cluster=ClusterService(settings.cluster))

            def ask(text: str | None, conversation_id: str | None) -> _Reply:
                if conversation_id is None:
                    reply = chat.start(None if text is None else ChatStartRequest(message=text).message, owner=owner)
                else:
                    reply = chat.message(ChatMessageRequest(conversation_id=conversation_id, message=text), owner=owner)
                return _Reply(reply.conversation_id, reply.content, reply.warnings, reply.plan is not None,
                              lambda: reply.model_dump_json(indent=2))

            if conversation is not None and not chat.exists(conversation, owner=owner):
                _fail(f"no conversation {conversation!r}; `architect chat` starts a new one", 2)

        def show(reply: _Reply) -> None:
            for warning in reply.warnings:
                errors.print(f"[yellow]warning:[/] {warning}", highlight=False)
            console.print(Markdown(reply.content))

        if message is not None:
            reply = _request(lambda: ask(message, conversation))
            if as_json:
                sys.stdout.write(reply.json() + "\n")
                return
            show(reply)
            errors.print(f"[dim]conversation {reply.conversation_id} — go on with: architect chat -c "
                         f"{reply.conversation_id} -m '…'"
                         + (f"; export the plan with: architect export {reply.conversation_id}" if reply.has_plan else "")
                         + "[/]", highlight=False)
            return
        if conversation is None:
            greeting = ask(None, None)
            conversation = greeting.conversation_id
            show(greeting)
        console.print(f"[dim]conversation {conversation} — empty line or Ctrl-D to leave[/]")
        try:
            while True:
                try:
                    text = console.input("[bold cyan]you>[/] ")
                except EOFError:
                    break
                if not text.strip() or text.strip() in {"/quit", "/exit"}:
                    break
                try:
                    with console.status("planning…"):
                        show(ask(text, conversation))
                except (ArchitectError, ValidationError) as exc:  # one bad turn does not end the session
                    problem = exc.message if isinstance(exc, ArchitectError) else exc.errors()[0]["msg"]
                    errors.print(f"[bold red]error:[/] {problem}", highlight=False)
        except KeyboardInterrupt:
            pass
        console.print(f"[dim]continue later with: architect chat --conversation {conversation}; "
                      f"export the plan with: architect export {conversation}[/]")


def export_command(
    conversation: Annotated[str, typer.Argument(help="The conversation id (`architect chat` prints it).")],
    version: Annotated[int | None, typer.Option("--version", "-v", min=1,
                                                help="The plan version (default: the latest).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Directory to write (created when missing). "
                                                "Default: ./stack8s-plan-<conversation>-v<version>.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Write into a directory that is not empty: the bundle's "
                                        "files are overwritten and its manifests/ folder replaced.")] = False,
    user: Annotated[str | None, typer.Option("--user", help="The conversation's owner (default: `local`).")] = None,
) -> None:
    """Write a plan's deliverables: README.md, plan.json, helmfile.yaml, manifests/, skypilot.yaml, diagram.mmd."""
    from stack8s_architect.agents.chat import ChatService
    from stack8s_architect.conversations.repository import ConversationStore
    from stack8s_architect.rendering.bundle import bundle_files

    if not re.fullmatch(r"[0-9a-f]{1,64}", conversation):
        _fail(f"{conversation!r} is not a conversation id (hex, as `architect chat` prints it)", 2)
    with _database() as (_, database):
        plan = ChatService(database, ConversationStore).plan(conversation, version, owner=_owner(database, user))
    bundle = bundle_files(plan)
    directory = output or Path(f"stack8s-plan-{conversation[:12]}-v{plan.version}")
    if directory.exists() and not directory.is_dir():
        _fail(f"{directory} exists and is not a directory; choose another --output", 2)
    if directory.is_dir() and any(directory.iterdir()) and not force:
        _fail(f"{directory} is not empty; choose another --output, or add --force to replace the bundle's files "
              "there", 2)
    try:
        if force and (directory / "manifests").is_dir():  # no stale manifest of an earlier export stays behind
            shutil.rmtree(directory / "manifests")
        written = bundle.write(directory)
    except OSError as exc:
        _fail(f"cannot write {directory}: {exc.strerror or exc}; choose another --output", 1)
    table = Table(title=f"plan version {plan.version} → {directory}")
    table.add_column("file")
    table.add_column("bytes", justify="right")
    for path in written:
        table.add_row(str(path.relative_to(directory)), f"{path.stat().st_size:,}")
    console.print(table)
    if bundle.problems:
        for problem in bundle.problems:
            errors.print(f"[bold red]invalid:[/] {problem}", highlight=False)
        raise typer.Exit(1)
    kube = sum(1 for path in bundle.files if path.startswith("manifests/"))
    console.print(f"{kube} Kubernetes manifests pass strict schema validation. Next: see {directory / 'README.md'}.")
