"""A new kind of content takes its TOML file, its record type, a registry entry and a schema.

The glossary below exists only here. Declared once, it must show up everywhere a kind
does: the overview, search, every export format, lint, shell completion and its own
command with --json, without a line of binatsec changed. Also: the schemas' lists of
sections agree with the registry.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from binatsec.cli.commands import complete_ids
from binatsec.corpus import kinds, resources, spec
from binatsec.corpus.kinds import Kind
from binatsec.corpus.records import Text
from conftest import ROOT, Run

FIXTURE = ROOT / "tests" / "fixtures" / "extra_kind"


class GlossaryTerm(NamedTuple):
    id: str
    term: Text
    definition: Text
    related: tuple[str, ...] = ()


GLOSSARY = Kind(
    "glossary", "glossary", "term", "term", GlossaryTerm,
    (spec.Field("id", spec.record_id), spec.Field("term", spec.text),
     spec.Field("definition", spec.text),
     spec.Field("related", spec.ids, required=False, link="any")),
    title="Glossary", summary="the terms the reference uses", headline="term",
    body=(("", "definition"),), export_rank=95)


@pytest.fixture
def glossary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The bundled content plus glossary.toml, with the glossary kind registered."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    shutil.copy(FIXTURE / "glossary.toml", content / "glossary.toml")
    monkeypatch.setattr(resources, "bundled_content", lambda: content)
    with kinds.registered(GLOSSARY):
        yield content


def test_the_overview_counts_the_new_kind(glossary: Path, cli: Callable[..., Run]) -> None:
    sections = {s["name"]: s for s in cli("--json").json()["sections"]}
    assert sections["glossary"]["count"] == 2
    assert sections["glossary"]["command"] == "binatsec glossary"
    assert "glossary" in cli().stdout


def test_its_own_command_prints_text_and_json(glossary: Path, cli: Callable[..., Run]) -> None:
    text = cli("glossary")
    assert text.exit_code == 0
    assert "Interdiction" in text.stdout and "term.interdiction" in text.stdout
    document = cli("glossary", "--json").json()
    schemas = {path.name: json.loads(path.read_text(encoding="utf-8"))
               for path in [*(ROOT / "schemas").glob("common.schema.json"),
                            FIXTURE / "glossary.schema.json"]}
    registry: Registry = Registry().with_resources(  # type: ignore[type-arg]
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
        for schema in schemas.values())
    validator = Draft202012Validator(schemas["glossary.schema.json"], registry=registry)
    assert [error.message for error in validator.iter_errors(document)] == []
    assert [item["id"] for item in document["items"]] == ["term.bilateral", "term.interdiction"]
    assert "--json" in cli("glossary", "--help").stdout


def test_search_finds_it(glossary: Path, cli: Callable[..., Run]) -> None:
    hits = cli("search", "contraband", "--json").json()["hits"]
    assert [(hit["section"], hit["id"]) for hit in hits] == [("glossary", "term.interdiction")]
    assert cli("search", "bilateral", "--section", "glossary").exit_code == 0


def test_every_export_format_carries_it(glossary: Path, cli: Callable[..., Run]) -> None:
    exported = cli("export", "--format", "json").json()
    assert [term["id"] for term in exported["glossary"]] == ["term.bilateral", "term.interdiction"]
    markdown = cli("export", "--format", "markdown").stdout
    assert "## Glossary" in markdown and "### Interdiction" in markdown
    assert "`term.interdiction`" in markdown
    table = cli("export", "--format", "csv", "--section", "glossary").stdout.splitlines()
    assert table[0] == "id,term,definition,related"
    assert table[1].startswith("term.bilateral,Bilateral,")


def test_lint_checks_it_by_the_same_rules(glossary: Path, cli: Callable[..., Run],
                                          tmp_path: Path) -> None:
    assert cli("lint").exit_code == 0
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "glossary.toml").write_text(
        '[[term]]\nid = "term.broken"\nterm.en = "Broken"\nrelated = ["faq.nowhere"]\n',
        encoding="utf-8")
    report = cli("lint", str(mine), "--json").json()
    assert sorted((p["rule"], p["key"]) for p in report["problems"]) == [
        ("BC004", "definition")]
    (mine / "glossary.toml").write_text(
        '[[term]]\nid = "term.linked"\nterm.en = "Linked"\ndefinition.en = "D."\n'
        'related = ["faq.nowhere"]\n', encoding="utf-8")
    report = cli("lint", str(mine), "--json").json()
    assert [(p["rule"], p["record_id"], p["line"]) for p in report["problems"]] == [
        ("BC009", "term.linked", 5)]


def test_completion_offers_its_ids(glossary: Path) -> None:
    assert list(complete_ids("glossary")(incomplete="inter")) == ["interdiction"]


# --- the schemas agree with the registry ---------------------------------------------------


def _schema(name: str) -> dict:  # type: ignore[type-arg]
    return json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))


def test_the_schemas_section_lists_agree_with_the_registry() -> None:
    sections = [kind.name for kind in kinds.sections()]
    assert _schema("common")["$defs"]["section_name"]["enum"] == sections
    export = _schema("export")
    assert export["required"] == [kind.name for kind in kinds.all_kinds()]
    assert list(export["properties"]) == ["command", *export["required"]]
    for name in sections:
        assert (ROOT / "schemas" / f"{name}.schema.json").is_file(), name
