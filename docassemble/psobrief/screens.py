"""The HTML the interview's screens show: every user value escaped, every count in Dutch.

Plain functions from data to HTML (docassemble's DAFile and DARedis are only read).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from docassemble.base.util import DAFile, DARedis

from .dutch import count_of
from .spreadsheet import SheetResult, preview_rows

__all__ = [
    "PREVIEW_ROWS",
    "SHOWN_PROBLEMS",
    "shown",
    "download_links",
    "documents_table",
    "preview_html",
    "problems_html",
    "missing_pdfs_html",
    "notices_html",
    "sheet_check_html",
    "bulk_progress_html",
]

#: How many rows of a spreadsheet the check screen shows (all are used).
PREVIEW_ROWS = 200
#: How many problems the check screen lists (all are counted).
SHOWN_PROBLEMS = 30


def shown(text: Any) -> str:
    """User text for a screen, shown literally: no HTML, no Markdown, no table breaks."""
    escaped = html.escape(str(text), quote=False)
    return re.sub(r"([\\`*_\[\]#])", r"\\\1", escaped).replace("|", "&#124;")


def download_links(docx: DAFile, pdf: DAFile | None) -> str:
    """Links to a document's DOCX and PDF, each named by its file name."""
    links = [docx] + ([pdf] if pdf is not None else [])
    return "<br>".join(
        f'<a href="{html.escape(f.url_for(attachment=True))}">{html.escape(f.filename)}</a>' for f in links
    )


def documents_table(documents: Any) -> str:
    """An accessible HTML table: per recipient the salutation used and the download links."""
    rows = "".join(
        f'<tr><th scope="row">{html.escape(item["organisation"])}</th>'
        f'<td>{html.escape(item["salutation"])}</td>'
        f'<td>{download_links(item["docx"], item["pdf"])}</td></tr>'
        for item in documents.items
    )
    return (
        '<table class="table psobrief-documents"><caption>Brieven per ketenpartner</caption>'
        '<thead><tr><th scope="col">Ketenpartner</th><th scope="col">Aanhef</th>'
        f'<th scope="col">Documenten</th></tr></thead><tbody>{rows}</tbody></table>'
    )


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


def missing_pdfs_html(names: list[str]) -> str:
    """The PDFs that could not be made, by name (never hidden)."""
    if not names:
        return ""
    return _items(f"Van {count_of(len(names), 'document', 'documenten')} kon geen PDF worden gemaakt. "
                  "De Word-bestanden zijn wel compleet. Probeer het later opnieuw via uw antwoorden.",
                  names, SHOWN_PROBLEMS, "alert-warning")


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


def bulk_progress_html(key: str) -> str:
    """The waiting screen's progress bar, from what the background task wrote to Redis."""
    raw = DARedis().get(key)
    state = json.loads(raw) if raw else {"done": 0, "total": 0, "stage": "wachten"}
    total = max(state["total"], 1)
    percent = int(100 * state["done"] / total)
    label = {
        "wachten": "De taak staat klaar om te beginnen.",
        "brieven": f"Brief {state['done']} van {state['total']} is gemaakt.",
        "verzamelbestand": "Het verzamelbestand om te printen wordt gemaakt.",
        "pdf": "De PDF-bestanden worden gemaakt.",
        "klaar": "Klaar: de downloads worden klaargezet.",
    }.get(state["stage"], "Bezig…")
    return (
        f'<div class="progress mb-2" role="progressbar" aria-label="Voortgang" aria-valuenow="{percent}" '
        'aria-valuemin="0" aria-valuemax="100">'
        f'<div class="progress-bar" style="width: {percent}%">{percent}%</div></div>'
        f'<p aria-live="polite">{html.escape(label)}</p>'
    )
