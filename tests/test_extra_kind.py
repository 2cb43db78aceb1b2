"""A new kind of content takes its TOML file, its record type, a registry entry and a run of
the generator (docs/architecture.md, "Add a kind of content"), and nothing else.

The glossary below exists only here, under a name no real kind will take. Declared once, it
must show up everywhere a kind does: the overview, search, every export format, lint, shell
completion and its own command with --json, valid against the schemas the generator makes
for it, without a line of binatsec changed. And the registry refuses a kind that clashes.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from binatsec.cli.commands import complete_ids
from binatsec.corpus import kinds, resources, spec
from binatsec.corpus.kinds import Kind
from binatsec.corpus.records import Text
from binatsec.devtools import generate
from conftest import ROOT, Run

FIXTURE = ROOT / "tests" / "fixtures" / "extra_kind"
NAME = "testonlyglossary"


class ExtraTerm(NamedTuple):
    id: str
    term: Text
    definition: Text
    related: tuple[str, ...] = ()


GLOSSARY = Kind(
    NAME, NAME, "testonlyterm", "testonlyterm", ExtraTerm,
    (spec.Field("id", spec.record_id), spec.Field("term", spec.text),
     spec.Field("definition", spec.text),
     spec.Field("related", spec.ids, required=False, link="any")),
    title="Glossary", summary="the terms the reference uses", headline="term",
    description="a term and what it means", noun="term",
    body=(("", "definition"),), export_rank=95)


@pytest.fixture
def glossary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The bundled content plus the glossary's file, with its kind registered."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    shutil.copy(FIXTURE / f"{NAME}.toml", content / f"{NAME}.toml")
    monkeypatch.setattr(resources, "bundled_content", lambda: content)
    with kinds.registered(GLOSSARY):
        yield content


@pytest.fixture
def validate(glossary: Path) -> Callable[[str, dict[str, Any]], list[str]]:
    """Errors of a document against the schemas as the generator makes them with the
    glossary registered (its command's, and common's and export's with it)."""
    schemas = generate.schema_documents(ROOT / "schemas")  # this checkout's, installed or not
    registry: Registry = Registry().with_resources(  # type: ignore[type-arg]
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
        for schema in schemas.values())

    def errors(name: str, document: dict[str, Any]) -> list[str]:
        validator = Draft202012Validator(schemas[name], registry=registry)
        return [error.message for error in validator.iter_errors(document)]

    return errors


def test_the_overview_counts_the_new_kind(glossary: Path, cli: Callable[..., Run],
                                          validate: Callable[..., list[str]]) -> None:
    document = cli("--json").json()
    assert validate("overview", document) == []
    sections = {s["name"]: s for s in document["sections"]}
    assert sections[NAME]["count"] == 2
    assert sections[NAME]["command"] == f"binatsec {NAME}"
    assert NAME in cli().stdout


def test_its_own_command_prints_text_and_json(glossary: Path, cli: Callable[..., Run],
                                              validate: Callable[..., list[str]]) -> None:
    text = cli(NAME)
    assert text.exit_code == 0
    assert "Interdiction" in text.stdout and "testonlyterm.interdiction" in text.stdout
    document = cli(NAME, "--json").json()
    assert validate(NAME, document) == []
    assert [item["id"] for item in document["items"]] == ["testonlyterm.bilateral",
                                                         "testonlyterm.interdiction"]
    assert document["query"] is None
    found = cli(NAME, "contraband", "--json").json()
    assert validate(NAME, found) == []
    assert (found["query"], found["count"]) == ("contraband", 1)
    assert "--json" in cli(NAME, "--help").stdout


def test_search_finds_it(glossary: Path, cli: Callable[..., Run],
                         validate: Callable[..., list[str]]) -> None:
    document = cli("search", "contraband", "--json").json()
    assert validate("search", document) == []
    assert [(hit["section"], hit["id"]) for hit in document["items"]] == [
        (NAME, "testonlyterm.interdiction")]
    assert cli("search", "bilateral", "--section", NAME).exit_code == 0


def test_every_export_format_carries_it(glossary: Path, cli: Callable[..., Run],
                                        validate: Callable[..., list[str]]) -> None:
    exported = cli("export", "--format", "json").json()
    assert validate("export", exported) == []
    assert [term["id"] for term in exported[NAME]] == ["testonlyterm.bilateral",
                                                       "testonlyterm.interdiction"]
    markdown = cli("export", "--format", "markdown").stdout
    assert "## Glossary" in markdown and "### Interdiction" in markdown
    assert "`testonlyterm.interdiction`" in markdown
    table = cli("export", "--format", "csv", "--section", NAME).stdout.splitlines()
    assert table[0] == "id,term,definition,related"
    assert table[1].startswith("testonlyterm.bilateral,Bilateral,")


def test_lint_checks_it_by_the_same_rules(glossary: Path, cli: Callable[..., Run],
                                          tmp_path: Path) -> None:
    assert cli("lint").exit_code == 0
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / f"{NAME}.toml").write_text(
        '[[testonlyterm]]\nid = "testonlyterm.broken"\nterm.en = "Broken"\n'
        'related = ["faq.nowhere"]\n', encoding="utf-8")
    report = cli("lint", str(mine), "--json").json()
    # The broken record's own problem and its dangling link, in one run.
    assert sorted((p["rule"], p["key"]) for p in report["problems"]) == [
        ("BC004", "definition"), ("BC009", "related")]
    (mine / f"{NAME}.toml").write_text(
        '[[testonlyterm]]\nid = "testonlyterm.linked"\nterm.en = "Linked"\n'
        'definition.en = "D."\nrelated = ["faq.nowhere"]\n', encoding="utf-8")
    report = cli("lint", str(mine), "--json").json()
    assert [(p["rule"], p["record_id"], p["line"]) for p in report["problems"]] == [
        ("BC009", "testonlyterm.linked", 5)]


