"""The one function that turns answers into the DOCX template's variables.

Every path that produces a document (interview, offline renderer, tests, benchmarks)
goes through :func:`build_context`, so they all produce the same text.
"""

from __future__ import annotations

from typing import Any

from . import sources
from .answers import Answers, Recipient
from .dutch import address_lines, attention_line, date_line, number_word, registration_lines, salutation

__all__ = ["build_context"]


def _ladder_sentence(template: str) -> str:
    levels = sources.ladder_levels()
    return template.format(
        count=number_word(len(levels)), lowest=levels[0]["name"], highest=levels[-1]["name"]
    )


def _as_list_items(texts: list[str]) -> list[str]:
    """Bullet texts punctuated as one enumeration: ';' after each, '.' after the last."""
    items = [text.rstrip(" ;.") for text in texts if text.strip(" ;.")]
    return [text + (";" if n < len(items) - 1 else ".") for n, text in enumerate(items)]


def _sender_part(answers: Answers) -> dict[str, Any]:
    """Everything that is the same in every recipient's letter."""
    sender, letter, annex = answers.sender, answers.letter, answers.annex
    level = sources.ladder_level(sender.pso_level)
    status = "certified" if level["certified"] else "aspirant"
    words = sources.wording()
    measure_texts = {m["id"]: m["text"] for m in sources.measures()}
    return {
        "logo": sender.logo,
        "sender_name": sender.name,
        "sender_address_lines": address_lines("", sender.street, sender.postcode, sender.city),
        "sender_email": sender.email,
        "sender_registration_lines": registration_lines(sender.kvk, sender.phone, sender.website),
        "date_line": date_line(letter.place, letter.date),
        "reference": letter.reference,
        "subject": letter.subject,
        "status_sentence": words["letter"]["status"][status],
        "level_sentence": words["letter"]["level"][status].format(level=level["name"]),
        "pso30_sentence": words["letter"]["pso30"].format(pso30=sources.pso30_name()) if sender.pso30 else "",
        "letter_ladder_sentence": _ladder_sentence(words["letter"]["ladder"]),
        "policy_sentence": words["letter"]["policy_with_annex" if annex.include else "policy_without_annex"],
        "email_sentence": words["letter"]["email"].format(email=sender.email),
        "signature": sender.signatory.signature,
        "signatory_name": sender.signatory.name,
        "signatory_function": sender.signatory.function,
        "include_annex": annex.include,
        "annex_line": words["letter"]["annex_line"] if annex.include else "",
        "annex_status_sentence": words["annex"]["status"][status],
        "annex_ladder_sentence": _ladder_sentence(words["annex"]["ladder"]),
        "measures": _as_list_items([measure_texts[m] for m in annex.measures] + annex.own_measures),
    }


def build_context(answers: Answers, recipient: Recipient | None) -> dict[str, Any]:
    """Template variables for ``recipient``'s letter (with the annex if chosen).

    With ``recipient=None`` the context is for the annex alone.
    """
    context = _sender_part(answers)
    if recipient is None:
        context.update(
            include_letter=False,
            include_annex=True,
            recipient_address_lines=[],
            salutation="",
        )
        return context
    person = recipient.contact
    default_unknown = sources.unknown_salutations()[0]
    context.update(
        include_letter=True,
        recipient_address_lines=address_lines(
            recipient.organisation,
            recipient.street,
            recipient.postcode,
            recipient.city,
            recipient.country,
            attention=attention_line(person),
        ),
        salutation=salutation(person, default_unknown),
    )
    return context

