"""`reformflow serve`: a local Prefect server when none is configured, and the deployments served from here."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
from prefect import serve
from prefect.settings import PREFECT_API_URL, temporary_settings

from reformflow.deployments.schedules import build_deployments


def start_server(port: int, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`prefect server start` in a child process; returns once its API answers."""
    process = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                "--port", str(port)], env={**os.environ, **(env or {})})
    wait_healthy(f"http://127.0.0.1:{port}/api", process)
    return process


def wait_healthy(api: str, process: subprocess.Popen | None = None, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the Prefect server stopped with exit code {process.returncode}")
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the Prefect server at {api} did not answer within {timeout:.0f} s")


def serve_deployments(port: int) -> None:
    api = PREFECT_API_URL.value()
    server = None
    if not api:
        server = start_server(port)
        api = f"http://127.0.0.1:{port}/api"
        sys.stdout.write(f"Prefect server and UI: http://127.0.0.1:{port}\n")
    try:
        with temporary_settings(updates={PREFECT_API_URL: api}):
            serve(*build_deployments())
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
