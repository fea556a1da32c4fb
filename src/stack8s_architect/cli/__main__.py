"""`python -m stack8s_architect.cli`: the same as `architect`."""

from stack8s_architect.cli import app

app()
