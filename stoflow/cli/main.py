"""The single entry point for every operator action: `stoflow --help`."""

from __future__ import annotations

import typer

from stoflow.cli import batch_commands, bench, db_commands, sandbox_command, up_command, worker_command

app = typer.Typer(help="StoFlow: durable marketplace operations for resellers.", no_args_is_help=True)
for module in (db_commands, worker_command, batch_commands, bench, sandbox_command, up_command):
    module.register(app)


if __name__ == "__main__":  # pragma: no cover
    app()
