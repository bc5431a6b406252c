"""The bulk bundle: letters, combined print file, overview spreadsheet, ZIP, PDFs."""

import copy
import io
import subprocess
import zipfile

import openpyxl
import pikepdf
from conftest import EXAMPLE, ROOT, docx_text

from docassemble.psobrief.answers import parse_answers
from docassemble.psobrief.bulk import (
    COMBINED_FILENAME,
    OVERVIEW_FILENAME,
    combine_docx,
    convert_to_pdf,
    letter_pdfs,
    pdf_says_what_docx_says,
    render_bundle,
    split_print_pdf,
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
    assert rows[0] == ("Organisatie", "T.a.v.", "Straat en huisnummer", "Postcode", "Plaats", "Land", "Aanhef", "Bestand",
                       "E-mail")
    assert rows[1] == ("Leverancier 00", "de heer J. van den Berg", "Kerkstraat 1", "1234 AB", "Amsterdam", None,
                       "Geachte heer Van den Berg,", "Stimuleringsbrief - Leverancier 00.docx", None)
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


def test_one_recipient_gets_the_same_bundle_as_a_list(example_data):
    """One production path: a single recipient's job has the list's shape, annex PDF included."""
    example_data["recipients"] = example_data["recipients"][:1]
    bundle = render_bundle(parse_answers(example_data, base_dir=BASE), pdf=True)
    name = "Stimuleringsbrief - Schoonmaakbedrijf Het Glanzende Pand"
    assert bundle.items == [{"organisation": "Schoonmaakbedrijf Het Glanzende Pand",
                             "salutation": "Geachte heer Van den Berg,", "docx": name + ".docx", "pdf": name + ".pdf"}]
    assert bundle.pdf_missing == [] and bundle.pdf_error == ""
    letter = " ".join(_pdf_text(bundle.pdfs[name + ".pdf"]).split())
    assert "Geachte heer Van den Berg," in letter and "Bijlage 1. Socialer inkoopbeleid" in letter  # annex behind it
    annex = " ".join(_pdf_text(bundle.annex_pdf).split())
    assert annex.startswith("Bijlage 1. Socialer inkoopbeleid") or "Bijlage 1. Socialer inkoopbeleid" in annex
    assert "Geachte heer" not in annex
    assert list(bundle.documents()) == [name + ".docx", "Bijlage - Socialer inkoopbeleid met de PSO-prestatieladder.docx",
                                        name + ".pdf", "Bijlage - Socialer inkoopbeleid met de PSO-prestatieladder.pdf"]
    names = zipfile.ZipFile(io.BytesIO(bundle.zip_bytes())).namelist()
    assert "Bijlage - Socialer inkoopbeleid met de PSO-prestatieladder.pdf" in names


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


OVERVIEW_HEADERS = ["Organisatie", "T.a.v.", "Straat en huisnummer", "Postcode", "Plaats", "Land", "Aanhef", "Bestand",
                    "E-mail"]
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
    assert [[cell.value for cell in row] for row in rows] == [[payload] * len(OVERVIEW_HEADERS) for payload in PAYLOADS]
    risky = ("=", "+", "-", "@", "\t", "\r")
    assert [cell.coordinate for cell in cells if cell.quotePrefix != cell.value.startswith(risky)] == []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                tags = {element.tag.rpartition("}")[2] for element in ElementTree.fromstring(archive.read(name)).iter()}
                assert "f" not in tags, name


def _pdf_text(pdf):
    return subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _page_texts(pdf):
    return _pdf_text(pdf).split("\f")[:-1]


def _tagged(pdf):
    """Is ``pdf`` a tagged PDF in Dutch (as LibreOffice makes it for one letter)?"""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return (bool(document.Root.get("/MarkInfo", {}).get("/Marked", False)) and "/StructTreeRoot" in document.Root
                and str(document.Root.get("/Lang", "")) == "nl-NL")


def _organisation_lines(text):
    return [line for line in text.splitlines() if line.startswith("Leverancier ")]


def test_1000_letters_get_1000_pdfs_each_with_its_own_recipient(example_data):
    """1,000 letters: the print file converted in 20 parts, joined (2,000 pages) and cut per
    letter: every PDF is made, tagged, and says exactly its own letter, nothing else."""
    bundle = render_bundle(many(example_data, 1000), pdf=True)
    assert bundle.pdf_error == "" and bundle.pdf_missing == []
    assert len(bundle.pdfs) == 1000
    assert list(bundle.pdfs) == [name[: -len(".docx")] + ".pdf" for name in bundle.letters]
    with pikepdf.open(io.BytesIO(bundle.combined_pdf)) as combined:
        assert len(combined.pages) == 2000
    assert _tagged(bundle.combined_pdf)
    for docx, (name, pdf) in zip(bundle.letters.values(), bundle.pdfs.items()):
        text = _pdf_text(pdf)
        organisation = name[len("Stimuleringsbrief - "):-len(".pdf")]
        assert _organisation_lines(text) == [organisation], name  # 'Leverancier 10' is not 'Leverancier 100'
        assert text.count("Met vriendelijke groet,") == 1 and text.count("\f") == 2
        assert pdf_says_what_docx_says(pdf, docx), name
        assert _tagged(pdf), name


def _titles(items):
    """The bookmarks as (title, [children])."""
    return [(item.title, _titles(item.children)) for item in items]


def _flat(titles):
    """The bookmark titles in order, whatever their level."""
    found = []
    for title, children in titles:
        found += [title, *_flat(children)]
    return found


def _long(recipient, number):
    """A recipient whose address block is so long that the letter takes a page more."""
    return {**copy.deepcopy(recipient), "organisation": f"Leverancier {number:02d} " + "Coöperatieve Vereniging " * 7,
            "street": "Burgemeester van der Straatlaan " * 6, "city": "Sint-Michielsgestel " * 5}


def test_letters_of_different_lengths_each_get_exactly_their_own_pages(example_data):
    """Letters of two and three pages in one list: each letter's PDF cut from the print file
    has exactly the pages that converting that letter on its own gives, tagged the same way."""
    from test_document_accessibility import _structure

    people = example_data["recipients"]
    example_data["recipients"] = [
        {**copy.deepcopy(people[0]), "organisation": "Leverancier 00"}, _long(people[1], 1), _long(people[2], 2),
        {**copy.deepcopy(people[1]), "organisation": "Leverancier 03"}, _long(people[0], 4),
        {**copy.deepcopy(people[2]), "organisation": "Leverancier 05"}]
    bundle = render_bundle(parse_answers(example_data, base_dir=BASE), pdf=True)
    assert bundle.pdf_missing == [] and len(bundle.pdfs) == 6
    # every letter was found in the print file's PDF: none needed a conversion of its own
    assert split_print_pdf(bundle.letters, bundle.combined_pdf)[1] == []
    alone, missing = convert_to_pdf(bundle.letters)  # the way each letter used to be made
    assert missing == []
    counts = []
    for docx_name, docx in bundle.letters.items():
        name = docx_name[: -len(".docx")] + ".pdf"
        cut, own = bundle.pdfs[name], alone[name]
        assert _page_texts(cut) == _page_texts(own), name
        counts.append(len(_page_texts(cut)))
        assert pdf_says_what_docx_says(cut, docx)
        with pikepdf.open(io.BytesIO(cut)) as cut_pdf, pikepdf.open(io.BytesIO(own)) as own_pdf:
            assert cut_pdf.check_pdf_syntax() == [], name  # qpdf finds nothing wrong
            assert _structure(cut_pdf) == _structure(own_pdf), name
            with cut_pdf.open_outline() as cut_outline, own_pdf.open_outline() as own_outline:
                assert _titles(cut_outline.root) == _titles(own_outline.root), name
        assert _tagged(cut)
    assert counts[:2] == [2, 3] and set(counts) == {2, 3}  # the long address adds a page
    assert len(_page_texts(bundle.combined_pdf)) == sum(counts)


def test_a_wrong_page_is_refused_and_the_letter_converted_on_its_own(example_data):
    """The check compares a PDF with its own DOCX: another letter's pages, a page too few or
    one too many are refused; a print file in which one letter's pages were replaced by the
    next letter's gives that letter a conversion of its own, never the other's pages."""
    bundle = render_bundle(many(example_data, 3), pdf=False)
    names, docx = list(bundle.letters), list(bundle.letters.values())
    print_pdf = convert_to_pdf({COMBINED_FILENAME: bundle.combined})[0][COMBINED_FILENAME[: -len(".docx")] + ".pdf"]
    cut, not_found = split_print_pdf(bundle.letters, print_pdf)
    assert not_found == [] and len(cut) == 3
    first, second, third = cut.values()
    assert pdf_says_what_docx_says(second, docx[1])
    assert not pdf_says_what_docx_says(third, docx[1])  # the next letter: other recipient and salutation
    assert not pdf_says_what_docx_says(first, docx[1])

    def pages(pdf, numbers):
        with pikepdf.open(io.BytesIO(pdf)) as source:
            target = pikepdf.new()
            for number in numbers:
                target.pages.append(source.pages[number])
            out = io.BytesIO()
            target.save(out)
            return out.getvalue()

    assert not pdf_says_what_docx_says(pages(second, [0]), docx[1])  # a page too few
    assert not pdf_says_what_docx_says(pages(print_pdf, [2, 3, 4]), docx[1])  # a page too many
    tampered = pages(print_pdf, [0, 1, 4, 5, 4, 5])  # letter 2's pages in the place of letter 1's
    pdfs, alone, missing = letter_pdfs([(bundle.letters, tampered)])
    assert alone == [names[1]] and missing == []
    assert list(pdfs) == [name[: -len(".docx")] + ".pdf" for name in names]
    for name, content, pdf in zip(names, docx, pdfs.values()):
        assert pdf_says_what_docx_says(pdf, content), name
        assert _organisation_lines(_pdf_text(pdf)) == [name[len("Stimuleringsbrief - "):-len(".docx")]]


def test_text_the_pdf_does_not_give_back_gets_a_conversion_of_its_own(example_data):
    """Right-to-left text comes out of a PDF in another order, so those letters' pages are
    not found: they are converted on their own. Emoji, zero-width and combining characters
    are found as they are. Every letter gets its PDF."""
    people = example_data["recipients"]
    names = ["Jansen & Zn. <B.V.>", "שלום עולם", "\u202eRTL-override\u202c", "👨‍👩‍👧 Familiebedrijf",
             "e\u0301e\u0301n", "zero\u200bwidth"]
    example_data["recipients"] = [{**copy.deepcopy(people[n % 3]), "organisation": f"Leverancier {n:02d} {name}"}
                                  for n, name in enumerate(names)]
    bundle = render_bundle(parse_answers(example_data, base_dir=BASE), pdf=True)
    assert bundle.pdf_missing == [] and len(bundle.pdfs) == 6
    not_found = split_print_pdf(bundle.letters, bundle.combined_pdf)[1]
    assert [name[len("Stimuleringsbrief - Leverancier "):][:2] for name in not_found] == ["01", "02"]
    for n, pdf in enumerate(bundle.pdfs.values()):
        assert [line[:len("Leverancier 00")] for line in _organisation_lines(_pdf_text(pdf))] == [f"Leverancier {n:02d}"]


def test_without_pdftotext_every_letter_is_converted_on_its_own(example_data, monkeypatch):
    """A server without poppler: the letters are converted one by one (the pages would take
    pdfminer.six longer to read), and the check reads a PDF with pdfminer.six."""
    import shutil

    which = shutil.which
    monkeypatch.setattr("shutil.which", lambda name: None if name == "pdftotext" else which(name))
    bundle = render_bundle(many(example_data, 3), pdf=True)
    assert bundle.pdf_missing == [] and len(bundle.pdfs) == 3 and bundle.combined_pdf.startswith(b"%PDF")
    for docx, pdf in zip(bundle.letters.values(), bundle.pdfs.values()):
        assert pdf_says_what_docx_says(pdf, docx) and _tagged(pdf)
    assert not pdf_says_what_docx_says(bundle.pdfs["Stimuleringsbrief - Leverancier 01.pdf"],
                                       bundle.letters["Stimuleringsbrief - Leverancier 02.docx"])


def test_a_long_list_is_converted_in_parts_and_joined_again(example_data, monkeypatch):
    """Parts of two letters: the print file's PDF is still one tagged PDF with every page,
    and every letter is cut from its part."""
    from test_document_accessibility import _structure

    from docassemble.psobrief import bulk

    monkeypatch.setattr(bulk, "PRINT_PART", 2)
    bundle = render_bundle(many(example_data, 5), pdf=True)
    assert bundle.pdf_missing == [] and len(bundle.pdfs) == 5
    pages = _page_texts(bundle.combined_pdf)
    assert len(pages) == 10 and _tagged(bundle.combined_pdf)
    assert [_organisation_lines(page) for page in pages[::2]] == [[f"Leverancier {n:02d}"] for n in range(5)]
    one_run = convert_to_pdf({COMBINED_FILENAME: bundle.combined})[0][COMBINED_FILENAME[: -len(".docx")] + ".pdf"]
    assert _page_texts(one_run) == pages
    with pikepdf.open(io.BytesIO(bundle.combined_pdf)) as joined, pikepdf.open(io.BytesIO(one_run)) as whole:
        assert _structure(joined) == _structure(whole)  # the same tags as one conversion of the whole file
        with joined.open_outline() as joined_outline, whole.open_outline() as whole_outline:
            assert _flat(_titles(joined_outline.root)) == _flat(_titles(whole_outline.root))
            assert _flat(_titles(joined_outline.root)).count("Ons beroep aan u!") == 5
    for docx, pdf in zip(bundle.letters.values(), bundle.pdfs.values()):
        assert pdf_says_what_docx_says(pdf, docx) and _tagged(pdf)


def test_a_pdf_that_fails_is_named_and_the_others_kept(example_data, monkeypatch):
    from docassemble.psobrief import bulk

    bundle = render_bundle(many(example_data, 3), pdf=False)
    letters = dict(bundle.letters)
    letters["Kapot.docx"] = b"PK\x03\x04 geen echt document"
    pdfs, missing = bulk.convert_to_pdf(letters)
    assert missing == ["Kapot.pdf"]
    assert sorted(pdfs) == [f"Stimuleringsbrief - Leverancier {n:02d}.pdf" for n in range(3)]


def test_a_job_made_in_parts_is_the_job_made_at_once(example_data, monkeypatch):
    """Parts of 2 letters (three parts for five letters, as the celery workers make them, each
    written to a file and read back): the same letters, names, salutations, PDFs and print
    file as in one go, the annex made once, and every file name unique over the parts."""
    from docassemble.psobrief import bulk

    answers = many(example_data, 5)
    answers.recipients[3].organisation = answers.recipients[1].organisation  # the same name in another part
    whole = render_bundle(answers, pdf=True)
    monkeypatch.setattr(bulk, "PART_LETTERS", 2)
    items = bulk.plan_letters(answers)
    assert [item["docx"] for item in items][1::2] == ["Stimuleringsbrief - Leverancier 01.docx",
                                                      "Stimuleringsbrief - Leverancier 01 2.docx"]
    parts = []
    for number, start in enumerate(range(0, 5, 2)):
        made = bulk.render_part(answers, items[start:start + 2], pdf=True, annex=number == 0, unoserver=False)
        stored = io.BytesIO()
        made.write(stored)
        parts.append(bulk.Part.read(io.BytesIO(stored.getvalue())))
        assert parts[-1] == made
    assert [part.annex is not None for part in parts] == [True, False, False]
    joined = bulk.finish_bundle(items, parts)
    assert joined.items == whole.items and list(joined.letters) == list(whole.letters)
    assert [docx_text(letter) for letter in joined.letters.values()] == [docx_text(letter) for letter in whole.letters.values()]
    assert docx_text(joined.annex) == docx_text(whole.annex) and joined.annex_pdf.startswith(b"%PDF")
    assert joined.pdf_missing == [] and list(joined.pdfs) == list(whole.pdfs)
    for (name, docx), pdf in zip(joined.letters.items(), joined.pdfs.values()):
        assert pdf_says_what_docx_says(pdf, docx), name
    assert _page_texts(joined.combined_pdf) == _page_texts(whole.combined_pdf)
    assert docx_text(joined.combined) == docx_text(whole.combined)
    rows = list(openpyxl.load_workbook(io.BytesIO(joined.overview)).active.iter_rows(values_only=True))
    assert [row[7] for row in rows[1:]] == list(joined.letters)


def test_a_long_lists_print_pdf_is_joined_in_a_process_of_its_own_and_here_when_that_fails(
        example_data, monkeypatch, caplog):
    """From JOIN_APART sections on, the print PDF is joined by another Python process while
    this one writes the print DOCX, overview and ZIP (here joining in this process would
    fail). When that process is killed (out of memory), the print PDF is named missing and
    not joined here; when it fails otherwise, this one joins it after all, the same PDF."""
    from docassemble.psobrief import bulk

    answers = many(example_data, 3)
    items = bulk.plan_letters(answers)
    parts = [bulk.render_part(answers, items[number:number + 1], pdf=True, annex=number == 0, unoserver=False)
             for number in range(3)]
    expected = [text for part in parts for text in _page_texts(part.print_pdfs[0])]
    monkeypatch.setattr(bulk, "JOIN_APART", 3)
    join = bulk.join_pdfs

    def not_here(pdfs):
        raise AssertionError("joined in the worker's own process")

    monkeypatch.setattr(bulk, "join_pdfs", not_here)
    apart = bulk.finish_bundle(items, parts)
    assert apart.pdf_missing == [] and _page_texts(apart.combined_pdf) == expected and _tagged(apart.combined_pdf)
    assert "Alle brieven om te printen.pdf" in zipfile.ZipFile(io.BytesIO(apart.zip)).namelist()
    monkeypatch.setattr(bulk, "_JOIN_CHILD", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    killed = bulk.finish_bundle(items, parts)  # as by the out-of-memory killer: not tried here
    assert killed.combined_pdf is None and killed.pdf_missing == ["Alle brieven om te printen.pdf"]
    assert len(killed.pdfs) == 3 and "Alle brieven om te printen.pdf" not in zipfile.ZipFile(
        io.BytesIO(killed.zip)).namelist()
    monkeypatch.setattr(bulk, "join_pdfs", join)
    monkeypatch.setattr(bulk, "_JOIN_CHILD", "import sys; sys.exit(7)")
    here = bulk.finish_bundle(items, parts)
    assert here.pdf_missing == [] and _page_texts(here.combined_pdf) == expected
    assert "joining the print PDF apart failed (7)" in caplog.text


def test_the_join_process_is_first_for_the_out_of_memory_killer(tmp_path):
    """The process that joins a long list's print PDF (several hundred MB at 1,000 letters)
    asks the kernel to be killed first when memory runs out, so a worker is not; with no
    sections it joins nothing and says so (3)."""
    import sys

    done = subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; from docassemble.psobrief.bulk import _join_main; "
         "code = _join_main(Path(sys.argv[1]), []); print(code, open('/proc/self/oom_score_adj').read().strip())",
         str(tmp_path / "print.pdf")], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert done.stdout.split() == ["3", "1000"]
    assert not (tmp_path / "print.pdf").exists()


def test_a_part_without_its_print_pdf_names_the_print_file_missing(example_data):
    """A part whose print section could not be converted: its letters are converted on their
    own and the print file's PDF is named missing (never a print file with pages left out)."""
    from docassemble.psobrief import bulk

    answers = many(example_data, 2)
    items = bulk.plan_letters(answers)
    good = bulk.render_part(answers, items[:1], pdf=True, annex=True)
    bad = bulk.render_part(answers, items[1:], pdf=True)
    bad.print_pdfs = [None]
    joined = bulk.finish_bundle(items, [good, bad])
    assert joined.combined_pdf is None and joined.pdf_missing == ["Alle brieven om te printen.pdf"]
    assert len(joined.pdfs) == 2


def test_a_section_libreoffice_reached_before_it_was_written_is_converted_again(example_data, monkeypatch):
    """LibreOffice starts as soon as the first section is rendered and is given every
    section's file name; a section still being rendered when LibreOffice reaches it (here the
    third of four, held back 8 s) gets no PDF in that run and is converted afterwards, as is
    any section after it that LibreOffice passed meanwhile: every
    letter still gets its own PDF, checked against its text, and nothing is missing."""
    import time

    from docassemble.psobrief import bulk

    monkeypatch.setattr(bulk, "PRINT_PART", 2)
    combine = bulk.combine_docx
    calls = []

    def slow_third(documents):
        calls.append(len(documents))
        if len(calls) == 3:
            time.sleep(8)
        return combine(documents)

    monkeypatch.setattr(bulk, "combine_docx", slow_third)
    reruns = []
    convert = bulk.convert_to_pdf

    def counted(documents, *args, **kwargs):
        reruns.append(sorted(documents))
        return convert(documents, *args, **kwargs)

    monkeypatch.setattr(bulk, "convert_to_pdf", counted)
    answers = many(example_data, 8)
    part = bulk.render_part(answers, bulk.plan_letters(answers), pdf=True, annex=True, unoserver=False)
    assert part.pdf_missing == [] and len(part.pdfs) == 8 and part.annex_pdf
    # the late section (and the one after it, which LibreOffice also passed while it waited),
    # converted again after the run; the first two were not
    assert reruns == [["deel 002.docx", "deel 003.docx"]]
    for docx, pdf in zip(part.letters.values(), part.pdfs.values()):
        assert pdf_says_what_docx_says(pdf, docx)
