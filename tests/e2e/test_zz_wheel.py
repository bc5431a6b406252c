"""The release path: `python -m build` gives a wheel and an sdist with every data file, and the
wheel, installed through docassemble's PyPI route (Admin ▸ Package Management ▸ PyPI, here
`POST /api/package` with `pip`), runs the interview after the restart docassemble asks for.
The package is not on PyPI, so the server's pip finds the wheel in a folder (PIP_FIND_LINKS, no
index), as it would find a published release on PyPI. A wheel or an sdist cannot be uploaded in
Package Management: its ZIP upload wants a source tree with setup.py (test_zz_package_zip.py).
(Named test_zz_ so that it runs after the other server tests: it restarts the server and puts
the editable install back at the end.)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile

import package_admin as admin
import pytest
from conftest import ROOT, Api, docx_lines
from scenarios import recipient, scenario
from test_rest_flow import documents_of, run_interview

DATA = ROOT / "docassemble" / "psobrief" / "data"


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


def test_wheel_installed_through_docassemble_pypi_route_runs_the_interview(built, server, tmp_path):
    wheel, _ = built
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    shutil.copy(wheel, wheels)
    allow_updates_before = admin.allow_updates_setting()
    http, url = admin.admin_http(server), server["url"]
    try:
        admin.remove_package(allow_updates="1", extra_env={"PIP_FIND_LINKS": str(wheels), "PIP_NO_INDEX": "1"})
        gunicorn_before = admin.pid("gunicorn")
        status, _, _ = admin.install_and_wait(http, url, data={"pip": admin.PACKAGE})
        assert wheel.name in status["log"], status["log"][:3000]
        assert admin.pid("gunicorn") != gunicorn_before   # restarted by itself
        admin.assert_installed_in_site_packages()
        api = Api(server)
        answers = scenario([recipient("Wielen & Zo", "Spoorlaan 2", "5038 CB", "Tilburg", "mevrouw", "Ilse", "van der", "Veen")])
        docx, _ = documents_of(api, run_interview(api, answers))
        assert "Geachte mevrouw Van der Veen," in docx_lines(docx["Stimuleringsbrief - Wielen en Zo.docx"])
    finally:
        admin.restore_editable(http, url, allow_updates_before)
