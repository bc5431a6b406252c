"""Twenty colleagues at once: how fast the screens and "Documenten maken" answer under load.

Runs whole interviews through docassemble's REST API against the local server (start it with
`scripts/serve start`), each with its own two recipients, waits for the PDFs as the download
screen does and downloads every file. Prints the latency of every request, the answer to
"Documenten maken" (the DOCX files are shown at once) and the time until every PDF, the print
file and the ZIP are ready, first for one person alone and then for N people at once (default
20), side by side. It also checks that every person got their own letters (no one else's
recipient in them) and counts PDFs that are missing.

    .venv-tools/bin/python bench/bench_load.py [--users 20] [--recipients 2]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from conftest import Api, _server_env, docx_lines, poll_delay  # noqa: E402
from scenarios import interview_variables, recipient, scenario  # noqa: E402
from test_rest_flow import FINAL_SCREEN, screen_variables  # noqa: E402


class TimedApi(Api):
    """The tests' REST client, timing every answer (one answer = one screen)."""

    def __init__(self, server):
        super().__init__(server)
        self.screens: list[float] = []
        self.steps: list[tuple[str, float]] = []  # (step, seconds) of every request

    def timed(self, step: str, call, *args):
        started = time.perf_counter()
        result = call(*args)
        seconds = time.perf_counter() - started
        self.screens.append(seconds)
        self.steps.append((step, seconds))
        return result

    def answer(self, variables, question_name=None, event_list=None):
        step = "Documenten maken" if "review_answers" in variables else f"answer {question_name}"
        return self.timed(step, super().answer, variables, question_name, event_list)


def one_person(server: dict, number: int, recipients: int, results: list) -> None:
    organisations = [f"Leverancier {number:02d}-{k} B.V." for k in range(recipients)]
    answers = scenario([recipient(name, "Dorpsweg 8", "9711 LM", "Groningen", "onbekend") for name in organisations])
    values = interview_variables(answers)
    api = TimedApi(server)
    question, added = api.timed("start a session", api.start), 1
    make_seconds = None
    for _ in range(60):
        if question.get("questionText", "").strip() == FINAL_SCREEN:
            break
        names = screen_variables(question)
        index = re.search(r"\[(\d+)\]", " ".join(question.get("event_list") or []))
        if index:
            names = [name.replace("[i]", f"[{index.group(1)}]") for name in names]
        reply = {}
        for name in names:
            if name == "recipients.there_is_another":
                reply[name] = added < recipients
                added += 1
            elif name in values:
                reply[name] = values[name]
        making = "review_answers" in reply
        if making:
            made_at = time.perf_counter()
        question = api.answer(reply, question_name=question.get("questionName"))
        if making:
            make_seconds = api.screens.pop()  # the answer that makes the documents, kept apart
    else:
        results.append({"error": f"person {number}: no download screen"})
        return
    # the download screen shows the DOCX at once; its script asks for the read-only status on
    # psobrief.js's schedule (0.3 s, then up to 1 s, then every 2 s) until the PDFs, print file and ZIP
    # are there, and the page then shows them; asked here the same way, each question timed
    job = api.variables()["job"]
    asked = 0
    while job.get("result") is None and time.perf_counter() - made_at < 600:
        time.sleep(poll_delay(asked))
        asked += 1
        state = api.timed("status while the PDFs are made", api.status).get("state")
        if state == "bezig":
            continue
        ready_seconds = time.perf_counter() - made_at
        api.timed("download screen with the PDFs", api.question)
        job = api.variables().get("job") or {}
    if job.get("result") is None:
        results.append({"error": f"person {number}: no PDFs after 600 s"})
        return
    result = job["result"]
    own = wrong = missing = 0
    for letter in result["letters"]:
        text = "\n".join(docx_lines(download(api, letter["docx"])))
        own += any(name in text for name in organisations)
        wrong += "Leverancier" in text and not any(name in text for name in organisations)
        if letter["pdf"] is None:
            missing += 1
        else:
            download(api, letter["pdf"])
    for info in result["files"].values():
        download(api, info)
    missing += len(result["summary"]["pdf_missing"])
    results.append({"screens": api.screens, "steps": api.steps, "make": make_seconds, "ready": ready_seconds,
                    "own": own, "wrong": wrong,
                    "missing": missing, "letters": len(result["letters"])})


