"""The facts that change, read from ``data/sources/*.yml`` in one place."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "DATA_DIR",
    "TEMPLATE_DIR",
    "LETTER_TEMPLATE",
    "load_source",
    "ladder_levels",
    "ladder_level",
    "pso30_name",
    "subject_lines",
    "measures",
    "unknown_salutations",
    "wording",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
TEMPLATE_DIR = DATA_DIR / "templates"
#: The one DOCX template: letter and annex (each can be left out).
LETTER_TEMPLATE = "stimuleringsbrief.docx"


@lru_cache(maxsize=32)
def _parse(path: str, modified: int) -> Any:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_source(name: str) -> Any:
    """Parsed contents of ``data/sources/<name>.yml``, read again only when the file changed."""
    path = DATA_DIR / "sources" / f"{name}.yml"
    return _parse(str(path), path.stat().st_mtime_ns)


def ladder_levels() -> list[dict]:
    """The PSO ladder, lowest level first: dicts with ``id``, ``name``, ``certified``."""
    return load_source("pso_ladder")["levels"]


def ladder_level(level: str) -> dict:
    """The ladder entry for an id ("trede_2") or a name ("PSO-Trede 2"), case-insensitive.

    Raises ``ValueError`` with a Dutch message listing the valid levels.
    """
    wanted = " ".join(str(level or "").split()).lower()
    for entry in ladder_levels():
        if wanted in (entry["id"].lower(), entry["name"].lower()):
            return entry
    names = ", ".join(entry["name"] for entry in ladder_levels())
    raise ValueError(f"Onbekende PSO-Trede '{level}'. Kies uit: {names}.")


def pso30_name() -> str:
    """The name of the separate PSO 30+ certificate."""
    return load_source("pso_ladder")["pso30"]["name"]


def subject_lines() -> list[str]:
    """The subject lines the original template offers."""
    return list(load_source("subjects")["subjects"])


def measures() -> list[dict]:
    """The standard procurement measures: dicts with ``id`` and ``text``."""
    return load_source("measures")["measures"]


def unknown_salutations() -> list[str]:
    """Salutations to choose from when no contact person is known; the first is the default."""
    return list(load_source("salutations")["unknown_person"])


def wording() -> dict:
    """The sentences that depend on the answers (see ``wording.yml``)."""
    return load_source("wording")
