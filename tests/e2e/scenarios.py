"""Test scenarios in the answers format, and how a person answers the interview for them."""

from __future__ import annotations

import copy

SENDER = {
    "name": "Bouwbedrijf De Vries & Zonen B.V.",
    "street": "Stationsstraat 12",
    "postcode": "3511ab",
    "city": "Utrecht",
    "email": "inkoop@devries-bouw.nl",
    "kvk": "30123456",
    "kvk_exempt": False,
    "phone": "",
    "website": "",
    "pso_level": "trede_2",
    "pso30": False,
    "signatory": {"name": "Anna de Vries", "function": "Directeur"},
}
LETTER = {"subject": "Socialer inkopen wordt belangrijker!", "place": "Utrecht", "date": "2026-11-25", "reference": ""}
ALL_MEASURES = ["inkoopcode", "tender", "contracten", "weging", "naleving"]
SUBJECTS = [
    "Socialer ondernemen met onze ketenpartners!",
    "Stimuleren van inclusief ondernemen door bewuster in te kopen",
    "Samen met onze ketenpartners zetten wij inclusief ondernemen op de kaart",
    "Socialer inkopen wordt belangrijker!",
]


def recipient(organisation, street, postcode, city, form, given="", tussenvoegsel="", surname="", salutation=""):
    return {"organisation": organisation, "street": street, "postcode": postcode, "city": city, "country": "",
            "contact": {"form": form, "given": given, "tussenvoegsel": tussenvoegsel, "surname": surname,
                        "salutation": salutation}}


def scenario(recipients, sender=None, letter=None, annex=None):
    return {
        "sender": {**copy.deepcopy(SENDER), **(sender or {})},
        "letter": {**LETTER, **(letter or {})},
        "annex": {"include": True, "measures": list(ALL_MEASURES), "own_measures": [], **(annex or {})},
        "recipients": recipients,
    }


def interview_variables(answers: dict) -> dict:
    """Every variable the interview asks, with the value a person would give for ``answers``."""
    sender, letter, annex = answers["sender"], answers["letter"], answers["annex"]
    values = {
        "intro_screen": True,
        "sender.name": sender["name"], "sender.street": sender["street"], "sender.postcode": sender["postcode"],
        "sender.city": sender["city"], "sender.email": sender["email"],
        "sender.kvk": sender["kvk"], "sender.kvk_exempt": sender["kvk_exempt"],
        "sender.phone": sender["phone"], "sender.website": sender["website"],
        "sender.pso_level": sender["pso_level"], "sender.pso30": sender["pso30"],
        "sender.signatory.name": sender["signatory"]["name"],
        "sender.signatory.function": sender["signatory"]["function"],
        "letter.subject_choice": letter["subject"] if letter["subject"] in SUBJECTS else "eigen",
        "letter.own_subject": letter["subject"],
        "letter.place": letter["place"], "letter.date": letter["date"], "letter.reference": letter["reference"],
        "annex.include": annex["include"],
        "annex.measures": {key: key in annex["measures"] for key in ALL_MEASURES},
        "annex.own_measures": "\n".join(annex["own_measures"]),
        "recipients_source": "manual",
        "review_answers": True,
    }
    for n, item in enumerate(answers["recipients"]):
        for key in ("organisation", "street", "postcode", "city", "country"):
            values[f"recipients[{n}].{key}"] = item[key]
        for key in ("form", "given", "tussenvoegsel", "surname", "salutation"):
            values[f"recipients[{n}].{key}"] = item["contact"][key]
        values[f"recipients[{n}].email"] = item.get("email", "")  # optional (issue 12)
    return values
