"""Hostile text: what outsiders typed into every field, by class.

Each string is what a person (or an attacker) might paste into a text field. The
expected outcome is the same for every one of them: the letter shows it literally,
or the screen refuses it with a Dutch message; never an error page.
"""

from __future__ import annotations

import re

MARKUP = [
    "<onbekend>",
    "<b>vet</b> & Co",
    'Bureau "De Zon" & Co <B.V.>',
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</textarea><b>weg</b>",
    "<!-- commentaar -->",
    "]]><![CDATA[x]]>",
    "</w:t></w:r><w:r><w:t>x",
]
ENTITIES = ["&amp;", "&lt;b&gt;", "&#60;script&#62;", "&nbsp;", "R&D B.V.", "Tom &copy Jerry"]
BACKSLASHES = ["C:\\Users\\inkoop", "a\\nb", "\\", "\\\\server\\share"]
TEMPLATES = [
    "{{ 7*7 }}",
    "{% if True %}ja{% endif %}",
    "${ 7*7 }",
    "<%text>x</%text>",
    "% endif",
    "{{p x }}",
    "{%p if x %}",
    "[FILE logo.png]",
    "[BR]",
    "**vet** _schuin_",
    "# Kop",
    "| a | b |",
    "[link](http://example.com)",
    "{0} %s %(x)s",
]
QUOTES = ["O'Brien & Zn.", '"aanhalingstekens"', "‘slim’ “slim”", "`code`"]
CONTROL = ["a\x01b", "a\x08b", "x\x0by", "x\x1fy", "\x0eBegin", "Eind\x7f"]
INVISIBLE = [
    "zero\u200bwidth",
    "\u202eRTL-override\u202c",
    "\u200fمرحبا",
    "\ufeffBOM",
    "שלום עולם",
    "Σωκράτης",
]
EMOJI = ["😀 Bakkerij", "👨‍👩‍👧 Familiebedrijf", "🇳🇱 Holland", "Café ☕"]
COMBINING = ["e\u0301e\u0301n", "Zoë Ångström", "Ĳsselmeer", "Straße İstanbul"]
SIZES = ["x" * 201, "m" * 500, "y" * 501, "z" * 10_000, "     "]
FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-1+1", "@SUM(A1)", "=cmd|' /C calc'!A0", "\t=1+1"]
OTHER = ["None", "null", "0", "2026-11-25", "' OR 1=1 --", "../../etc/passwd"]

HOSTILE = (MARKUP + ENTITIES + BACKSLASHES + TEMPLATES + QUOTES + CONTROL + INVISIBLE + EMOJI + COMBINING
           + SIZES + FORMULAS + OTHER)

_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff]")


def expected(text: str) -> str:
    """What a letter should show for ``text`` typed in a one-line field.

    Written independently of the package: characters a document cannot hold are left
    out and white space is folded; nothing else changes.
    """
    return " ".join(_INVISIBLE.sub("", text).split())
