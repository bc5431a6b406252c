"""The release path: `python -m build` gives a wheel and an sdist with every data file, and
the wheel, installed into the server's Python the way an administrator's pip would, runs
the interview. (Named test_zz_ so that it runs after the other server tests: it restarts
the server twice and puts the editable install back at the end.)
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile

import pytest
from conftest import ROOT, SERVE, Api, docx_lines
from scenarios import recipient, scenario
from test_rest_flow import documents_of, run_interview

DATA = ROOT / "docassemble" / "psobrief" / "data"
SERVER_PYTHON = ROOT / ".venv" / "bin" / "python"


def data_files() -> set[str]:
    return {str(p.relative_to(ROOT)) for p in DATA.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    wheels, sdists = list(out.glob("*.whl")), list(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1
    return wheels[0], sdists[0]


def test_wheel_and_sdist_hold_every_data_file(built):
    wheel, sdist = built
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    assert data_files() - in_wheel == set()
    assert not any(name.startswith("docassemble/__init__") for name in in_wheel), "docassemble is a namespace package"
    prefix = sdist.name[: -len(".tar.gz")] + "/"
    in_sdist = {name[len(prefix):] for name in tarfile.open(sdist).getnames()}
    assert data_files() - in_sdist == set()


def _pip(*args):
    result = subprocess.run([str(SERVER_PYTHON), "-m", "pip", *args], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def _restart():
    result = subprocess.run([str(SERVE), "restart"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def test_wheel_installed_on_the_server_runs_the_interview(built, server):
    wheel, _ = built
    try:
        _pip("install", "--no-deps", "--force-reinstall", str(wheel))
        _restart()
        where = subprocess.run([str(SERVER_PYTHON), "-c", "import docassemble.psobrief as p; print(p.__file__)"],
                               capture_output=True, text=True, cwd="/", timeout=120).stdout
        assert "/site-packages/docassemble/psobrief/" in where and not where.startswith(str(ROOT / "docassemble"))
        api = Api(server)
        answers = scenario([recipient("Wielen & Zo", "Spoorlaan 2", "5038 CB", "Tilburg", "mevrouw", "Ilse", "van der", "Veen")])
        docx, _ = documents_of(api, run_interview(api, answers))
        assert "Geachte mevrouw Van der Veen," in docx_lines(docx["Stimuleringsbrief - Wielen en Zo.docx"])
    finally:
        _pip("install", "--no-deps", "-e", str(ROOT), "--config-settings", "editable_mode=compat")
        _restart()
