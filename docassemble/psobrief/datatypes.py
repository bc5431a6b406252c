"""The datatype of every text field: what a person typed comes back on the screen as typed.

docassemble's own ``raw`` datatype keeps the typed text (no HTML sanitiser, no backslashes
removed), but when a screen is drawn again (after a refusal, or after "Wijzigen" on the
review screen) docassemble writes the current value into the page without HTML escaping:
only ``"`` is escaped in ``value="..."``, and nothing at all inside a ``<textarea>``. The
browser then reads ``Tom &copy Jerry`` as "Tom © Jerry" and ``&lt;b&gt;`` as "<b>", and a
value holding ``</textarea>`` ends the text box and puts its own markup on the page (an
organisation profile shared with colleagues could carry it into their browsers). Pressing
"Doorgaan" would then save the changed text.

``psotext`` is ``raw`` with the value escaped where docassemble draws it
(:meth:`CustomDataType.default_for`). The value itself is stored exactly as typed; the
screen rules stay in ``validate:`` (:func:`.fields.check`).
"""

from __future__ import annotations

import html

from docassemble.base.util import CustomDataType

__all__ = ["PsoText", "drawn"]


def drawn(value: object) -> str:
    """``value`` as HTML text, so that the browser shows exactly ``value``."""
    return html.escape("" if value is None else str(value), quote=True)


class PsoText(CustomDataType):
    """Plain text, kept as typed; shown again as typed (see the module's explanation)."""

    name = "psotext"
    input_type = "text"
    skip_if_empty = False  # like ``raw``: an emptied optional field becomes None, not "left as it was"

    @classmethod
    def default_for(cls, item):
        return drawn(item)
