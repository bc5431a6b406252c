"""Shared test set-up: offline NLTK data for docassemble, sample answers, DOCX text."""

import copy
import os
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "examples" / "answers.yml"
SEED = Path(__file__).parent / "data" / "seed-stimuleringsbrief-en-bijlage.txt"

# Importing docassemble makes docassemble_pattern look for NLTK corpora; scripts/setup
# builds an offline copy in .state/nltk_data.
os.environ.setdefault("NLTK_DATA", str(ROOT / ".state" / "nltk_data"))


@pytest.fixture
def example_data():
    """The documented example answers (a fresh copy each time)."""
    return copy.deepcopy(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))


def docx_text(content):
    """All paragraph text of a DOCX (body, tables, header), one paragraph per line."""
    import io

    import docx

    document = docx.Document(io.BytesIO(content) if isinstance(content, bytes) else content)
    lines = []
    for section in document.sections:
        for table in section.header.tables:
            for cell in table._cells:
                lines += [p.text for p in cell.paragraphs]
        lines += [p.text for p in section.header.paragraphs]
    lines += [p.text for p in document.paragraphs]
    for table in document.tables:
        for cell in table._cells:
            lines += [p.text for p in cell.paragraphs]
    return "\n".join(lines)


def flat(text):
    return re.sub(r"\s+", " ", text).strip()


def seed_sentences(part):
    """The sentences of the seed's letter ('letter') or annex ('annex'), in order.

    Placeholders and the salutation are left out (checked separately); bullets lose
    their '·'; the subject alternatives are not part of the body.
    """
    text = SEED.read_text(encoding="utf-8").replace("\ufeff", "")
    text = re.sub(r"\[bookmark: [^\]]*\]", "", text)
    if part == "letter":
        body = text.split("<Start voorbeeldtekst>")[1].split("<Einde voorbeeldtekst>")[0]
        body = body.split("Geachte heer/mevrouw <achternaam>,")[1]
    else:
        body = text.split("Bijlage 1. Socialer inkoopbeleid met de PSO-prestatieladder")[1]
    body = body.replace("·", "\n")
    sentences = []
    for line in body.splitlines():
        line = flat(line)
        if not line:
            continue
        sentences += [s for s in re.split(r"(?<=[.!?;])\s+(?=[A-Z\u00c0-\u00dd<])", line) if s]
    return sentences
