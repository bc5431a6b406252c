"""Dutch on every screen, and accessible: every screen of the interview, including
validation errors, the review and list-editing screens, the downloads and the share block,
and the sign-in page a person can reach from the menu.

On each screen:
- no docassemble system phrase is visible in English (the phrases are docassemble's own
  list, tests/data/base-words-1.10.13.yml; nl-words.yml is the translation);
- axe-core (npm) reports no serious or critical WCAG 2.1 A/AA violation;
- every control is reachable with the keyboard and shows where the focus is;
- a screenshot at 1280 and at 375 pixels wide goes to artifacts/a11y/.
The per-screen counts are printed.
"""

from __future__ import annotations

import re

import playwright.sync_api as playwright
import yaml
from conftest import ROOT
from person import START, Person

AXE = ROOT / ".venv-tools" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def english_phrases() -> tuple[set[str], list[str]]:
    """(phrases matched whole, longer phrases matched inside text) that have a Dutch translation."""
    base = yaml.safe_load((ROOT / "tests" / "data" / "base-words-1.10.13.yml").read_text(encoding="utf-8"))
    dutch = yaml.safe_load((ROOT / "docassemble/psobrief/data/sources/nl-words.yml").read_text(encoding="utf-8"))["nl"]
    translated = [str(key).strip() for key in base if str(dutch[key]).strip() != str(key).strip() and str(key).strip()]
    whole = {phrase for phrase in translated if "%" not in phrase and "{" not in phrase}
    inside = [phrase for phrase in whole if len(phrase.split()) >= 3]
    return whole, inside


VISIBLE_TEXTS = """() => {
  const texts = [];
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
      && getComputedStyle(el).visibility !== 'hidden';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text && node.parentElement && visible(node.parentElement)
        && !['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(node.parentElement.tagName)) texts.push(text);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt], input[type=submit], input[type=button]')) {
    if (!visible(el) && !el.getAttribute('aria-label')) continue;
    for (const attr of ['aria-label', 'title', 'placeholder', 'alt', 'value']) {
      if (attr === 'value' && !['submit', 'button'].includes(el.type)) continue;
      const value = (el.getAttribute(attr) || '').trim();
      if (value) texts.push(value);
    }
  }
  return texts;
}"""

