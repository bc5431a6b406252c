"""The Dutch translation of docassemble's system phrases (data/sources/nl-words.yml).

The reference list of phrases is docassemble's own base-words.yml from the 1.10.13
release, copied to tests/data/base-words-1.10.13.yml.  No docassemble import needed.
"""

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NL_WORDS = ROOT / "docassemble" / "psobrief" / "data" / "sources" / "nl-words.yml"
BASE_WORDS = Path(__file__).parent / "data" / "base-words-1.10.13.yml"

# Format markers that docassemble fills in (% formatting, str.format) and HTML tags.
TOKEN = re.compile(r"%\([^)]*\)[sd]|%[sd]|\{[^{}]*\}|</?[A-Za-z][^>]*>")

# Values that may stay identical to the English phrase.
# Country names that are spelled the same in Dutch:
SAME_COUNTRY_NAMES = {
    "Afghanistan", "Andorra", "Angola", "Anguilla", "Antarctica", "Aruba", "Bangladesh",
    "Barbados", "Belize", "Benin", "Bermuda", "Bhutan", "Botswana", "Burkina Faso", "Burundi",
    "Canada", "China", "Colombia", "Congo", "Costa Rica", "Cuba", "Curaçao", "Cyprus",
    "Djibouti", "Dominica", "Ecuador", "El Salvador", "Eritrea", "Eswatini", "Fiji", "Finland",
    "Gabon", "Gambia", "Ghana", "Gibraltar", "Grenada", "Guadeloupe", "Guam", "Guatemala",
    "Guernsey", "Guyana", "Honduras", "India", "Jamaica", "Japan", "Jersey", "Kiribati",
    "Lesotho", "Liberia", "Liechtenstein", "Malawi", "Mali", "Malta", "Martinique",
    "Mauritius", "Mayotte", "Mexico", "Monaco", "Montenegro", "Montserrat", "Mozambique",
    "Myanmar", "Nauru", "Nepal", "Nicaragua", "Niger", "Nigeria", "Niue", "Oman", "Pakistan",
    "Palau", "Panama", "Paraguay", "Peru", "Portugal", "Puerto Rico", "Qatar", "Réunion",
    "Rwanda", "Saint Lucia", "Samoa", "San Marino", "Senegal", "Sierra Leone", "Singapore",
    "Sri Lanka", "Suriname", "Thailand", "Togo", "Tokelau", "Tonga", "Turkmenistan", "Tuvalu",
    "Uruguay", "Vanuatu", "Zambia", "Zimbabwe",
}
# Product and brand names:
SAME_PROPER_NOUNS = {
    "Docassemble Playground", "GitHub", "Google Drive", "Markdown", "OneDrive", "Playground", "PyPI",
}
# Codes, punctuation and SMS keywords (n = nee, x = sign, ok, link1, menu1):
SAME_CODES = {".", "?", "n", "x", "ok", "link", "menu", "URL"}
# Words Dutch uses unchanged:
SAME_DUTCH_WORDS = {
    "App", "Document", "E-mail", "Links", "Menu", "Menu:", "Modules", "Monitor", "offline",
    "Project", "Score", "Token",
}
ALLOWED_SAME = SAME_COUNTRY_NAMES | SAME_PROPER_NOUNS | SAME_CODES | SAME_DUTCH_WORDS


