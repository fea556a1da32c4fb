"""`architect` — the command line: thin wrappers over the services, one module per command group (as the API has one
router per domain). Heavy modules (the ingesters, the catalogs, SQLAlchemy, the embedding runtime) are imported by the
commands that use them, so `--help` and a command talking to a running service (ARCHITECT_URL) start in a fraction of
a second."""

from __future__ import annotations

import typer

from stack8s_architect.cli import accounts, charts, chat, cluster, compute, data, models, serve, size
from stack8s_architect.cli.common import _num  # noqa: F401  (one number format: tests check it)

app = typer.Typer(help="Stack8s AI Architect: AI/ML infrastructure plans from real catalogs.", no_args_is_help=True)
app.command()(serve.serve)
app.add_typer(serve.db_app, name="db")
app.add_typer(data.data_app, name="data")
app.add_typer(compute.compute_app, name="compute")
app.add_typer(models.models_app, name="models")
app.add_typer(charts.charts_app, name="charts")
app.command("size")(size.size_command)
app.command("chat")(chat.chat_command)
app.add_typer(accounts.users_app, name="users")
app.add_typer(accounts.tokens_app, name="tokens")
app.command("export")(chat.export_command)
app.add_typer(cluster.cluster_app, name="cluster")
