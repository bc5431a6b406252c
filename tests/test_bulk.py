"""The bulk bundle: letters, combined print file, overview spreadsheet, ZIP, PDFs."""

import copy
import io
import zipfile

import openpyxl
from conftest import EXAMPLE, ROOT, docx_text

from docassemble.psobrief.answers import parse_answers
from docassemble.psobrief.bulk import (
    COMBINED_FILENAME,
    OVERVIEW_FILENAME,
    combine_docx,
    render_bundle,
)

BASE = ROOT / "docs" / "examples"


def many(example_data, count):
    people = example_data["recipients"]
    example_data["recipients"] = [
        {**copy.deepcopy(people[n % 3]), "organisation": f"Leverancier {n:02d}"} for n in range(count)]
    return parse_answers(example_data, base_dir=BASE)


def test_bundle_of_25(example_data):
    answers = many(example_data, 25)
    steps = []
    bundle = render_bundle(answers, pdf=False, progress=lambda done, total, stage: steps.append((done, total, stage)))
    assert steps[0] == (1, 25, "brieven") and steps[24] == (25, 25, "brieven") and steps[-1][2] == "klaar"
    assert len(bundle.letters) == 25 and bundle.pdfs == {}
    combined = docx_text(bundle.combined)
    assert combined.count("Met vriendelijke groet,") == 25
    assert combined.count("Bijlage 1. Socialer inkoopbeleid met de PSO-prestatieladder") == 25
    assert combined.count("Geachte heer Van den Berg,") == 9 and combined.count("Geachte Kim de Boer,") == 8
    archive = zipfile.ZipFile(io.BytesIO(bundle.zip_bytes()))
    names = archive.namelist()
    assert len([n for n in names if n.startswith("Brieven/")]) == 25
    assert {COMBINED_FILENAME, OVERVIEW_FILENAME, "Bijlage - Socialer inkoopbeleid met de PSO-prestatieladder.docx"} <= set(names)
    rows = list(openpyxl.load_workbook(io.BytesIO(archive.read(OVERVIEW_FILENAME))).active.iter_rows(values_only=True))
    assert rows[0] == ("Organisatie", "T.a.v.", "Straat en huisnummer", "Postcode", "Plaats", "Land", "Aanhef", "Bestand")
    assert rows[1] == ("Leverancier 00", "de heer J. van den Berg", "Kerkstraat 1", "1234 AB", "Amsterdam", None,
                       "Geachte heer Van den Berg,", "Stimuleringsbrief - Leverancier 00.docx")
    assert rows[3][1] is None and rows[3][6] == "Geachte relatie,"
    assert {f"Brieven/{row[7]}" for row in rows[1:]} == {n for n in names if n.startswith("Brieven/")}


def test_combined_letters_each_start_on_a_new_page(example_data):
    bundle = render_bundle(many(example_data, 3), pdf=False)
    xml = zipfile.ZipFile(io.BytesIO(bundle.combined)).read("word/document.xml").decode()
    assert xml.count("<w:pageBreakBefore/>") == 2
    assert len([n for n in zipfile.ZipFile(io.BytesIO(bundle.combined)).namelist() if n.startswith("word/media/")]) == 2


def test_combining_different_documents_falls_back_to_docxcompose(example_data):
    with_logo = render_bundle(many(copy.deepcopy(example_data), 1), pdf=False).letters
    del example_data["sender"]["logo"]
    without_logo = render_bundle(many(example_data, 1), pdf=False).letters
    combined = combine_docx(list(with_logo.values()) + list(without_logo.values()))
    assert docx_text(combined).count("Met vriendelijke groet,") == 2


def test_pdf_in_one_libreoffice_run(example_data):
    bundle = render_bundle(many(example_data, 3), pdf=True)
    assert bundle.pdf_error == ""
    assert sorted(bundle.pdfs) == [f"Stimuleringsbrief - Leverancier {n:02d}.pdf" for n in range(3)]
    assert all(pdf.startswith(b"%PDF") for pdf in bundle.pdfs.values())
    assert bundle.combined_pdf.startswith(b"%PDF")


