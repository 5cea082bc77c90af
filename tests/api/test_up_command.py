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


def _start(tmp_path: Path, *options: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOFLOW_")}
    command = [
        sys.executable,
        "-m",
        "stoflow.cli.main",
        "up",
        "--port",
        "0",
        "--data-dir",
        str(tmp_path / "demo"),
    ]
    return subprocess.Popen(
        [*command, "--step-delay", "0.01", *options],
        cwd=tmp_path,
        env={**env, "COLUMNS": "60"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(process: subprocess.Popen[str]) -> None:
    os.kill(process.pid, signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "stopped" in output


def _client(process: subprocess.Popen[str]) -> httpx.Client:
    lines = _read_until(process, "API key:")
    dashboard = next(line for line in lines if line.startswith("Dashboard: "))
    url = dashboard.removeprefix("Dashboard: ").split("/#key=")[0]
    key = lines[-1].removeprefix("API key:").strip()
    assert dashboard.endswith(f"/#key={key}")
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30)


def test_up_serves_a_demo_where_a_batch_runs_and_failures_retry(tmp_path: Path) -> None:
    process = _start(tmp_path)
    try:
        with _client(process) as client:
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
        _stop(process)


def test_up_with_sandbox_handlers_publishes_through_the_real_integrations(tmp_path: Path) -> None:
    process = _start(tmp_path, "--handlers", "sandbox")
    try:
        with _client(process) as client:
            # Etsy's emulator allows a few requests per second per app: one Etsy job keeps this test short.
            batches = [
                client.post(
                    "/api/batches", json={"action": "publish", "marketplaces": [m], "product_ids": ids}
                ).json()
                for m, ids in (("ebay", [1, 2, 3]), ("etsy", [1]))
            ]
            for batch in batches:
                done = wait_until(settled(client, batch["id"]), timeout_s=60)
                assert (done["status"], done["failed"]) == ("completed", 0), done
            batch = batches[0]
            job = client.get(f"/api/batches/{batch['id']}/jobs", params={"marketplace": "ebay"}).json()[
                "items"
            ][0]
            steps = [t["name"] for t in client.get(f"/api/jobs/{job['id']}").json()["tasks"]]
            # The eBay handler's own steps ran, not the DEMO ones.
            assert steps != [
                "validate",
                "map_data",
                "upload_image:1",
                "upload_image:2",
                "create_listing",
                "save_result",
            ]
            assert len(steps) >= 4
    finally:
        _stop(process)
