"""The local server's PDFs come from its running unoserver (scripts/serve), not a fresh LibreOffice."""

from __future__ import annotations

import subprocess
import time

from conftest import ROOT, SERVE, flat, pdf_text
from scenarios import recipient, scenario
from test_rest_flow import documents_of, run_interview

LOG = ROOT / ".state" / "logs" / "unoserver.log"


def exported() -> int:
    return LOG.read_text(errors="replace").count("Exporting to") if LOG.is_file() else 0


def test_documents_are_converted_by_the_servers_unoserver(api):
    deadline = time.monotonic() + 60  # a server started just now: unoserver needs about 6 s
    while "answering" not in (status := subprocess.run([str(SERVE), "status"], capture_output=True, text=True).stdout):
        assert time.monotonic() < deadline, f"unoserver is not answering:\n{status}"
        time.sleep(1)
    before = exported()
    answers = scenario([recipient("Hoveniersbedrijf Unoserver", "Dorpsweg 8", "9711lm", "Groningen", "neutraal",
                                  "Kim", "", "Jansen")])
    docx, pdf = documents_of(api, run_interview(api, answers))
    assert len(pdf) == 2
    assert "Geachte Kim Jansen," in flat(pdf_text(pdf["Stimuleringsbrief - Hoveniersbedrijf Unoserver.pdf"]))
    # the preview on the review screen and the two PDFs: each one conversion in unoserver's log
    assert exported() >= before + 3