class Checker:
    def __init__(self, page, person):
        self.page, self.person = page, person
        self.whole, self.inside = english_phrases()
        self.rows = []

    def english(self) -> list[str]:
        found = set()
        for text in self.page.evaluate(VISIBLE_TEXTS):
            if text in self.whole:
                found.add(text)
            found.update(p for p in self.inside if p in text)
        return sorted(found)

    def axe(self) -> list[str]:
        self.page.add_script_tag(path=str(AXE))
        violations = self.page.evaluate(
            "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
            ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ') + ' (' + "
            "(n.failureSummary || '').split('\\n').slice(1).join(' ').trim().slice(0, 160) + ')')}))", WCAG)
        return [f"{v['impact']} {v['id']}: {', '.join(v['nodes'][:3])}" for v in violations
                if v["impact"] in ("serious", "critical")], len(violations)

    def keyboard(self) -> list[str]:
        """Tab through the page: every focused control must show a visible focus indicator."""
        page = self.page
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.locator("body").focus()
        problems, seen = [], []
        for _ in range(60):
            page.keyboard.press("Tab")
            info = page.evaluate("""() => { const el = document.activeElement; if (!el || el === document.body) return null;
                const s = getComputedStyle(el); const r = el.getBoundingClientRect();
                return {key: el.tagName + '#' + (el.id || '') + '.' + (el.name || '') + ':' + (el.innerText || el.value || '').slice(0, 30),
                        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                        shadow: s.boxShadow && s.boxShadow !== 'none', w: r.width, h: r.height}; }""")
            if info is None or (seen and info["key"] == seen[-1]):
                continue  # the body, or the next part of the same control (a date's day, month, year)
            if info["key"] in seen:
                break  # round the page once
            seen.append(info["key"])
            if info["w"] > 0 and not (info["outline"] or info["shadow"]):
                problems.append(f"no visible focus on {info['key']}")
        page.evaluate("document.activeElement && document.activeElement.blur()")
        # fast Tabbing can leave a help popover (trigger: focus) open: close it as Bootstrap would
        page.evaluate("""() => document.querySelectorAll('[data-bs-toggle=popover]').forEach(
            el => window.bootstrap && bootstrap.Popover.getOrCreateInstance(el).hide())""")
        page.locator(".popover").first.wait_for(state="detached", timeout=5000) if page.locator(".popover").count() else None
        if not any("da-continue-button" in key or key.startswith("BUTTON") or key.startswith("A#") for key in seen):
            problems.append(f"no button reachable with Tab (reached: {seen})")
        return problems

    def check(self, name):
        self.page.mouse.move(0, 0)  # no hover state, and let colour transitions finish
        self.page.wait_for_timeout(400)
        self.person.shot(name, widths=(1280, 375))
        english = self.english()
        serious, total = self.axe()
        keyboard = self.keyboard()
        self.rows.append((name, len(english), total, len(serious), len(keyboard), english + serious + keyboard))


def test_every_screen_dutch_and_accessible(server, browser, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL",
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    person = Person(page, artifacts / "a11y")
    check = Checker(page, person).check

    page.goto(server["url"] + START)
    person.heading("Stimuleringsbrief voor uw ketenpartners")
    check("intro")
    person.press("Beginnen")

    person.heading("Over uw organisatie")
    check("sender")
    person.press("Doorgaan")  # everything empty: required-field messages
    check("sender-required")
    person.fill("Naam van uw organisatie", "Café De Zon & Co")
    person.fill("Straat en huisnummer", "Markt 1")
    person.fill("Postcode", "0123 SS")
    person.fill("Plaats", "Utrecht")
    person.fill("KvK-nummer", "30123456")
    person.fill("E-mailadres voor kopieën van PSO-Certificaten", "geen-adres")
    person.leave_field()
    person.press("Doorgaan")
    check("sender-invalid")
    person.fill("E-mailadres voor kopieën van PSO-Certificaten", "inkoop@dezon.nl")
    person.leave_field()
    person.press("Doorgaan")
    check("sender-postcode")
    person.fill("Postcode", "3511 AB")
    person.leave_field()
    person.press("Doorgaan")

    person.heading("De PSO-status")
    person.press("Doorgaan")
    check("pso-required")
    person.choose("Aspirant-status")
    person.choose("Ja")
    person.press("Doorgaan")

    person.heading("Wie ondertekent de brief?")
    check("signatory")
    person.fill("Naam", "Sam Jansen")
    person.fill("Functie", "MVO-coördinator")
    person.press("Doorgaan")

    person.heading("Het onderwerp van de brief")
    person.choose("Een eigen onderwerp")
    check("subject-own")
    person.fill("Uw eigen onderwerp", "Samen socialer")
    person.press("Doorgaan")

    person.heading("Plaats, datum en kenmerk")
    assert re.fullmatch(r"\d{2}-\d{2}-\d{4}", page.get_by_label("Datum", exact=True).input_value())
    person.fill("Datum", "31-02-2026")
    person.leave_field()
    person.press("Doorgaan")
    playwright.expect(page.get_by_text("Deze datum bestaat niet of is niet goed geschreven. Schrijf de datum als dd-mm-jjjj")).to_be_visible()
    check("place-date-invalid")
    person.fill("Datum", "01-03-2027")
    person.leave_field()
    person.press("Doorgaan")

    person.heading("De bijlage over uw inkoopbeleid")
    for box in page.locator("input[type=checkbox]:checked").evaluate_all("boxes => boxes.map(b => b.id)"):
        page.locator(f"label[for='{box}']").click()  # untick every measure
    person.press("Doorgaan")
    playwright.expect(page.get_by_text("Kies ten minste één maatregel of vul een eigen maatregel in")).to_be_visible()
    check("annex-no-measures")
    person.fill("Eigen maatregelen (één per regel, optioneel)", "Wij kopen bij sociale ondernemingen")
    person.press("Doorgaan")

    person.heading("Hoe wilt u de ketenpartners invoeren?")
    person.choose("Eén voor één in deze vragenlijst")
    person.press("Doorgaan")

    person.heading("Aan wie stuurt u de brief?")
    person.fill("Naam van de organisatie", "Groen B.V.")
    person.fill("Straat en huisnummer", "Laan 2")
    person.fill("Postcode", "9711 LM")
    person.fill("Plaats", "Groningen")
    person.choose("Genderneutraal (voornaam of voorletters en achternaam)")
    person.fill("Achternaam", "Berg")
    person.press("Doorgaan")
    playwright.expect(page.get_by_text("Vul een voornaam of voorletters in")).to_be_visible()
    check("recipient-neutral-no-name")
    person.fill("Voornaam of voorletters", "Kim")
    person.press("Doorgaan")

    person.heading("Nog een ketenpartner?")
    check("another")
    person.press("Ja, nog een ketenpartner toevoegen")
    person.heading("Ketenpartner 2")
    person.fill("Naam van de organisatie", "Druk & Zo")
    person.fill("Straat en huisnummer", "Weg 3")
    person.fill("Postcode", "8011 AA")
    person.fill("Plaats", "Zwolle")
    person.choose("Geen contactpersoon bekend")
    check("recipient-unknown")
    person.press("Doorgaan")
    person.press("Nee, ga verder")

    person.heading("Controleer uw antwoorden")
    playwright.expect(page.get_by_text("Utrecht, 1 maart 2027")).to_be_visible()  # typed 01-03-2027
    check("review")
    # the recipients are edited in a table on the review screen itself
    playwright.expect(page.locator("table").filter(has_text="Aanhef").get_by_role("button", name="Verwijderen")) \
        .to_have_count(2)
    check("review-with-recipients-table")
    person.press("Documenten maken")

    person.heading("Uw documenten zijn klaar", timeout=120000)
    page.get_by_role("button", name="Link kopiëren").click()
    check("downloads-and-share")

    sign_in = context.new_page()
    person_sign_in = Person(sign_in, artifacts / "a11y")
    sign_in.goto(server["url"] + "/user/sign-in")
    checker = Checker(sign_in, person_sign_in)
    person_sign_in.count = person.count
    checker.check("sign-in")

    rows = check.__self__.rows + checker.rows
    print("\nscreen                        english  axe(all)  axe(serious+critical)  keyboard")
    for name, english, total, serious, keyboard, _ in rows:
        print(f"{name:30} {english:7} {total:9} {serious:22} {keyboard:9}")
    problems = {name: details for name, *_, details in rows if details}
    assert problems == {}

    # the checks can fail: an English docassemble page and a low-contrast text are caught
    sign_in.set_content('<main><h1>Titel</h1><button type="submit">Continue</button>'
                        '<p style="color:#bbb">Sign in or sign up to save answers</p></main>')
    assert checker.english() == ["Continue", "Sign in or sign up to save answers"]
    assert any("color-contrast" in problem for problem in checker.axe()[0])
    context.close()


def test_saved_answers_screens_dutch_and_accessible(server, browser, artifacts, tmp_path):
    """The start screen's choice, the upload of saved answers (also refused), the review after it."""
    import io
    import zipfile

    examples = ROOT / "docs" / "examples"
    good, broken = tmp_path / "antwoorden.zip", tmp_path / "kapot.zip"
    with zipfile.ZipFile(good, "w") as archive:
        for name in ("answers.yml", "logo.png", "handtekening.png"):
            archive.write(examples / name, name)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("answers.yml", "sender: [kapot")
    broken.write_bytes(out.getvalue())

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = context.new_page()
    person = Person(page, artifacts / "a11y-exchange")
    checker = Checker(page, person)
    page.goto(server["url"] + START)
    person.press("Opgeslagen antwoorden gebruiken")
    person.heading("Verder met opgeslagen antwoorden")
    checker.check("saved-answers-upload")
    page.locator("input[type=file]").first.set_input_files(str(broken))
    person.press("Doorgaan")
    playwright.expect(page.get_by_text("is geen geldig YAML- of JSON-bestand (regel 1")).to_be_visible()
    checker.check("saved-answers-error")
    page.locator("input[type=file]").first.set_input_files(str(good))
    person.press("Doorgaan")
    person.heading("Controleer uw antwoorden")
    checker.check("review-after-saved-answers")
    person.press("Documenten maken")
    person.heading("Uw documenten zijn klaar", timeout=120000)
    playwright.expect(page.get_by_role("link", name="Antwoorden opslaan (ZIP)")).to_be_visible()
    checker.check("downloads-with-saved-answers")

    print("\nscreen                        english  axe(all)  axe(serious+critical)  keyboard")
    for name, english, total, serious, keyboard, _ in checker.rows:
        print(f"{name:30} {english:7} {total:9} {serious:22} {keyboard:9}")
    assert {name: details for name, *_, details in checker.rows if details} == {}
    context.close()