def download(api: TimedApi, info: dict) -> bytes:
    """A file as the person downloads it, timed as one more request."""
    return api.timed(f"download .{info['filename'].rsplit('.', 1)[-1]}", api.file, info["number"])


def run(server: dict, users: int, recipients: int, rounds: int = 1) -> dict:
    """``users`` people at once, ``rounds`` times one after the other (all results together)."""
    results: list = []
    started = time.perf_counter()
    for _ in range(rounds):
        threads = [threading.Thread(target=one_person, args=(server, n, recipients, results)) for n in range(users)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    wall = time.perf_counter() - started
    errors = [r["error"] for r in results if "error" in r]
    done = [r for r in results if "error" not in r]
    screens = sorted(s for r in done for s in r["screens"])
    makes = sorted(r["make"] for r in done if r["make"] is not None)
    readies = sorted(r["ready"] for r in done)

    def pct(values, p):
        return values[min(len(values) - 1, int(p * len(values)))] if values else float("nan")

    steps: dict[str, list[float]] = {}
    for r in done:
        for step, seconds in r["steps"]:
            steps.setdefault(step, []).append(seconds)
    return {"users": users, "recipients": recipients, "rounds": rounds, "wall": wall,
            "steps": {step: (statistics.median(values), pct(sorted(values), 0.95), max(values), len(values))
                      for step, values in steps.items()}, "errors": errors, "screens": screens, "makes": makes,
            "screen_p50": statistics.median(screens) if screens else float("nan"), "screen_p95": pct(screens, 0.95),
            "screen_max": max(screens, default=float("nan")),
            "make_p50": statistics.median(makes) if makes else float("nan"), "make_p95": pct(makes, 0.95),
            "ready_p50": statistics.median(readies) if readies else float("nan"), "ready_p95": pct(readies, 0.95),
            "letters": sum(r["letters"] for r in done), "own": sum(r["own"] for r in done),
            "wrong": sum(r["wrong"] for r in done), "missing": sum(r["missing"] for r in done)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--recipients", type=int, default=2)
    parser.add_argument("--alone", type=int, default=5, help="rounds of one person alone (1 and N recipients)")
    args = parser.parse_args()
    env = _server_env()
    server = {"url": env["PSOBRIEF_URL"], "key": env["PSOBRIEF_API_KEY"]}
    run(server, 1, args.recipients)  # warm-up, not counted: the first session after a (re)start loads the interview
    rows = [run(server, 1, 1, rounds=args.alone), run(server, 1, args.recipients, rounds=args.alone),
            run(server, args.users, args.recipients)]
    print("request: every other answer, poll and download; make: the answer to 'Documenten maken' (DOCX shown);")
    print("ready: from that click until every PDF, the print file and the ZIP are there")
    print(f"{'people at once':>15} {'letters each':>12} {'rounds':>6} "
          f"{'request p50':>12} {'p95':>7} {'max':>7} {'make p50':>9} {'p95':>7} "
          f"{'ready p50':>10} {'p95':>7} {'letters':>8} {'own':>5} {'wrong':>6} {'no PDF':>7} {'wall':>7}")
    for row in rows:
        print(f"{row['users']:>15} {row['recipients']:>12} {row['rounds']:>6} "
              f"{row['screen_p50']:>11.2f}s {row['screen_p95']:>6.2f}s {row['screen_max']:>6.2f}s "
              f"{row['make_p50']:>8.2f}s {row['make_p95']:>6.2f}s {row['ready_p50']:>9.2f}s {row['ready_p95']:>6.2f}s "
              f"{row['letters']:>8} {row['own']:>5} {row['wrong']:>6} {row['missing']:>7} {row['wall']:>6.1f}s")
        for error in row["errors"]:
            print("  " + error)
    crowd = rows[-1]
    print(f"\nevery step with {crowd['users']} people at once (target: p95 under 5 s), slowest p95 first:")
    print(f"{'step':<44} {'requests':>8} {'p50':>7} {'p95':>7} {'max':>7}")
    for step, (p50, p95, most, count) in sorted(crowd["steps"].items(), key=lambda item: -item[1][1]):
        print(f"{step[:44]:<44} {count:>8} {p50:>6.2f}s {p95:>6.2f}s {most:>6.2f}s")
    return 1 if any(row["errors"] or row["wrong"] for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
