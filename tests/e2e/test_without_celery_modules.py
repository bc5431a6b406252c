"""A server whose administrator only installed the package: no `celery modules` setting.

The README tells administrators to add `docassemble.psobrief.worker` to `celery modules`: a
part of a job is then a celery task of its own. Without it the package must still work:
each part then runs as docassemble's own `background_action` (a second slower). The local
server is restarted without the setting (`PSOBRIEF_OWN_TASKS=0`, one worker process, as the
setting also gives each worker process its own database connection) and a short list goes
through the REST API: every letter's PDF is there and says the letter's own words, and the
worker's log shows the parts ran as background actions, not as our task.
"""

from __future__ import annotations


from conftest import ROOT, flat, pdf_text, serve_restart
from scenarios import recipient, scenario
from test_rest_flow import documents_of, run_interview

SERVE = ROOT / "scripts" / "serve"
CELERY_LOG = ROOT / ".state" / "logs" / "celery.log"
PART_TASK = "docassemble.psobrief.worker.make_part"


def test_parts_run_as_background_actions_without_the_setting(server, api):
    serve_restart(PSOBRIEF_OWN_TASKS="0", PSOBRIEF_WORKERS="1")
    try:
        config = (ROOT / ".state" / "config.yml").read_text(encoding="utf-8")
        assert "docassemble.psobrief.worker" not in config.split("PSOBRIEF_OWN_TASKS=0")[0]
        log_start = CELERY_LOG.stat().st_size if CELERY_LOG.exists() else 0
        organisations = ["Zonder Instelling & Co", "Tweede Partner B.V.", "Derde Partner B.V."]
        answers = scenario([recipient(name, "Markt 3", "7411 KT", "Deventer", "onbekend") for name in organisations])
        variables = run_interview(api, answers)
        docx, pdfs = documents_of(api, variables)
        for name in organisations:
            letter = next(content for filename, content in pdfs.items() if filename.startswith("Stimuleringsbrief")
                          and name.split()[0] in filename)
            text = flat(pdf_text(letter))
            assert name in text and "Geachte heer, mevrouw," in text, text[:500]
        assert len([name for name in pdfs if name.startswith("Stimuleringsbrief")]) == 3
        assert any(name.startswith("Bijlage") for name in pdfs)
        with CELERY_LOG.open("rb") as handle:
            handle.seek(log_start)
            log = handle.read().decode("utf-8", "replace")
        assert "'action': 'psobrief_part'" in log, log[-3000:]
        assert PART_TASK not in log
    finally:
        serve_restart()