def test_completion_offers_its_ids(glossary: Path) -> None:
    assert list(complete_ids(NAME)(incomplete="inter")) == ["interdiction"]


def test_the_generator_writes_its_schema_and_its_line_in_the_spec(
        glossary: Path, checkout_generator: None) -> None:
    """The recipe's last step: the generator would write the kind's command schema, its
    record and section name in common and export, and its row in the content spec; no
    other file changes."""
    assert sorted(generate.stale()) == sorted([
        "docs/content-spec.md", "schemas/common.schema.json", "schemas/export.schema.json",
        f"schemas/{NAME}.schema.json"])
    table = generate.files_table()
    assert f"| `{NAME}.toml`" in table and "`testonlyterm.`" in table


# --- the registry refuses a kind that clashes ------------------------------------------------


@pytest.mark.parametrize(("change", "clash"), [
    ({"name": "faq"}, "has the name 'faq' of kind 'faq'"),
    ({"prefix": "faq"}, "has the id prefix 'faq' of kind 'faq'"),
    ({"file": "stats", "table": "stat"}, "has the table [[stat]] in stats.toml of kind 'stats'"),
    ({"name": "test-only"}, "its name must be lowercase letters"),
    ({"layout": "carousel"}, "unknown layout 'carousel'"),
])
def test_a_kind_that_clashes_is_refused(change: dict[str, str], clash: str) -> None:
    before = kinds.all_kinds()
    with pytest.raises(kinds.RegistryError, match=clash.replace("[", r"\[")), \
            kinds.registered(GLOSSARY._replace(**change)):
        pass  # pragma: no cover - never reached
    assert kinds.all_kinds() == before


def test_a_kind_registered_twice_is_refused() -> None:
    with kinds.registered(GLOSSARY), pytest.raises(kinds.RegistryError, match=NAME), \
            kinds.registered(GLOSSARY):
        pass  # pragma: no cover - never reached


def test_the_real_registry_has_no_clash() -> None:
    assert kinds.problems(kinds.KINDS) == []
