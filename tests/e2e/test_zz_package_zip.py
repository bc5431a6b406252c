"""Installing the package the way a docassemble administrator does, on a server that does not have it.

A ZIP of the repository (the git-tracked files of this checkout under one top folder, shaped like
GitHub's "Download ZIP") goes to docassemble's own package API, `POST /api/package` (Admin ▸ Package
Management ▸ ZIP runs the same code). docassemble's celery worker installs it with pip and then asks
for a restart by touching its WSGI file; scripts/serve's watcher restarts the web server and the
worker, as supervisor does on the official Docker image. Between the upload and the interview the
test restarts nothing itself: `package_update_status` only says "completed" once a new web server
process answers, and the Dutch system phrases (the `words:` file, read at start-up, which could not
be read while the package was missing) prove the restart happened.

Named test_zz_ so that it runs after the other server tests: it restarts the server and puts the
editable install back at the end.
"""

from __future__ import annotations

import subprocess
import zipfile

import package_admin as admin
from conftest import INTERVIEW, ROOT, Api, docx_lines, pdf_text
from scenarios import recipient, scenario
from test_rest_flow import assert_letter, documents_of, run_interview

PACKAGE_DIR = "docassemble/psobrief/"
# docassemble's "Skip to main content" and "Sign in", and their Dutch in nl-words.yml
ENGLISH_SKIP, DUTCH_SKIP = "Skip to main content", "Naar de hoofdinhoud gaan"
ENGLISH_SIGN_IN, DUTCH_SIGN_IN = "Sign in", "Inloggen"


def tracked_files() -> list[str]:
    """The checkout's git-tracked files (as they are now in the working tree)."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60).stdout
    return [name for name in listed.decode().split("\0") if name and (ROOT / name).is_file()]


def repository_zip(path):
    """The tracked files under one top folder, as GitHub's "Download ZIP" gives them."""
    names = tracked_files()
    assert "setup.py" in names and PACKAGE_DIR + "__init__.py" in names
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.write(ROOT / name, f"docassemble-psobrief-main/{name}")
    return path


def test_repository_zip_installed_through_package_api_restarts_and_runs_in_dutch(server, tmp_path, artifacts):
    allow_updates_before = admin.allow_updates_setting()
    http, url = admin.admin_http(server), server["url"]
    try:
        # A server without the package, that accepts package installs.
        admin.remove_package(allow_updates="1")
        assert http.get(f"{url}/api/session/new", params={"i": INTERVIEW}, timeout=120).status_code != 200
        sign_in = admin.page(f"{url}/user/sign-in")
        assert ENGLISH_SIGN_IN in sign_in and DUTCH_SIGN_IN not in sign_in, "words file read without the package?"
        gunicorn_before, celery_before = admin.pid("gunicorn"), admin.pid("celery")

        archive = repository_zip(tmp_path / "docassemble-psobrief-main.zip")
        with archive.open("rb") as handle:
            _, seen, seconds = admin.install_and_wait(
                http, url, files={"zip": (archive.name, handle, "application/zip")})

        # It restarted by itself: new web server and worker processes, and the watcher says why.
        assert admin.pid("gunicorn") != gunicorn_before and admin.pid("celery") != celery_before
        assert "docassemble asked for a restart" in (admin.STATE / "logs" / "watcher.log").read_text()
        package_dir = admin.assert_installed_in_site_packages()
        missing = [name for name in tracked_files() if name.startswith(PACKAGE_DIR + "data/")
                   and not (package_dir / name.removeprefix(PACKAGE_DIR)).is_file()]
        assert missing == [], f"data files missing from the installed package: {missing}"

        # docassemble's own phrases are Dutch now: the words file was read when the server restarted.
        page = admin.page(f"{url}/start/psobrief/stimuleringsbrief/")
        assert DUTCH_SKIP in page and ENGLISH_SKIP not in page
        sign_in = admin.page(f"{url}/user/sign-in")
        assert DUTCH_SIGN_IN in sign_in and ENGLISH_SIGN_IN not in sign_in

        # And the interview writes a correct letter.
        api = Api(server)
        answers = scenario([recipient("Wielen & Zo", "Spoorlaan 2", "5038cb", "Tilburg", "mevrouw", "Ilse", "van der", "Veen")])
        docx, pdf = documents_of(api, run_interview(api, answers))
        name = "Stimuleringsbrief - Wielen en Zo"
        assert_letter(docx_lines(docx[name + ".docx"]), pdf_text(pdf[name + ".pdf"]),
                      organisation="Wielen & Zo", attention="T.a.v. mevrouw Ilse van der Veen",
                      address="5038 CB  TILBURG", salutation="Geachte mevrouw Van der Veen,",
                      level_sentence="Wij zijn gecertificeerd op prestatieniveau PSO-Trede 2.")
        report = (f"ZIP of the repository, {archive.stat().st_size} bytes: POST /api/package to 'completed' "
                  f"{seconds:.1f} s (server not answering for {sum(s != 'working' for s in seen)} polls)\n")
        (artifacts / "install-zip.txt").write_text(report)
        print(report)
    finally:
        admin.restore_editable(http, url, allow_updates_before)
