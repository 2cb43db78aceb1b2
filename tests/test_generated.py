"""What the registry of kinds decides is written by one generator, never kept by hand: the
schemas' section names, id patterns and records, each listing's schema, export's sections
and the content spec's table of files (src/binatsec/devtools/generate.py says which)."""

from __future__ import annotations

import json

import pytest

from binatsec.devtools import generate
from conftest import ROOT

pytestmark = pytest.mark.usefixtures("checkout_generator")


def test_the_generated_parts_are_what_the_registry_says() -> None:
    stale = generate.stale()
    assert stale == [], (f"{', '.join(stale)}: the generated parts differ from the registry "
                         f"of kinds; run `{generate.COMMAND}` and review the diff")


def test_the_generator_leaves_hand_written_schemas_alone() -> None:
    """Only common, export and the listings' schemas are generated; the rest (stats, quiz,
    search, lint, ...) are written by hand and stay byte for byte as stored."""
    generated = set(generate.generated_schemas())
    assert {"common", "export"} <= generated
    assert {"stats", "search", "lint", "overview"}.isdisjoint(generated)
    for name, document in generate.schema_documents().items():
        if name not in generated:
            stored = (ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
            assert json.loads(stored) == document, name


def test_the_export_requires_no_section() -> None:
    """--section leaves the other kinds out, so none of export's keys is required."""
    export = json.loads((ROOT / "schemas" / "export.schema.json").read_text(encoding="utf-8"))
    assert "required" not in export
