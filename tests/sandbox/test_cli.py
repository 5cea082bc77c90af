"""`stoflow sandbox` started as an operator would: it prints where each emulator listens, and
each one answers there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import httpx

COMMAND = [
    sys.executable,
    "-m",
    "stoflow.cli.main",
    "sandbox",
    "--ebay-port",
    "0",
    "--etsy-port",
    "0",
    "--vinted-port",
    "0",
    "--no-demo-seller",
]


def test_the_sandbox_command_prints_and_serves_its_urls() -> None:
    with subprocess.Popen(COMMAND, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as process:
        try:
            assert process.stdout is not None
            lines = [process.stdout.readline() for _ in range(3)]
            urls = {line.split()[0]: line.split()[4] for line in lines}

            assert set(urls) == {"ebay", "etsy", "vinted"}
            for url in urls.values():
                assert httpx.get(f"{url}/_admin/health").json() == {"status": "ok"}
        finally:
            os.kill(process.pid, signal.SIGINT)  # our own child, by pid
            process.wait(timeout=10)
