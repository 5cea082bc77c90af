"""`stoflow up` as a user runs it: a subprocess that serves a usable demo until SIGINT."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import settled, wait_until

pytestmark = pytest.mark.slow


def _read_until(process: subprocess.Popen[str], marker: str) -> list[str]:
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if line.startswith(marker):
            return lines
    pytest.fail(f"`stoflow up` exited before printing {marker!r}: {lines}")


def test_up_serves_a_demo_where_a_batch_runs_and_failures_retry(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOFLOW_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stoflow.cli.main",
            "up",
            "--port",
            "0",
            "--data-dir",
            str(tmp_path / "demo"),
            "--step-delay",
            "0.01",
        ],
        cwd=tmp_path,
        env={**env, "COLUMNS": "60"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = _read_until(process, "API key:")
        dashboard = next(line for line in lines if line.startswith("Dashboard: "))
        url = dashboard.removeprefix("Dashboard: ").split("/#key=")[0]
        key = lines[-1].removeprefix("API key:").strip()
        assert dashboard.endswith(f"/#key={key}")
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
            assert "StoFlow" in client.get("/").text
            products = client.get("/api/products").json()
            assert products["total"] == 12
            connections = client.get("/api/connections").json()
            assert {c["marketplace"] for c in connections} == {"ebay", "etsy", "vinted"}
            assert all(c["status"] == "connected" for c in connections)
            ids = [p["id"] for p in products["items"]]
            batch = client.post(
                "/api/batches", json={"action": "publish", "marketplaces": ["ebay"], "product_ids": ids}
            ).json()
            done = wait_until(settled(client, batch["id"]), timeout_s=60)
            assert (done["completed"], done["failed"]) == (10, 2)
            client.post(f"/api/batches/{batch['id']}/retry-failed")
            assert wait_until(settled(client, batch["id"]), timeout_s=60)["status"] == "completed"
    finally:
        os.kill(process.pid, signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "stopped" in output
