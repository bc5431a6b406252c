"""Dutch letter conventions: salutations, attention lines, addresses, dates."""

import datetime

import pytest

from docassemble.psobrief.dutch import (
    Person,
    address_lines,
    attention_line,
    date_line,
    long_date,
    normalise_given,
    normalise_postcode,
    salutation,
    split_tussenvoegsel,
)

# (form, given, tussenvoegsel, surname) -> (T.a.v. line, salutation)
CASES = [
    (("heer", "J.", "van den", "Berg"), ("T.a.v. de heer J. van den Berg", "Geachte heer Van den Berg,")),
    (("mevrouw", "K.", "de", "Boer"), ("T.a.v. mevrouw K. de Boer", "Geachte mevrouw De Boer,")),
    (("heer", "Jan", "van der", "Meer"), ("T.a.v. de heer Jan van der Meer", "Geachte heer Van der Meer,")),
    (("mevrouw", "", "van der", "Meer"), ("T.a.v. mevrouw Van der Meer", "Geachte mevrouw Van der Meer,")),
    (("heer", "", "", "Jansen"), ("T.a.v. de heer Jansen", "Geachte heer Jansen,")),
    (("heer", "P.", "'t", "Hart"), ("T.a.v. de heer P. 't Hart", "Geachte heer 't Hart,")),
    (("mevrouw", "A.", "van 't", "Hof"), ("T.a.v. mevrouw A. van 't Hof", "Geachte mevrouw Van 't Hof,")),
    (("neutraal", "Kim", "van den", "Berg"), ("T.a.v. Kim van den Berg", "Geachte Kim van den Berg,")),
    (("neutraal", "K.", "de", "Boer"), ("T.a.v. K. de Boer", "Geachte K. de Boer,")),
    (("neutraal", "Sam", "", "Bakker"), ("T.a.v. Sam Bakker", "Geachte Sam Bakker,")),
    (("mevrouw", "M.", "", "Jansen-de Vries"), ("T.a.v. mevrouw M. Jansen-de Vries", "Geachte mevrouw Jansen-de Vries,")),
    (("heer", "R.", "van", "Dijk-de Groot"), ("T.a.v. de heer R. van Dijk-de Groot", "Geachte heer Van Dijk-de Groot,")),
    (("mevrouw", "Zoë", "", "Özdemir"), ("T.a.v. mevrouw Zoë Özdemir", "Geachte mevrouw Özdemir,")),
    (("heer", "Ç.", "", "Çelik"), ("T.a.v. de heer Ç. Çelik", "Geachte heer Çelik,")),
    (("mevrouw", "Anaïs", "d'", "Ancona"), ("T.a.v. mevrouw Anaïs d' Ancona", "Geachte mevrouw D' Ancona,")),
    (("heer", "j.p.", "van den", "berg"), ("T.a.v. de heer J.P. van den Berg", "Geachte heer Van den Berg,")),
    (("heer", "JP", "", "Smit"), ("T.a.v. de heer J.P. Smit", "Geachte heer Smit,")),
    (("mevrouw", "Th.", "ter", "Horst"), ("T.a.v. mevrouw Th. ter Horst", "Geachte mevrouw Ter Horst,")),
    (("heer", "J. P.", "in 't", "Veld"), ("T.a.v. de heer J.P. in 't Veld", "Geachte heer In 't Veld,")),
    # tussenvoegsel typed in the surname field
    (("heer", "J.", "", "van den Berg"), ("T.a.v. de heer J. van den Berg", "Geachte heer Van den Berg,")),
    (("mevrouw", "", "", "de Boer"), ("T.a.v. mevrouw De Boer", "Geachte mevrouw De Boer,")),
    (("neutraal", "Kim", "", "van der Linden"), ("T.a.v. Kim van der Linden", "Geachte Kim van der Linden,")),
    # a capitalised prefix is part of the surname (Belgian names): left alone
    (("heer", "L.", "", "De Smet"), ("T.a.v. de heer L. De Smet", "Geachte heer De Smet,")),
    # whitespace and capitals tidied
    (("mevrouw", "  Anna  ", " van  der ", "  Linden "), ("T.a.v. mevrouw Anna van der Linden", "Geachte mevrouw Van der Linden,")),
    (("heer", "J", "", "de Wit"), ("T.a.v. de heer J. de Wit", "Geachte heer De Wit,")),
    (("mevrouw", "", "", "O'Brien"), ("T.a.v. mevrouw O'Brien", "Geachte mevrouw O'Brien,")),
    (("heer", "Jan-Willem", "van", "Oranje"), ("T.a.v. de heer Jan-Willem van Oranje", "Geachte heer Van Oranje,")),
]


@pytest.mark.parametrize("fields, expected", CASES, ids=[" ".join(c[0]).strip() for c in CASES])
def test_attention_line_and_salutation(fields, expected):
    person = Person(*fields)
    assert (attention_line(person), salutation(person)) == expected


