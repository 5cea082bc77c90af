"""The single entry point for every operator action: `stoflow --help`."""

from __future__ import annotations

import typer

from stoflow.cli import bench, db_commands, sandbox_command, up_command

app = typer.Typer(help="StoFlow: durable marketplace operations for resellers.", no_args_is_help=True)
db_commands.register(app)
bench.register(app)
sandbox_command.register(app)
up_command.register(app)


if __name__ == "__main__":  # pragma: no cover
    app()
