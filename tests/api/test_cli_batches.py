"""`stoflow publish` and `stoflow batch show|retry|cancel` against the running API."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import typer
from typer.testing import CliRunner

from stoflow.api.keys import create_api_key
from stoflow.api.services import ApiServices
from stoflow.cli.batch_commands import parse_ids
from stoflow.cli.main import app
from stoflow.orchestration.worker import Worker


@pytest.fixture
def cli_env(base_url: str, services: ApiServices, tenant: str) -> dict[str, str]:
    return {
        "STOFLOW_API_URL": base_url,
        "STOFLOW_API_KEY": create_api_key(services.db, tenant),
        "COLUMNS": "120",
    }


def test_ranges_of_product_ids() -> None:
    assert parse_ids("1-3,7, 2,9-9") == [1, 2, 3, 7, 9]
    for bad in ("", "a", "5-2", "0-3", "1-"):
        with pytest.raises(typer.BadParameter):
            parse_ids(bad)


def test_publish_follows_then_retry_and_show(
    cli_env: dict[str, str], make_products: Callable[..., list[int]], worker: Worker
) -> None:
    ids = make_products(5, failing=1)
    runner = CliRunner()
    published = runner.invoke(
        app,
        ["publish", "--marketplace", "ebay", "--products", f"{ids[0]}-{ids[-1]}", "--follow"],
        env=cli_env,
    )
    # A batch with failed jobs exits 1 so scripts notice.
    assert published.exit_code == 1, published.output
    assert "partially_failed, 4 completed, 1 failed" in published.output
    batch_id = published.output.split("created batch ", 1)[1].split()[0]

    shown = runner.invoke(app, ["batch", "show", batch_id], env=cli_env)
    assert shown.exit_code == 0, shown.output
    assert "missing_item_specific" in shown.output
    assert "Brand is missing" in shown.output

    retried = runner.invoke(app, ["batch", "retry", batch_id, "--follow"], env=cli_env)
    assert retried.exit_code == 0, retried.output
    assert "retrying 1 failed jobs" in retried.output
    assert "completed, 5 completed, 0 failed" in retried.output


def test_cancel_and_errors_are_reported(
    cli_env: dict[str, str], make_products: Callable[..., list[int]]
) -> None:
    ids = make_products(2)
    runner = CliRunner()
    created = runner.invoke(
        app,
        ["publish", "--marketplace", "etsy", "--marketplace", "vinted", "--products", f"{ids[0]},{ids[1]}"],
        env=cli_env,
    )
    assert created.exit_code == 0, created.output
    batch_id = created.output.split("created batch ", 1)[1].split()[0]
    cancelled = runner.invoke(app, ["batch", "cancel", batch_id], env=cli_env)
    assert "cancelled 4 jobs, 0 stopping" in cancelled.output
    missing = runner.invoke(app, ["batch", "show", "999999"], env=cli_env)
    assert missing.exit_code == 2
    assert "HTTP 404" in missing.output
    unknown = runner.invoke(app, ["publish", "--marketplace", "ebay", "--products", "999999"], env=cli_env)
    assert unknown.exit_code == 2
    assert "product_ids" in unknown.output
    refused = runner.invoke(app, ["batch", "show", batch_id], env={**cli_env, "STOFLOW_API_KEY": "sfk_x_y"})
    assert "HTTP 401" in refused.output
