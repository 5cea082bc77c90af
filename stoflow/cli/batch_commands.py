"""`stoflow publish` and `stoflow batch show|retry|cancel`: a seller's batches over the HTTP API.

The API URL and key come from --api-url/--api-key or STOFLOW_API_URL/STOFLOW_API_KEY (the key
printed by `stoflow up` or `stoflow tenants create`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from stoflow.domain.enums import BatchStatus, Marketplace

if TYPE_CHECKING:  # the API client pulls in the schemas; loaded only when a command runs
    from stoflow.api.client import ApiError, StoflowClient
    from stoflow.api.schemas.batches import BatchPublic

MAX_RANGE = 100_000
console = Console()
batch_app = typer.Typer(help="Show, retry or cancel a batch.", no_args_is_help=True)

ApiUrl = Annotated[str, typer.Option(envvar="STOFLOW_API_URL", help="Base URL of the StoFlow API.")]
ApiKey = Annotated[str, typer.Option(envvar="STOFLOW_API_KEY", help="Your API key.", show_default=False)]
DEFAULT_URL = "http://127.0.0.1:8000"


def parse_ids(spec: str) -> list[int]:
    """'1-50,60,70-72' -> [1, ..., 50, 60, 70, 71, 72], in order, without duplicates."""
    ids: dict[int, None] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        first, dash, last = part.partition("-")
        try:
            low, high = int(first), int(last if dash else first)
        except ValueError:
            raise typer.BadParameter(f"{part!r} is not a number or a range like 1-50") from None
        if low < 1 or high < low or high - low >= MAX_RANGE:
            raise typer.BadParameter(f"{part!r}: ranges go from a positive id up to a larger one")
        ids.update(dict.fromkeys(range(low, high + 1)))
    if not ids:
        raise typer.BadParameter("no product id given")
    return list(ids)


def _summary(batch: BatchPublic) -> str:
    return (
        f"batch {batch.id}: {batch.status.value}, {batch.completed} completed, {batch.failed} failed, "
        f"{batch.cancelled} cancelled of {batch.total}"
    )


def _follow(client: StoflowClient, batch: BatchPublic) -> BatchPublic:
    columns = (
        TextColumn("batch {task.fields[batch]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        bar = progress.add_task("batch", total=batch.total, batch=batch.id, status=batch.status.value)
        for event in client.follow(batch.id):
            batch = event.batch
            done = batch.completed + batch.failed + batch.cancelled
            progress.update(bar, completed=done, status=batch.status.value)
    return batch


def _finish(batch: BatchPublic) -> None:
    console.print(_summary(batch), highlight=False)
    if batch.status in (BatchStatus.FAILED, BatchStatus.PARTIALLY_FAILED):
        raise typer.Exit(1)


def _client(api_url: str, api_key: str) -> StoflowClient:
    from stoflow.api.client import StoflowClient

    if not api_key:
        raise typer.BadParameter("an API key is required (--api-key or STOFLOW_API_KEY)")
    return StoflowClient(api_url, api_key)


def _fail(exc: ApiError) -> typer.Exit:
    console.print(f"[red]error:[/] {exc}", highlight=False)
    return typer.Exit(2)


def publish(
    marketplace: Annotated[list[Marketplace], typer.Option(help="Repeat for several marketplaces.")],
    products: Annotated[str, typer.Option(help="Product ids: 1-50,60,70-72.")],
    follow: Annotated[bool, typer.Option(help="Show a progress bar until the batch finishes.")] = False,
    api_url: ApiUrl = DEFAULT_URL,
    api_key: ApiKey = "",
) -> None:
    """Publish products to one or more marketplaces as one batch."""
    from stoflow.api.client import ApiError

    ids = parse_ids(products)
    with _client(api_url, api_key) as client:
        try:
            batch = client.create_batch("publish", [m.value for m in marketplace], ids)
            console.print(f"created batch {batch.id} with {batch.total} jobs", highlight=False)
            if follow:
                _finish(_follow(client, batch))
        except ApiError as exc:
            raise _fail(exc) from None


@batch_app.command("show")
def show(batch_id: int, api_url: ApiUrl = DEFAULT_URL, api_key: ApiKey = "") -> None:
    """A batch's state, counters and its failed jobs grouped by error."""
    from stoflow.api.client import ApiError

    with _client(api_url, api_key) as client:
        try:
            batch, groups = client.batch(batch_id), client.failures(batch_id)
        except ApiError as exc:
            raise _fail(exc) from None
    console.print(f"{_summary(batch)} ({round(batch.progress * 100)}%)", highlight=False)
    if groups:
        table = Table("marketplace", "error", "jobs", "message")
        for group in groups:
            message = group.example_marketplace_message or group.example_message or ""
            table.add_row(group.marketplace.value, group.error_code or "-", str(group.count), message)
        console.print(table)


@batch_app.command("retry")
def retry(
    batch_id: int,
    follow: Annotated[bool, typer.Option(help="Show a progress bar until the batch finishes.")] = False,
    api_url: ApiUrl = DEFAULT_URL,
    api_key: ApiKey = "",
) -> None:
    """Run the batch's failed jobs again (completed steps are not repeated)."""
    from stoflow.api.client import ApiError

    with _client(api_url, api_key) as client:
        try:
            console.print(f"retrying {client.retry_failed(batch_id)} failed jobs", highlight=False)
            if follow:
                _finish(_follow(client, client.batch(batch_id)))
        except ApiError as exc:
            raise _fail(exc) from None


@batch_app.command("cancel")
def cancel(batch_id: int, api_url: ApiUrl = DEFAULT_URL, api_key: ApiKey = "") -> None:
    """Cancel the batch's unfinished jobs; running ones stop after their current step."""
    from stoflow.api.client import ApiError

    with _client(api_url, api_key) as client:
        try:
            result = client.cancel(batch_id)
        except ApiError as exc:
            raise _fail(exc) from None
    console.print(f"cancelled {result.cancelled} jobs, {result.stopping} stopping", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `stoflow publish` and `stoflow batch ...` to the root CLI."""
    app.command("publish")(publish)
    app.add_typer(batch_app, name="batch")
