"""The HTML the interview's screens show: every user value escaped, every count in Dutch.

Plain functions from data to HTML (stored files and the jobs' progress are only read).
"""

from __future__ import annotations

import html
import re
from typing import Any

from docassemble.base.util import url_action

from .dutch import count_of
from .bulk import COMBINED_FILENAME, pdf_name
from .jobs import as_file, job_progress
from .spreadsheet import SheetResult, preview_rows

__all__ = [
    "PREVIEW_ROWS",
    "SHOWN_PROBLEMS",
    "shown",
    "download_links",
    "downloads_html",
    "preview_html",
    "problems_html",
    "missing_pdfs_html",
    "notices_html",
    "sheet_check_html",
    "job_progress_html",
]

#: How many rows of a spreadsheet the check screen shows (all are used).
PREVIEW_ROWS = 200
#: How many problems the check screen lists (all are counted).
SHOWN_PROBLEMS = 30


def shown(text: Any) -> str:
    """User text for a screen, shown literally: no HTML, no Markdown, no table breaks."""
    escaped = html.escape(str(text), quote=False)
    return re.sub(r"([\\`*_\[\]#])", r"\\\1", escaped).replace("|", "&#124;")


def _link(info: dict[str, Any] | None, text: str | None = None) -> str:
    """A download link to a stored file (``jobs.file_info``), named by its file name."""
    if not info:
        return ""
    the_file = as_file(info)
    return (f'<a href="{html.escape(the_file.url_for(attachment=True))}">'
            f'{html.escape(text or the_file.filename)}</a>')


def download_links(docx: dict[str, Any] | None, pdf: dict[str, Any] | None) -> str:
    """Links to a document's DOCX and PDF, each named by its file name."""
    return "<br>".join(link for link in (_link(docx), _link(pdf)) if link)


def _pdf_cell(letter: dict[str, Any], ready: bool) -> str:
    if letter.get("pdf"):
        return _link(letter["pdf"])
    if not ready:
        return '<span class="psobrief-pending">PDF wordt gemaakt…</span>'
    return "Geen PDF"


def downloads_html(job: dict[str, Any]) -> str:
    """The download screen's files, one layout for one letter or five thousand.

    While the PDFs are made (``job["result"]`` is None) the DOCX files the web request made
    are there already, and the region says the rest is coming; psobrief.js asks for the
    finished HTML (the ``psobrief_documents_status`` event) and puts it in place. Then: the ZIP, a table per
    letter (a short list) or the count (a long one), the print file, the overview, the
    annex, and every PDF that could not be made, by name, with a button to try again.
    """
    result = job.get("result")
    ready = result is not None
    failed = not ready and job.get("state") == "mislukt"
    retry = url_action("documents_retry") if failed or ready else ""
    files = result["files"] if ready else {}
    summary = result["summary"] if ready else {"letters": len(job.get("letters") or []), "pdfs": 0,
                                                "pdf_error": "", "pdf_missing": []}
    letters = (result["letters"] if ready and result["letters"] else job.get("letters")) or []
    count = summary["letters"]
    parts = []
    if failed:
        parts.append('<div class="alert alert-warning" role="alert">De PDF-bestanden konden niet worden gemaakt. '
                     'De Word-documenten hieronder zijn wel compleet.</div>' + _retry_button(retry))
    elif not ready:
        parts.append('<div class="alert alert-info psobrief-pending-note" role="status">De Word-documenten '
                     "staan hieronder klaar. De PDF-bestanden"
                     + (" en het ZIP-bestand" if count > 1 else "")
                     + " worden nu gemaakt en verschijnen hier vanzelf.</div>")
    elif files.get("zip") and count > 1:
        parts.append(f'<p><a class="btn btn-primary btn-lg" href="'
                     f'{html.escape(as_file(files["zip"]).url_for(attachment=True))}">Alles downloaden (ZIP)</a></p>')
    if letters:
        rows = "".join(
            f'<tr><th scope="row">{html.escape(letter["organisation"])}</th>'
            f'<td>{html.escape(letter["salutation"])}</td><td>{_link(letter["docx"])}</td>'
            f'<td>{_pdf_cell(letter, ready or failed)}</td></tr>'
            for letter in letters)
        parts.append('<table class="table psobrief-documents"><caption>Brieven per ketenpartner</caption>'
                     '<thead><tr><th scope="col">Ketenpartner</th><th scope="col">Aanhef</th>'
                     f'<th scope="col">Word</th><th scope="col">PDF</th></tr></thead><tbody>{rows}</tbody></table>')
    elif ready:
        contents = ["het verzamelbestand", "het overzicht"]
        if files.get("annex"):
            contents.insert(1, "de bijlage")
        parts.append(f"<p>Het ZIP-bestand bevat {count_of(count, 'brief', 'brieven')} als Word-bestand"
                     f"{' en als PDF' if summary['pdfs'] else ''}, {', '.join(contents[:-1])} en {contents[-1]}.</p>")
    extra = []
    if ready and count > 1:
        extra.append("Alle brieven in één bestand, om te printen: "
                     + download_links(files.get("combined"), files.get("combined_pdf")))
        extra.append("Overzicht met de aanhef en de bestandsnaam per ketenpartner (handig voor de enveloppen "
                     "of een mailing): " + _link(files.get("overview")))
    annex = files.get("annex") or job.get("annex")
    if annex:
        extra.append("Alleen de bijlage: " + download_links(annex, files.get("annex_pdf")))
    if extra:
        parts.append("<ul class=\"psobrief-files\">" + "".join(f"<li>{item}</li>" for item in extra) + "</ul>")
    if ready and summary["pdf_error"]:
        parts.append('<div class="alert alert-warning" role="alert">De PDF-bestanden konden op deze server niet '
                     "worden gemaakt. De Word-documenten zijn wel compleet.</div>" + _retry_button(retry))
    elif ready:  # one letter: its print file is not offered, so not named either
        missing = [name for name in summary["pdf_missing"] if count > 1 or name != pdf_name(COMBINED_FILENAME)]
        parts.append(missing_pdfs_html(missing, retry))
    pending = 0 if ready or failed else 1
    return f'<div id="psobrief-downloads" tabindex="-1" data-pending="{pending}">' + "\n".join(parts) + "</div>"


