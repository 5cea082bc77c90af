"""`stoflow sandbox`: run the eBay, Etsy and Vinted emulators until interrupted."""

from __future__ import annotations

import json
import time

import httpx
import typer


def sandbox(
    *,
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    ebay_port: int = typer.Option(8101, help="eBay emulator port (0 picks a free one)."),
    etsy_port: int = typer.Option(8102, help="Etsy emulator port (0 picks a free one)."),
    vinted_port: int = typer.Option(8103, help="Vinted emulator port (0 picks a free one)."),
    seed: int = typer.Option(0, help="Seed for generated ids and probabilistic faults."),
    demo_seller: bool = typer.Option(True, help="Register one seller per emulator and print credentials."),
) -> None:
    """Serve the marketplace emulators; each has its admin API under /_admin."""
    from stoflow.sandbox.config import SandboxConfig  # the emulators load only for this command
    from stoflow.sandbox.server import running_sandbox

    ports = {"ebay": ebay_port, "etsy": etsy_port, "vinted": vinted_port}
    with running_sandbox(SandboxConfig(seed=seed), host=host, ports=ports) as sb:
        urls = {"ebay": sb.ebay_url, "etsy": sb.etsy_url, "vinted": sb.vinted_url}
        for name, url in urls.items():
            typer.echo(f"{name} emulator listening on {url} (admin: {url}/_admin)")
        if demo_seller:
            for name, url in urls.items():
                credentials = httpx.post(f"{url}/_admin/sellers", json={}).json()
                typer.echo(f"{name} demo seller: {json.dumps(credentials)}")
        typer.echo("Press Ctrl+C to stop.", err=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            typer.echo("stopping", err=True)


def register(app: typer.Typer) -> None:
    """Add `stoflow sandbox` to the root CLI."""
    app.command("sandbox")(sandbox)