@pytest.mark.parametrize(
    "chosen, expected",
    [("", "Geachte heer, mevrouw,"), ("Geachte relatie,", "Geachte relatie,"), ("Beste ketenpartner", "Beste ketenpartner,")],
)
def test_no_known_person(chosen, expected):
    person = Person("onbekend", salutation=chosen)
    assert salutation(person) == expected
    assert attention_line(person) == ""


def test_surname_missing_falls_back_to_unknown_form():
    assert salutation(Person("heer", "J.", "", "")) == "Geachte heer, mevrouw,"


@pytest.mark.parametrize(
    "given, expected",
    [("J.", "J."), ("j", "J."), ("J.P.", "J.P."), ("J. P. M.", "J.P.M."), ("Th.", "Th."), ("Chr.", "Chr."),
     ("JPM", "J.P.M."), ("kim", "Kim"), ("Anne-Marie", "Anne-Marie"), ("Bo", "Bo"), ("", "")],
)
def test_normalise_given(given, expected):
    assert normalise_given(given) == expected


@pytest.mark.parametrize(
    "tussenvoegsel, surname, expected",
    [("", "van den Berg", ("van den", "Berg")), ("", "van Dijk", ("van", "Dijk")), ("", "Berg", ("", "Berg")),
     ("", "De Smet", ("", "De Smet")), ("Van der", "Meer", ("Van der", "Meer")), ("", "van", ("", "van")),
     ("", "'t Hart", ("'t", "Hart"))],
)
def test_split_tussenvoegsel(tussenvoegsel, surname, expected):
    assert split_tussenvoegsel(tussenvoegsel, surname) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [("1234AB", "1234 AB"), ("1234 ab", "1234 AB"), (" 3511  ax ", "3511 AX"), ("9999zz", "9999 ZZ")],
)
def test_postcode_normalised(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["0123 AB", "12345", "1234 A", "1234 SS", "1234 sa", "1234 SD", "AB 1234", "", "1234-AB"])
def test_postcode_rejected_with_dutch_message(raw):
    with pytest.raises(ValueError, match="geen Nederlandse postcode"):
        normalise_postcode(raw)


def test_address_block_dutch():
    lines = address_lines("Schoonmaak B.V.", "Kerkstraat 1", "1234ab", "Utrecht", attention="T.a.v. mevrouw K. de Boer")
    assert lines == ["Schoonmaak B.V.", "T.a.v. mevrouw K. de Boer", "Kerkstraat 1", "1234 AB  UTRECHT"]


def test_address_block_without_attention_line():
    assert address_lines("A & B", "Dorpsstraat 5a", "9711 LM", "Groningen") == [
        "A & B", "Dorpsstraat 5a", "9711 LM  GRONINGEN"]


def test_address_block_abroad_keeps_postcode_and_adds_country():
    lines = address_lines("Bouw NV", "Meir 1", "2000", "Antwerpen", country="België")
    assert lines == ["Bouw NV", "Meir 1", "2000 ANTWERPEN", "BELGIË"]


def test_address_block_with_accents_in_city():
    assert address_lines("X", "Straat 1", "8011 AA", "'s-Hertogenbosch")[-1] == "8011 AA  'S-HERTOGENBOSCH"


@pytest.mark.parametrize(
    "day, expected",
    [(datetime.date(2026, 11, 25), "25 november 2026"), (datetime.date(2027, 3, 1), "1 maart 2027"),
     (datetime.date(2026, 5, 9), "9 mei 2026")],
)
def test_long_date(day, expected):
    assert long_date(day) == expected


def test_date_line():
    assert date_line("Utrecht", datetime.date(2026, 11, 25)) == "Utrecht, 25 november 2026"
    assert date_line("", datetime.date(2026, 11, 25)) == "25 november 2026"


@pytest.mark.parametrize("number, expected", [(0, "0 brieven"), (1, "1 brief"), (2, "2 brieven"), (5000, "5000 brieven")])
def test_count_of_singular_and_plural(number, expected):
    from docassemble.psobrief.dutch import count_of

    assert count_of(number, "brief", "brieven") == expected


def test_reference_label_says_whose_reference_it_is():
    """'Uw kenmerk' is the recipient's reference in Dutch letters; the field holds ours."""
    import yaml

    from conftest import ROOT

    text = (ROOT / "docassemble" / "psobrief" / "data" / "questions" / "psobrief_letter.yml").read_text()
    screens = list(yaml.safe_load_all(text))
    labels = [next(iter(field)) for screen in screens for field in screen.get("fields", []) if isinstance(field, dict)]
    assert "Ons kenmerk (optioneel)" in labels and "Uw kenmerk (optioneel)" not in labels
