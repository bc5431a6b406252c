"""What a docassemble administrator does with a package, for the install tests (test_zz_*.py).

The server's Python is .venv; scripts/serve runs it. These helpers take the package out of the
server, install it through docassemble's package API (`/api/package`, what Admin ▸ Package
Management calls), wait as Package Management does until docassemble says the install is done
(which needs the restart docassemble asks for), and put the editable install back.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
import requests
import conftest
from conftest import ROOT

PACKAGE = "docassemble.psobrief"
SERVER_PYTHON = ROOT / ".venv" / "bin" / "python"
STATE = ROOT / ".state"


def admin_http(server: dict) -> requests.Session:
    http = requests.Session()
    http.headers["X-API-Key"] = server["key"]
    return http


def allow_updates_setting() -> str:
    """PSOBRIEF_ALLOW_UPDATES as the running server was started with it."""
    return "1" if "\nallow updates: True\n" in (STATE / "config.yml").read_text() else "0"


def serve_restart(allow_updates: str, extra_env: dict | None = None) -> None:
    conftest.serve_restart(PSOBRIEF_ALLOW_UPDATES=allow_updates, **(extra_env or {}))


def pip(*args) -> None:
    result = subprocess.run([str(SERVER_PYTHON), "-m", "pip", *args], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def installed_at() -> str:
    """Where the server's Python finds the package's __init__.py ('' when it does not)."""
    result = subprocess.run([str(SERVER_PYTHON), "-c", f"import {PACKAGE} as p; print(p.__file__)"],
                            capture_output=True, text=True, cwd="/", timeout=120)
    return result.stdout.strip()


def assert_installed_in_site_packages() -> Path:
    where = installed_at()
    assert "/site-packages/docassemble/psobrief/" in where and not where.startswith(str(ROOT / "docassemble")), where
    return Path(where).parent


def pid(name: str) -> str:
    return (STATE / "run" / f"{name}.pid").read_text().strip()


def page(url: str) -> str:
    response = requests.get(url, timeout=120)
    assert response.status_code == 200, f"{url}: HTTP {response.status_code}"
    return response.text


def remove_package(allow_updates: str = "1", extra_env: dict | None = None) -> None:
    """A server without the package: pip uninstall from its Python, then a restart."""
    pip("uninstall", "--yes", PACKAGE)
    serve_restart(allow_updates, extra_env)
    assert installed_at() == "", "the package is still importable on the server"


def wait_until_completed(http: requests.Session, url: str, task_id: str, timeout: float = 900) -> tuple[dict, list]:
    """Poll package_update_status as Package Management does; the server may not answer while it restarts."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            response = http.get(f"{url}/api/package_update_status", params={"task_id": task_id}, timeout=30)
        except requests.RequestException as error:
            seen.append(type(error).__name__)
            time.sleep(1)
            continue
        if response.status_code != 200:
            seen.append(f"HTTP {response.status_code}")
            time.sleep(1)
            continue
        status = response.json()
        assert status["status"] in ("working", "completed"), status
        if status["status"] == "completed":
            return status, seen
        seen.append(status["status"])
        time.sleep(1)
    pytest.fail(f"package_update_status not completed after {timeout} s: {seen[-20:]}")


def install_and_wait(http: requests.Session, url: str, **request) -> tuple[dict, list, float]:
    """POST /api/package (data= or files=), then wait for 'completed' without restarting anything here."""
    started = time.monotonic()
    response = http.post(f"{url}/api/package", timeout=300, **request)
    assert response.status_code == 200, f"POST /api/package: {response.status_code} {response.text[:2000]}"
    status, seen = wait_until_completed(http, url, response.json()["task_id"])
    assert status.get("ok") is True, status
    assert f"{PACKAGE}: pip install command returned success code" in status["log"], status["log"][:3000]
    return status, seen, time.monotonic() - started


def restore_editable(http: requests.Session, url: str, allow_updates: str) -> None:
    """Uninstall through the API (no restart; docassemble then no longer manages the package),
    then the editable install of this checkout back and a restart with the earlier setting."""
    try:
        response = http.delete(f"{url}/api/package", params={"package": PACKAGE, "restart": "0"}, timeout=300)
        if response.status_code == 200:
            wait_until_completed(http, url, response.json()["task_id"], timeout=300)
    except requests.RequestException:
        pass
    pip("install", "--no-deps", "-e", str(ROOT), "--config-settings", "editable_mode=compat")
    serve_restart(allow_updates)
    assert installed_at() == str(ROOT / "docassemble" / "psobrief" / "__init__.py")