def test_pdf_failure_is_reported_not_raised(example_data, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    bundle = render_bundle(many(example_data, 2), pdf=True)
    assert bundle.pdf_error.startswith("LibreOffice (soffice) is niet gevonden")
    assert len(bundle.letters) == 2 and bundle.pdfs == {}


def test_a_15_mb_photo_as_logo_makes_small_letters(example_data, tmp_path):
    """100 letters with a 15 MB photo as logo: each letter stays under 1 MB."""
    import io
    import os
    import zipfile

    from PIL import Image

    from docassemble.psobrief.answers import parse_answers
    from docassemble.psobrief.bulk import render_bundle

    photo = tmp_path / "foto.jpg"
    Image.frombytes("RGB", (4000, 3000), os.urandom(4000 * 3000 * 3)).save(photo, "JPEG", quality=95)
    assert photo.stat().st_size > 10 * 1024 * 1024
    example_data["sender"]["logo"] = str(photo)
    example_data["recipients"] = [dict(example_data["recipients"][0], organisation=f"Leverancier {n:03d}")
                                  for n in range(100)]
    bundle = render_bundle(parse_answers(example_data, base_dir=EXAMPLE.parent), pdf=False)
    assert len(bundle.letters) == 100
    sizes = [len(content) for content in bundle.letters.values()]
    assert max(sizes) < 1024 * 1024, max(sizes)
    with zipfile.ZipFile(io.BytesIO(next(iter(bundle.letters.values())))) as letter:
        media = [info for info in letter.infolist() if info.filename.startswith("word/media/")]
    assert media and all(info.file_size < 300 * 1024 for info in media)


FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-1+1", "@SUM(A1)", "=cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def test_overview_never_holds_a_formula(example_data):
    """Formula payloads in every column of a supplier list come back as text, as typed."""
    import io
    import zipfile

    import openpyxl

    from docassemble.psobrief.answers import parse_answers
    from docassemble.psobrief.bulk import render_bundle

    recipients = []
    for payload in FORMULAS:
        recipients.append({"organisation": payload, "street": payload, "postcode": payload[:20], "city": payload,
                           "country": payload, "contact": {"form": "onbekend", "salutation": payload}})
    recipients.append({"organisation": "Plain B.V.", "street": "Weg 1", "postcode": "1234 AB", "city": "Ede",
                       "contact": {"form": "heer", "given": "=1+1", "tussenvoegsel": "", "surname": "@Berg"}})
    example_data["recipients"] = recipients
    bundle = render_bundle(parse_answers(example_data, base_dir=EXAMPLE.parent), pdf=False)
    sheet = openpyxl.load_workbook(io.BytesIO(bundle.overview)).active
    rows = list(sheet.iter_rows(min_row=2))
    assert [cell.data_type for row in rows for cell in row if cell.data_type == "f"] == []
    for n, payload in enumerate(FORMULAS):
        values = [cell.value for cell in rows[n]]
        assert values[0] == payload.strip() and values[2] == payload.strip(), values  # as typed (spaces folded)
        assert values[6].rstrip(",") == payload.strip()
    assert rows[-1][1].value == "de heer =1+1 @Berg"
    xml = zipfile.ZipFile(io.BytesIO(bundle.overview)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml
    starts = [cell for row in rows for cell in row if str(cell.value).startswith(("=", "+", "-", "@"))]
    assert starts and all(cell.quotePrefix for cell in starts)


OVERVIEW_HEADERS = ["Organisatie", "T.a.v.", "Straat en huisnummer", "Postcode", "Plaats", "Land", "Aanhef", "Bestand"]
PAYLOADS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1",
            "=1+1", "#N/A", "Gewone B.V."]


def test_overview_workbook_stores_payloads_as_typed_text():
    """Straight into overview_workbook (no answers contract folding white space): every column."""
    import xml.etree.ElementTree as ElementTree

    from docassemble.psobrief.bulk import overview_workbook

    content = overview_workbook([{key: payload for key in OVERVIEW_HEADERS} for payload in PAYLOADS])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(min_row=2))
    cells = [cell for row in rows for cell in row]
    assert len(cells) == len(PAYLOADS) * len(OVERVIEW_HEADERS)
    assert [cell.coordinate for cell in cells if cell.data_type != "s"] == []  # no "f" (formula), no "e" (#N/A)
    assert [[cell.value for cell in row] for row in rows] == [[payload] * 8 for payload in PAYLOADS]
    risky = ("=", "+", "-", "@", "\t", "\r")
    assert [cell.coordinate for cell in cells if cell.quotePrefix != cell.value.startswith(risky)] == []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                tags = {element.tag.rpartition("}")[2] for element in ElementTree.fromstring(archive.read(name)).iter()}
                assert "f" not in tags, name


def test_1000_letters_get_1000_pdfs_each_with_its_own_recipient(example_data):
    """A list past LibreOffice's ~245-documents-per-run limit: every PDF is made, none mixed up."""
    import subprocess

    bundle = render_bundle(many(example_data, 1000), pdf=True)
    assert bundle.pdf_error == "" and bundle.pdf_missing == []
    assert len(bundle.pdfs) == 1000
    assert bundle.combined_pdf.startswith(b"%PDF")
    for name, pdf in bundle.pdfs.items():
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        organisation = name[len("Stimuleringsbrief - "):-len(".pdf")]
        assert organisation in text, name
        assert "Met vriendelijke groet," in text


def test_a_pdf_that_fails_is_named_and_the_others_kept(example_data, monkeypatch):
    from docassemble.psobrief import bulk

    bundle = render_bundle(many(example_data, 3), pdf=False)
    letters = dict(bundle.letters)
    letters["Kapot.docx"] = b"PK\x03\x04 geen echt document"
    pdfs, missing = bulk.convert_to_pdf(letters)
    assert missing == ["Kapot.pdf"]
    assert sorted(pdfs) == [f"Stimuleringsbrief - Leverancier {n:02d}.pdf" for n in range(3)]
