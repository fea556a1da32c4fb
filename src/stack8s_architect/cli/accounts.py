"""`architect users` and `architect tokens`: who may call the service."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from stack8s_architect.cli.common import _database, console, errors

users_app = typer.Typer(help="Users of the service (each has their own conversations).", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens: `Authorization: Bearer <token>` on every API request.", no_args_is_help=True)


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


@users_app.command("create")
def users_create(name: Annotated[str, typer.Argument(help="A user name: letters, digits, '.', '_', '@', '-'.")]) -> None:
    """Create a user. Once any user exists, the service asks every API request for a token."""
    from stack8s_architect.accounts.repository import AccountStore

    with _database() as (_, database), database.session() as session:
        user = AccountStore(session).create_user(name)
    console.print(f"user {user['name']} created; give them a token: architect tokens create {user['name']}",
                  highlight=False)


@users_app.command("list")
def users_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Users and how many active tokens each has."""
    from stack8s_architect.accounts.repository import AccountStore

    with _database() as (_, database), database.session() as session:
        rows = AccountStore(session).list_users()
    if as_json:
        sys.stdout.write(json.dumps(rows, default=str, indent=2) + "\n")
        return
    table = Table("user", "created", "active tokens")
    for row in rows:
        table.add_row(row["name"], _when(row["created_at"]), str(row["active_tokens"]))
    console.print(table if rows else "no users: the service runs in single-user mode on loopback")


@users_app.command("delete")
def users_delete(name: Annotated[str, typer.Argument(help="The user to delete.")],
                 yes: Annotated[bool, typer.Option("--yes", help="Do not ask.")] = False) -> None:
    """Delete a user with their tokens and conversations."""
    from stack8s_architect.accounts.repository import AccountStore

    if not yes and not typer.confirm(f"delete {name} with their tokens and conversations?"):
        raise typer.Exit(1)
    with _database() as (_, database), database.session() as session:
        AccountStore(session).delete_user(name)
    console.print(f"user {name} deleted", highlight=False)


@tokens_app.command("create")
def tokens_create(
    user: Annotated[str, typer.Argument(help="The user the token acts for.")],
    name: Annotated[str, typer.Option("--name", help="A label to recognise the token by.")] = "default",
    expires_days: Annotated[int | None, typer.Option("--expires-days", min=1, max=3650,
                                                     help="Expire after this many days (default: never).")] = None,
) -> None:
    """Create a token; the secret is printed once (only its SHA-256 digest is stored)."""
    from stack8s_architect.accounts.repository import AccountStore

    with _database() as (_, database), database.session() as session:
        row, secret = AccountStore(session).create_token(user, name, expires_days)
    expiry = f"expires {_when(row['expires_at'])}" if row["expires_at"] else "never expires"
    errors.print(f"token {row['id']} for {row['user']} ({row['name']}), {expiry}. The secret below is shown only "
                 "now:", highlight=False)
    sys.stdout.write(secret + "\n")  # alone on stdout, for `TOKEN=$(architect tokens create alice)`


@tokens_app.command("list")
def tokens_list(user: Annotated[str | None, typer.Option("--user", help="Only this user's tokens.")] = None,
                as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Tokens (never their secrets): id, user, label, prefix, created, expires, last used, revoked."""
    from stack8s_architect.accounts.repository import AccountStore

    with _database() as (_, database), database.session() as session:
        rows = AccountStore(session).list_tokens(user)
    if as_json:
        sys.stdout.write(json.dumps(rows, default=str, indent=2) + "\n")
        return
    table = Table("id", "user", "name", "prefix", "created", "expires", "last used", "revoked")
    for row in rows:
        table.add_row(row["id"], row["user"], row["name"], row["prefix"] + "…", _when(row["created_at"]),
                      _when(row["expires_at"]), _when(row["last_used_at"]), _when(row["revoked_at"]))
    console.print(table)


@tokens_app.command("revoke")
def tokens_revoke(token: Annotated[str, typer.Argument(help="The token id (`architect tokens list`) or the secret.")]
                  ) -> None:
    """Revoke a token: requests with it are refused from now on."""
    from stack8s_architect.accounts.repository import AccountStore

    with _database() as (_, database), database.session() as session:
        row = AccountStore(session).revoke_token(token)
    console.print(f"token {row['id']} revoked", highlight=False)