@pytest.fixture(scope="module")
def base_words():
    data = yaml.safe_load(BASE_WORDS.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and data
    return data


@pytest.fixture(scope="module")
def nl_document():
    return yaml.safe_load(NL_WORDS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def nl(nl_document):
    return nl_document["nl"]


def test_file_has_one_language_key(nl_document):
    # docassemble's `words:` loader expects {language code: {English phrase: translation}}.
    assert list(nl_document) == ["nl"]
    assert isinstance(nl_document["nl"], dict)


def test_same_phrases_as_docassemble(base_words, nl):
    assert len(base_words) == 1373
    assert len(nl) == len(base_words)
    assert set(nl) - set(base_words) == set()
    assert set(base_words) - set(nl) == set()


def test_keys_and_values_are_nonempty_strings(nl):
    for key, value in nl.items():
        assert isinstance(key, str), repr(key)
        assert isinstance(value, str) and value.strip(), key


def test_placeholders_preserved(nl):
    problems = []
    for key, value in nl.items():
        if Counter(TOKEN.findall(key)) != Counter(TOKEN.findall(value)):
            problems.append((key, value))
    assert problems == []


def test_percent_formatting_still_works(nl):
    for key, value in nl.items():
        named = re.findall(r"%\(([^)]*)\)s", key)
        positional = len(re.findall(r"%s", key))
        if named:
            assert value % {name: "X" for name in named}
        elif positional:
            assert value % tuple("X" * positional)
        elif "{0}" in key:
            assert value.format("X")


def test_leading_and_trailing_spaces_kept(nl):
    for key, value in nl.items():
        if key == "Jinja2 help template":  # multi-line Markdown value
            continue
        assert key[:1].isspace() == value[:1].isspace(), key
        assert key[-1:].isspace() == value[-1:].isspace(), key


def test_untranslated_values_only_allow_listed(nl):
    same = {key for key, value in nl.items() if key == value}
    assert same - ALLOWED_SAME == set()
    # The allow-list should not carry stale entries either.
    assert ALLOWED_SAME - same == set()


def test_sms_keywords_match_instructions(nl):
    """The words a text-message user is told to type are the ones docassemble accepts."""
    skip, none, question = nl["skip"], nl["none"], nl["question"]
    for key, value in nl.items():
        if "type skip" in key:
            assert skip in value, key
        if "type none" in key:
            assert none in value, key
        if "type question" in key:
            assert f" {question} " in value, key
    assert nl["delete my account"] in nl['Type "delete my account" here to confirm that you want to delete your account.']
    assert nl["delete my account"] in nl['Since you did not type "delete my account" I did not delete your account.']
    assert "[" + nl["y"] + "]" in nl["Type [y]es or [n]o."]
    assert "[" + nl["n"] + "]" in nl["Type [y]es or [n]o."]
    assert nl["Type [y]es or [n]o."].replace("[", "").replace("]", "").count(nl["yes"]) == 1
    assert nl["Type ok to continue."].split()[1] == nl["ok"]
    assert "link1" in nl["You can type link1 to visit the link"]
    assert "menu1" in nl["You can type menu1 to select the menu item"]


def test_terminology(nl):
    assert nl["Continue"] == "Doorgaan"
    assert nl["Back"] == "Terug"
    assert nl["Edit"] == "Wijzigen"
    assert nl["Delete"] == "Verwijderen"
    assert nl["Save"] == "Opslaan"
    assert nl["Cancel"] == "Annuleren"
    assert nl["Download"] == "Downloaden"
    assert nl["Register"] == "Registreren"
    assert nl["Sign in"] == "Inloggen"
    assert nl["Attachment"] == "Bijlage"
    for key, value in nl.items():
        if re.search(r"\binterviews?\b", key, re.I):
            assert "gesprek" not in value.lower(), key
            assert "interview" not in value.lower(), key
    # Formal address: no informal "je"/"jij"/"jouw" anywhere.
    for key, value in nl.items():
        assert not re.search(r"\b(je|jij|jouw|jullie)\b", value, re.I), key


def test_instructions_say_what_to_do(nl):
    """B1 Dutch ("begrijpelijke taal"): an instruction starts with what to do ("Vul ... in",
    "Kies ..."), not with "U moet ..." (language review, 2026-11-25)."""
    assert [key for key, value in nl.items() if str(value).startswith("U moet")] == []
    assert nl["You need to enter a valid date."] == "Vul een bestaande datum in."
    assert nl["You must select an option."] == "Kies een van de mogelijkheden."
