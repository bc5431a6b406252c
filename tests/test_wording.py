"""Dutch that reads as a Dutch office writes it: counts, terms and B1 messages.

Counts go through one helper, ``dutch.count_of``: no message or screen builds "1 brieven"
or "1 ketenpartners" by hand. The terms the letter uses (PSO-Trede, PSO-Certificaat,
ketenpartner, ZIP-bestand) are spelled the same on every screen and in every message.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docassemble.psobrief import fields, interview, screens
from docassemble.psobrief.dutch import count_of
from docassemble.psobrief.spreadsheet import read_recipients

PACKAGE = Path(__file__).resolve().parents[1] / "docassemble" / "psobrief"
QUESTIONS = sorted((PACKAGE / "data" / "questions").glob("*.yml"))
MODULES = sorted(path for path in PACKAGE.glob("*.py") if path.name != "dutch.py")

#: A string chosen by "== 1" (or "!= 1") right in the text: 'brief' if n == 1 else 'brieven'.
HAND_PLURAL = re.compile(r"""["'][^"'\n]*["']\s+if\s+[^\n]*?[!=]=\s*1\s+else\s+f?["']""")
#: A plural written as "bestand(en)" or "letter(s)".
BRACKET_PLURAL = re.compile(r"\w\((en|s|n)\)")
#: "1" followed by a plural noun the package uses.
ONE_PLURAL = re.compile(r"\b1 (brieven|maatregelen|ketenpartners|fouten|problemen|documenten|meldingen|"
                        r"onzichtbare tekens|bestanden|PDF-bestanden)\b")


@pytest.mark.parametrize("path", MODULES + QUESTIONS, ids=lambda path: path.name)
def test_counts_use_count_of(path):
    text = path.read_text(encoding="utf-8")
    assert not HAND_PLURAL.findall(text), "use dutch.count_of(n, singular, plural)"
    assert not BRACKET_PLURAL.findall(text), "use dutch.count_of(n, singular, plural)"


def test_the_rule_finds_a_hand_made_plural():
    assert HAND_PLURAL.search("""met ${ n } ${ 'maatregel' if n == 1 else 'maatregelen' }.""")
    assert HAND_PLURAL.search("""count = "is 1 probleem" if len(p) == 1 else f"zijn {len(p)} problemen\"""")
    assert BRACKET_PLURAL.search("{n} PDF-bestand(en) konden niet worden gemaakt")
    assert not HAND_PLURAL.search("return items[0] if len(items) == 1 else ', '.join(items)")


@pytest.mark.parametrize("number, expected", [(0, "0 brieven"), (1, "1 brief"), (2, "2 brieven")])
def test_count_of(number, expected):
    assert count_of(number, "brief", "brieven") == expected


def test_one_missing_pdf_is_singular():
    assert "Van 1 document kon geen PDF worden gemaakt." in interview.missing_pdfs_html(["a.pdf"])
    assert "Van 2 documenten kon geen PDF worden gemaakt." in interview.missing_pdfs_html(["a.pdf", "b.pdf"])
    with_button = interview.missing_pdfs_html(["a.pdf"], "/interview?action=x&y=<z>")
    assert 'href="/interview?action=x&amp;y=&lt;z&gt;">PDF-bestanden opnieuw maken</a>' in with_button


def test_more_messages_are_counted():
    assert "En nog 1 andere melding." in screens._items("Let op:", ["x", "y"], 1, "alert-warning")
    assert "En nog 2 andere meldingen." in screens._items("Let op:", ["x", "y", "z"], 1, "alert-warning")
    shown = interview.SHOWN_PROBLEMS
    assert interview._problems_message(["p"] * (shown + 1)).endswith("En nog 1 andere melding.")
    assert interview._problems_message(["p"] * (shown + 3)).endswith("En nog 3 andere meldingen.")


def _sheet(*rows: str) -> bytes:
    header = "Organisatie;Straat en huisnummer;Postcode;Plaats;Aanspreekvorm;Voornaam of voorletters;Achternaam"
    return ("\r\n".join((header,) + rows) + "\r\n").encode("utf-8")


def test_check_screen_counts_one_error_and_one_partner():
    sheet = read_recipients(_sheet("Bakker B.V.;Dorpsweg 8;9711 LM;Groningen;heer;J.;Bakker",
                                   "Visser;Laan 2;12345;Groningen;heer;K.;Visser"), "lijst.csv")
    page = interview.sheet_check_html(sheet)
    assert "De spreadsheet heeft 1 fout. Verbeter de spreadsheet en upload die opnieuw." in page
    assert "<caption>1 ketenpartner gelezen</caption>" in page
    assert not ONE_PLURAL.search(page)


def test_check_screen_counts_two_errors():
    sheet = read_recipients(_sheet("Bakker B.V.;Dorpsweg 8;1234;Groningen;heer;J.;Bakker",
                                   "Visser;Laan 2;12345;Groningen;heer;K.;Visser",
                                   "Smit;Laan 3;9711 LM;Groningen;heer;K.;Smit"), "lijst.csv")
    page = interview.sheet_check_html(sheet)
    assert "De spreadsheet heeft 2 fouten." in page


@pytest.mark.parametrize("typed, expected", [
    ("Bakker\x01 B.V.", "Wij hebben 1 onzichtbaar teken weggelaten uit de naam van de organisatie."),
    ("Bakker\x01\x02 B.V.", "Wij hebben 2 onzichtbare tekens weggelaten uit de naam van de organisatie."),
])
def test_invisible_characters_counted(typed, expected):
    notices = fields.check("recipient.organisation", typed).notices
    assert notices == [expected + " Zulke tekens komen bijvoorbeeld mee met gekopieerde tekst."]


#: Spellings the review asked to make one: the letter's PSO-Trede and PSO-Certificaat, the
#: ZIP-bestand (not "de ZIP"), and ketenpartner as the word for every recipient.
WRONG_TERMS = re.compile(r"PSO-trede|PSO-certificaat|PSO-certificaten|\b[Dd]e ZIP\b|\b[Zz]ip-bestand|"
                         r"lijst met leveranciers|\bWoont\b")


@pytest.mark.parametrize("path", MODULES + QUESTIONS, ids=lambda path: path.name)
def test_terms_spelled_one_way(path):
    assert not WRONG_TERMS.findall(path.read_text(encoding="utf-8"))


def test_readme_examples_use_the_terms():
    readme = (PACKAGE.parents[1] / "README.md").read_text(encoding="utf-8")
    assert not WRONG_TERMS.findall(readme)


def test_date_message_says_the_date_does_not_exist():
    with pytest.raises(ValueError, match="^Deze datum bestaat niet of is niet goed geschreven. Schrijf de datum "
                                         "als dd-mm-jjjj, bijvoorbeeld 25-11-2026.$"):
        fields.parse_date("31-02-2026")


def test_system_phrases_without_calques():
    import yaml

    words = yaml.safe_load((PACKAGE / "data" / "sources" / "nl-words.yml").read_text(encoding="utf-8"))
    phrases = words["nl"]
    assert not [value for value in phrases.values() if "met succes" in str(value)]
    assert phrases["Are you sure you want to delete this item?"] == "Weet u zeker dat u dit wilt verwijderen?"
    assert phrases["Restart"] == "Opnieuw beginnen"