def preview_html(preview: dict[str, Any] | None) -> str:
    """The preview picture with its alternative text, or nothing when there is none."""
    if not preview or not preview.get("image"):
        return ""
    return (f'<img class="psobrief-preview img-fluid border" src="{html.escape(preview["image"].url_for())}" '
            f'alt="{html.escape(preview["alt"])}" width="600">')


def _items(title: str, texts: list[str], limit: int, css: str) -> str:
    shown_texts = "".join(f"<li>{html.escape(text)}</li>" for text in texts[:limit])
    more = (f"<p>En nog {count_of(len(texts) - limit, 'andere melding', 'andere meldingen')}.</p>"
            if len(texts) > limit else "")
    return (f'<div class="alert {css} psobrief-list" role="alert" tabindex="0"><p><strong>{title}</strong></p>'
            f"<ul>{shown_texts}</ul>{more}</div>")


def problems_html(problems: list[str]) -> str:
    """The answers that break a rule, as a list a screen reader announces."""
    return _items("Dit moet worden aangepast:", problems, len(problems), "alert-danger")


def missing_pdfs_html(names: list[str], retry: str = "") -> str:
    """The PDFs that could not be made, by name (never hidden), with a button to try again
    (a link to ``retry``, when given)."""
    if not names:
        return ""
    return (_items(f"Van {count_of(len(names), 'document', 'documenten')} kon geen PDF worden gemaakt. "
                   "De Word-bestanden zijn wel compleet.", names, SHOWN_PROBLEMS, "alert-warning")
            + _retry_button(retry))


def _retry_button(retry: str) -> str:
    if not retry:
        return ""
    return f'<p><a class="btn btn-outline-primary" href="{html.escape(retry)}">PDF-bestanden opnieuw maken</a></p>'



def notices_html(notices: list[str]) -> str:
    """What was changed in the answers without being a problem (or nothing)."""
    if not notices:
        return ""
    return _items("Let op:", notices, SHOWN_PROBLEMS, "alert-warning")


def sheet_check_html(sheet: SheetResult) -> str:
    """The check screen: problems, warnings, and a table of who gets which salutation."""
    parts = []
    if sheet.problems:
        parts.append(_items(f"De spreadsheet heeft {count_of(len(sheet.problems), 'fout', 'fouten')}. Verbeter de"
                            " spreadsheet en upload die opnieuw. Of ga verder met de rijen zonder fouten en vul de"
                            " overige ketenpartners daarna zelf in.",
                            sheet.problems, SHOWN_PROBLEMS, "alert-danger"))
    if sheet.warnings:
        parts.append(_items("Controleer dit:", sheet.warnings, SHOWN_PROBLEMS, "alert-warning"))
    if sheet.ignored_columns:
        names = ", ".join(html.escape(name) for name in sheet.ignored_columns)
        parts.append(f"<p>Deze kolommen zijn niet gebruikt: {names}.</p>")
    rows = preview_rows(sheet)
    if rows:
        body = "".join(
            f'<tr><td>{row["row"]}</td><th scope="row">{html.escape(row["organisation"])}</th>'
            f'<td>{html.escape(row["address"])}</td><td>{html.escape(row["salutation"])}</td></tr>'
            for row in rows[:PREVIEW_ROWS]
        )
        more = (f"<p>De eerste {PREVIEW_ROWS} van {len(rows)} ketenpartners staan hierboven; "
                "ze worden allemaal gebruikt.</p>"
                if len(rows) > PREVIEW_ROWS else "")
        parts.append(
            '<table class="table table-sm psobrief-sheet">'
            f'<caption>{count_of(len(rows), "ketenpartner", "ketenpartners")} gelezen</caption>'
            '<thead><tr><th scope="col">Rij</th><th scope="col">Organisatie</th><th scope="col">Adres</th>'
            f'<th scope="col">Aanhef</th></tr></thead><tbody>{body}</tbody></table>{more}'
        )
    return "\n".join(parts)


def job_progress_html(job: dict[str, Any]) -> str:
    """The waiting screen's progress bar, from what the job's parts wrote to Redis."""
    state = job_progress(job)
    total = job.get("count") or 0
    label = {
        "wachten": "De taak staat klaar om te beginnen.",
        "brieven": f"Brief {state['letters']} van {total} is gemaakt.",
        "pdf": "De PDF-bestanden worden gemaakt"
               + (f" (deel {state['parts_done']} van {state['parts']} is klaar)." if state["parts"] > 1 else "."),
        "samenvoegen": "De brieven worden samengevoegd tot één ZIP-bestand.",
        "klaar": "Klaar: de downloads worden klaargezet.",
    }[state["stage"]]
    percent = state["percent"]
    return (
        f'<div class="progress mb-2" role="progressbar" aria-label="Voortgang" aria-valuenow="{percent}" '
        'aria-valuemin="0" aria-valuemax="100">'
        f'<div class="progress-bar" style="width: {percent}%">{percent}%</div></div>'
        f'<p aria-live="polite">{html.escape(label)}</p>'
    )
