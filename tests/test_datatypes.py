"""The ``psotext`` datatype: what docassemble draws back into a screen is what was typed."""

from __future__ import annotations

import html

import pytest
from docassemble.base.functions import custom_types

from docassemble.psobrief.datatypes import PsoText, drawn
from test_templates import HOSTILE


def test_registered_as_a_docassemble_datatype():
    assert custom_types["psotext"]["class"] is PsoText
    assert custom_types["psotext"]["input_type"] == "text"
    assert custom_types["psotext"]["skip_if_empty"] is False


@pytest.mark.parametrize("typed", HOSTILE + ["Tom &copy Jerry", "&lt;b&gt;", "</textarea><b>weg</b>", 'a "b" c'])
def test_a_browser_reads_the_drawn_value_as_typed(typed):
    shown = PsoText.call_default_for(typed, "sender.name", {})
    assert html.unescape(shown) == typed  # what the browser's HTML parser makes of it
    assert "<" not in shown and '"' not in shown  # cannot end a text area or a value="..."
    assert "&" not in shown.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").replace("&quot;", "") \
        .replace("&#x27;", "")


def test_nothing_is_drawn_for_none():
    assert drawn(None) == ""
    assert PsoText.transform("Tom &copy Jerry") == "Tom &copy Jerry"  # stored as typed
