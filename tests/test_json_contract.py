"""The JSON contract: every read command's --json document against its schema in schemas/.

Also the rules no schema can express (one document, snake_case keys, no colour codes, counts
that match their lists, a record reading the same wherever it appears) and meta-tests that keep
the contract complete: every command has help, accepts --json and has a schema file.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from typer.core import TyperArgument, TyperGroup, TyperOption

from binatsec.cli.app import app
from binatsec.corpus import kinds
from binatsec.views.json import SCHEMA_VERSION
from conftest import ROOT, Run

SCHEMA_DIR = ROOT / "schemas"
SHARED_SCHEMA = "common"
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
# The lists that hold content records (each must carry its `id`): a command's results, the
# figures linked to a record, search hits, stats categories, and export's sections. Overview
# sections and lint problems describe the tool and the content, and are not records.
SECTION_NAMES = tuple(kind.name for kind in kinds.sections())
RECORD_LISTS = {"items", "figures", "categories", *SECTION_NAMES}
# Colour forced every way Rich and Click look for it: JSON must stay plain regardless.
FORCED_COLOUR: dict[str, str | None] = {"FORCE_COLOR": "1", "CLICOLOR_FORCE": "1",
                                        "TERM": "xterm-256color", "NO_COLOR": None}

Document = dict[str, Any]


# --- schemas --------------------------------------------------------------------------------


def _schema_files() -> dict[str, Path]:
    return {path.name.removesuffix(".schema.json"): path
            for path in sorted(SCHEMA_DIR.glob("*.schema.json"))}


def _load_schemas() -> dict[str, Document]:
    return {name: json.loads(path.read_text(encoding="utf-8"))
            for name, path in _schema_files().items()}


@pytest.fixture(scope="session")
def schemas() -> dict[str, Document]:
    return _load_schemas()


@pytest.fixture(scope="session")
def registry(schemas: dict[str, Document]) -> Registry[Any]:
    """Every schema under its $id, so relative $refs (common.schema.json#/...) resolve offline."""
    resources = [(schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
                 for schema in schemas.values()]
    return Registry().with_resources(resources)


@pytest.fixture(scope="session")
def validate(schemas: dict[str, Document],
             registry: Registry[Any]) -> Callable[[str, Document], list[str]]:
    """The errors (empty when valid) of a document against the named command's schema."""
    validators = {name: Draft202012Validator(schema, registry=registry)
                  for name, schema in schemas.items()}

    def errors(name: str, document: Document) -> list[str]:
        found = validators[name].iter_errors(document)
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]

    return errors


# --- the commands, walked from the Typer app ------------------------------------------------


# Typer 0.28 vendors Click, so commands are typed loosely and recognised by Typer's classes.
Command = Any


def _walk(command: Command, path: tuple[str, ...] = ()) -> Iterator[
        tuple[tuple[str, ...], Command]]:
    yield path, command
    if isinstance(command, TyperGroup):
        # Through the group API: binatsec builds its subcommands only when asked for them.
        ctx = typer.Context(command)
        for name in sorted(command.list_commands(ctx)):
            yield from _walk(command.get_command(ctx, name), (*path, name))


COMMANDS = list(_walk(typer.main.get_command(app)))


def _schema_name(path: tuple[str, ...]) -> str:
    """The schema file a command's document is described by: `quiz history` -> quiz-history."""
    return "-".join(path) if path else "overview"


def _option_names(command: Command) -> set[str]:
    return {name for param in command.params if isinstance(param, TyperOption)
            for name in (*param.opts, *param.secondary_opts)}


def _writes_json(command: Command) -> bool:
    if "--json" in _option_names(command):
        return True
    formats = [p for p in command.params if isinstance(p, TyperOption) and "--format" in p.opts]
    return any("json" in getattr(p.type, "choices", ()) for p in formats)


def _label(path: tuple[str, ...]) -> str:
    return " ".join(("binatsec", *path))


# --- what every document must be ------------------------------------------------------------


def _one_document(stdout: str) -> Document:
    """Parse stdout, failing unless it is exactly one JSON object and a final newline."""
    document, end = json.JSONDecoder().raw_decode(stdout)
    assert stdout[end:] == "\n", f"more than one document, or no final newline: {stdout[end:]!r}"
    assert isinstance(document, dict)
    return document


def _keys(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield where, key
            yield from _keys(inner, f"{where}/{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _keys(inner, f"{where}/{index}")


def _record_lists(value: Any, key: str = "") -> Iterator[tuple[str, list[Any]]]:
    """Every list of objects in the document, with the key that holds it."""
    if isinstance(value, dict):
        for name, inner in value.items():
            yield from _record_lists(inner, name)
    elif isinstance(value, list):
        if any(isinstance(item, dict) for item in value):
            yield key, value
        for item in value:
            yield from _record_lists(item, key)


def assert_contract(result: Run, schema: str, validate: Callable[[str, Document], list[str]],
                    exit_code: int = 0) -> Document:
    """Everything the JSON contract promises about one run; returns the document."""
    assert result.exit_code == exit_code, result.stderr
    assert "\x1b" not in result.stdout, "colour codes in JSON output"
    if exit_code == 0:
        assert result.stderr == ""
    else:  # at most one line; lint's problems are in the document itself
        assert result.stderr.count("\n") <= 1, result.stderr
    document = _one_document(result.stdout)
    assert validate(schema, document) == []
    assert document["schema_version"] == SCHEMA_VERSION
    assert document["command"] == schema
    bad_keys = [f"{where}/{key}" for where, key in _keys(document) if not SNAKE_CASE.match(key)]
    assert bad_keys == []
    for key, records in _record_lists(document):
        if key in RECORD_LISTS:
            missing = [r for r in records if not (isinstance(r, dict) and r.get("id"))]
            assert missing == [], f"records under {key!r} without an id"
    for key in ("items", "problems"):
        if key in document:
            assert document["count"] == len(document[key])
    return document


# --- every command, several ways ------------------------------------------------------------

CASES: list[tuple[str, tuple[str, ...], int]] = [
    ("overview", ("--json",), 0),
    ("summary", ("summary", "--json"), 0),
    ("faq", ("faq", "--json"), 0),
    ("faq", ("faq", "merida", "--json"), 0),
    ("faq", ("faq", "how", "much", "money", "--json"), 0),
    ("faq", ("faq", "merida-initiative", "--json"), 0),
    ("faq", ("faq", "faq.merida-initiative", "--json"), 0),
    ("faq", ("faq", "zebra", "--json"), 1),
    ("faq", ("--json", "faq", "merida"), 0),  # the root's --json reaches every command
    ("myths", ("myths", "--json"), 0),
    ("timeline", ("timeline", "--json"), 0),
    ("timeline", ("timeline", "--from", "2008", "--json"), 0),
    ("timeline", ("timeline", "--to", "2000", "--json"), 0),
    ("timeline", ("timeline", "--from", "2008", "--to", "2020", "--json"), 0),
    ("timeline", ("timeline", "--from", "1800", "--to", "1801", "--json"), 1),
    ("pillars", ("pillars", "--json"), 0),
    ("pillars", ("pillars", "2", "--json"), 0),
    ("pillars", ("pillars", "community engagement", "--json"), 0),
    ("pillars", ("pillars", "pillar.comprehensive-drug-policy", "--json"), 0),
    ("stats", ("stats", "--json"), 0),
    ("stats", ("stats", "seizures", "--json"), 0),
    ("stats", ("stats", "--unit", "kg", "--json"), 0),
    ("stats", ("stats", "--unit", "lb", "--json"), 0),
    ("stats", ("stats", "seizures", "--unit", "lb", "--json"), 0),
    ("stats", ("stats", "funding", "--unit", "kg", "--json"), 0),
    ("stats", ("stats", "--chart", "--json"), 0),
    ("stats", ("stats", "seizures", "--chart", "--unit", "lb", "--json"), 0),
    ("stats", ("stats", "funding", "--chart", "--json"), 1),
    ("stats", ("stats", "xyzzy", "--json"), 1),  # words that find nothing
    ("stats", ("stats", "--source", "pew", "--json"), 0),
    ("stats", ("stats", "seizures", "--source", "dea", "--json"), 1),
    ("pillars", ("pillars", "xyzzy", "--json"), 1),
    ("sources", ("sources", "pew", "--json"), 0),
    ("cooperation", ("cooperation", "--json"), 0),
    ("criticisms", ("criticisms", "--json"), 0),
    ("outlook", ("outlook", "--json"), 0),
    ("actions", ("actions", "--json"), 0),
    ("sources", ("sources", "--json"), 0),
    ("search", ("search", "fentanyl", "--json"), 0),
    ("search", ("search", "fentanyl", "--section", "faq", "--json"), 0),
    ("search", ("search", "merida", "-s", "faq", "-s", "timeline", "--limit", "2", "--json"), 0),
    ("search", ("search", "zzzz", "--json"), 1),
    ("export", ("export", "--format", "json"), 0),
    ("export", ("export",), 0),
    ("export", ("export", "-f", "json", "-s", "faq", "-s", "categories"), 0),
    ("lint", ("lint", "--json"), 0),
    ("quiz", ("quiz", "--topic", "pillars", "--count", "2", "--seed", "1", "--answers", "a,b",
              "--no-save", "--json"), 0),
    ("quiz", ("quiz", "--print", "--seed", "1", "--json"), 0),  # never played nor saved
    ("quiz", ("myths", "drugs", "--quiz", "--print", "--seed", "1", "--json"), 0),
]


# The commands this file runs in several ways; anything else found in the app gets one run.
CASES_REQUIRED = ("overview", *SECTION_NAMES, "search", "export", "lint")
# Commands that print a document about binatsec itself as it is (a JSON Schema, a roff man
# page), never a --json envelope (unlike export, whose --format json is one).
DOCUMENT_COMMANDS = (("schema",), ("man",))


@pytest.mark.parametrize(("schema", "args", "exit_code"), CASES,
                         ids=[" ".join(args) for _, args, _ in CASES])
def test_command_output_keeps_the_contract(
    cli: Callable[..., Run], validate: Callable[[str, Document], list[str]],
    schema: str, args: tuple[str, ...], exit_code: int,
) -> None:
    document = assert_contract(cli(*args, env=FORCED_COLOUR), schema, validate, exit_code)
    if exit_code == 1:
        assert document.get("count") == 0


def test_every_discovered_command_keeps_the_contract(
    cli: Callable[..., Run], validate: Callable[[str, Document], list[str]], tmp_path: Path,
) -> None:
    """Commands found in the app but not in CASES (added since) still get a plain --json run."""
    exercised = {schema for schema, _, _ in CASES}
    discovered = {_schema_name(path): path for path, command in COMMANDS if _writes_json(command)}
    assert set(CASES_REQUIRED) <= exercised <= set(discovered)
    for schema, path in discovered.items():
        if schema in exercised:
            continue
        # Empty input ends anything interactive; keep any saved state out of the user's home.
        result = cli(*path, "--json", input="",
                     env={**FORCED_COLOUR, "BINATSEC_DATA_DIR": str(tmp_path)})
        assert result.exit_code in (0, 1), f"{_label(path)} --json: {result.stderr}"
        assert_contract(result, schema, validate, exit_code=result.exit_code)


def test_nothing_found_is_still_one_document(
    cli: Callable[..., Run], validate: Callable[[str, Document], list[str]],
) -> None:
    result = cli("search", "zzzz", "--json")
    document = assert_contract(result, "search", validate, exit_code=1)
    assert (document["count"], document["total"], document["items"]) == (0, 0, [])
    assert "nothing matches 'zzzz'" in result.stderr


def test_lint_problems_keep_the_contract(
    cli: Callable[..., Run], validate: Callable[[str, Document], list[str]], tmp_path: Path,
) -> None:
    (tmp_path / "faq.toml").write_text("[[faq]]\nid = \"faq.Bad Id\"\n", encoding="utf-8")
    (tmp_path / "notes.toml").write_text("", encoding="utf-8")
    document = assert_contract(cli("lint", str(tmp_path), "--json"), "lint", validate, 1)
    assert document["ok"] is False
    rules = {problem["rule"] for problem in document["problems"]}
    assert {"BC002", "BC006"} <= rules
    assert all(problem["file"] for problem in document["problems"])


def test_the_figures_match_the_asked_question(
    cli: Callable[..., Run], validate: Callable[[str, Document], list[str]],
) -> None:
    faq = assert_contract(cli("faq", "merida-initiative", "--json"), "faq", validate)
    assert [item["id"] for item in faq["items"]] == ["faq.merida-initiative"]
    assert faq["query"] == "merida-initiative"
    pillar = assert_contract(cli("pillars", "2", "--json"), "pillars", validate)
    assert [item["number"] for item in pillar["items"]] == [2]
    seizures = assert_contract(cli("stats", "seizures", "--json"), "stats", validate)
    assert {item["category"] for item in seizures["items"]} == {"seizures"}
    assert [c["id"] for c in seizures["categories"]] == ["seizures"]
    timeline = assert_contract(cli("timeline", "--from", "2008", "--to", "2020", "--json"),
                               "timeline", validate)
    assert timeline["items"]
    assert all(2008 <= item["year"] <= 2020 for item in timeline["items"])
    sections = assert_contract(cli("search", "fentanyl", "--section", "faq", "--json"),
                               "search", validate)
    assert sections["items"]
    assert {hit["section"] for hit in sections["items"]} == {"faq"}


def test_unit_conversion_keeps_the_article_figure(
    cli: Callable[..., Run], validate: Callable[[str, Document], list[str]],
) -> None:
    plain = assert_contract(cli("stats", "seizures", "--json"), "stats", validate)
    in_lb = assert_contract(cli("stats", "seizures", "--unit", "lb", "--json"), "stats",
                            validate)
    before = {item["id"]: item for item in plain["items"]}
    converted = [item for item in in_lb["items"] if item["converted_from"] is not None]
    assert converted, "no seizure figure was converted to lb"
    for item in converted:
        original = before[item["id"]]
        assert {k: item["converted_from"][k] for k in ("value", "unit")} == {
            "value": original["value"], "unit": original["unit"]}
        assert (original["unit"], item["unit"]) == ("kg", "lb")
        exact = original["value"] / 0.45359237
        assert item["converted_from"]["exact_value"] == pytest.approx(exact, abs=1e-3)
        assert item["value"] == float(f"{exact:.2g}")
        assert item["qualifier"] == original["qualifier"]
    assert all(item["unit"] != "kg" for item in in_lb["items"])


def test_chart_json_lists_exactly_the_charted_figures(
    cli: Callable[..., Run], validate: Callable[[str, Document], list[str]],
) -> None:
    from binatsec.corpus.loader import ContentSource
    from binatsec.corpus.resources import bundled_content
    from binatsec.figures import chartable

    corpus = ContentSource(bundled_content()).load()
    expected = chartable(corpus.stats, None)
    assert expected is not None
    charted = assert_contract(cli("stats", "--chart", "--json"), "stats", validate)
    assert charted["chart_unit"] == expected[1] == "kg"
    assert [item["id"] for item in charted["items"]] == [s.id for s in expected[0]]
    assert {item["unit"] for item in charted["items"]} == {"kg"}
    assert charted["count"] == len(charted["items"])
    plain = assert_contract(cli("stats", "--json"), "stats", validate)
    assert plain["chart_unit"] is None and plain["count"] > charted["count"]


def test_a_record_reads_the_same_wherever_it_appears(
    cli: Callable[..., Run], validate: Callable[[str, Document], list[str]],
) -> None:
    """The same id gives the same fields in every section command, embedded figure and export.
    (A quiz's questions have ids of their own, not records'.)"""
    runs = [(schema, args) for schema, args, code in CASES
            if code == 0 and schema not in ("overview", "search", "lint", "quiz")
            and "--unit" not in args and "--chart" not in args]  # those convert figures
    seen: dict[str, tuple[str, Document]] = {}
    for schema, args in runs:
        document = assert_contract(cli(*args), schema, validate)
        for _, records in _record_lists(document):
            for found in records:
                if "id" not in found:
                    continue
                fields = {k: v for k, v in found.items() if k != "figures"}
                where = " ".join(args)
                first = seen.setdefault(fields["id"], (where, fields))
                assert fields == first[1], f"{fields['id']} differs: {where} vs {first[0]}"
    export = assert_contract(cli("export"), "export", validate)
    exported = {r["id"] for _, records in _record_lists(export) for r in records}
    assert exported == set(seen)


@pytest.mark.parametrize("args", [("--json",), ("search", "fentanyl", "--json"),
                                  ("stats", "seizures", "--json")])
def test_no_colour_even_on_a_terminal(args: tuple[str, ...]) -> None:
    """A real process whose stdout is a terminal, colour forced: the JSON is still plain."""
    controller, terminal = pty.openpty()
    forced = {key: value for key, value in FORCED_COLOUR.items() if value is not None}
    env = {**os.environ, **forced, "COLUMNS": "80"}
    for unset in ("NO_COLOR", "BINATSEC_CONTENT_DIR"):
        env.pop(unset, None)
    with subprocess.Popen([sys.executable, "-m", "binatsec", *args], stdout=terminal,
                          stderr=subprocess.PIPE, env=env) as process:
        os.close(terminal)
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        _, stderr = process.communicate(timeout=30)
    os.close(controller)
    output = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    assert process.returncode == 0, stderr
    assert "\x1b" not in output
    assert _one_document(output)["schema_version"] == SCHEMA_VERSION


# --- the schemas themselves -----------------------------------------------------------------


def test_every_schema_is_a_valid_draft_2020_12_schema(schemas: dict[str, Document]) -> None:
    assert SHARED_SCHEMA in schemas
    for name, schema in schemas.items():
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith(f"/{name}.schema.json"), name


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if isinstance(value.get("$ref"), str):
            yield value["$ref"]
        for inner in value.values():
            yield from _refs(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _refs(inner)


def test_every_ref_resolves(schemas: dict[str, Document], registry: Registry[Any]) -> None:
    for schema in schemas.values():
        resolver = registry.resolver(base_uri=schema["$id"])
        for ref in _refs(schema):
            assert resolver.lookup(ref).contents is not None, ref


def test_command_schemas_are_closed(schemas: dict[str, Document]) -> None:
    """Each command's document is the shared envelope plus its payload, and nothing else."""
    for name, schema in schemas.items():
        if name == SHARED_SCHEMA:
            continue
        assert schema["$ref"] == "common.schema.json#/$defs/envelope", name
        assert schema["unevaluatedProperties"] is False, name
        assert schema["properties"]["command"] == {"const": name}


def test_every_record_kind_is_strict(schemas: dict[str, Document]) -> None:
    """No record (or nested object) in common takes keys it does not list."""
    objects: list[tuple[str, Document]] = []

    def collect(value: Any, where: str) -> None:
        if isinstance(value, dict):
            if value.get("type") == "object" and "properties" in value:
                objects.append((where, value))
            for key, inner in value.items():
                collect(inner, f"{where}/{key}")
        elif isinstance(value, list):
            for index, inner in enumerate(value):
                collect(inner, f"{where}/{index}")

    for name, schema in schemas.items():
        collect(schema, name)
    for where, value in objects:
        if where.endswith(("$defs/envelope",)) or "/" not in where:
            continue  # closed by each command schema's unevaluatedProperties
        assert value.get("additionalProperties") is False, where
        assert set(value["required"]) <= set(value["properties"]), where
        assert all(SNAKE_CASE.match(key) for key in value["properties"]), where


MUTATIONS: dict[str, Callable[[Document], None]] = {
    "an unknown key on a record": lambda d: d["items"][0].update(extra=1),
    "an unknown key on the document": lambda d: d.update(colour="red"),
    "a camelCase key": lambda d: d.update(schemaVersion="1.0"),
    "a value given as text": lambda d: d["items"][0].update(value="3.9 million"),
    "a share as a fraction string": lambda d: d["items"][0].update(value="63%"),
    "a fractional year": lambda d: d["items"][0].update(year=2020.5),
    "a year given as text": lambda d: d["items"][0].update(year="2020"),
    "an unknown qualifier": lambda d: d["items"][0].update(qualifier="roughly"),
    "an unknown unit": lambda d: d["items"][0].update(unit="tons"),
    "another schema version": lambda d: d.update(schema_version="4.0"),
    "a record without its id": lambda d: d["items"][0].pop("id"),
    "an id without its kind": lambda d: d["items"][0].update(id="meth-seizures-2020"),
    "an id of another kind": lambda d: d["items"][0].update(id="faq.meth-seizures-2020"),
    "a missing null field": lambda d: d["items"][0].pop("period"),
    "an unknown language": lambda d: d.update(lang="fr"),
    "a negative count": lambda d: d.update(count=-1),
    "a conversion into an unknown unit": lambda d: d["items"][0].update(
        converted_from={"value": 1, "unit": "usd"}),
}


@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_the_schemas_reject_a_broken_document(
    cli: Callable[..., Run], validate: Callable[[str, Document], list[str]], mutation: str,
) -> None:
    document = cli("stats", "seizures", "--json").json()
    assert validate("stats", document) == []
    MUTATIONS[mutation](document)
    assert validate("stats", document) != []


def test_export_records_read_as_their_section_commands_print_them(
    cli: Callable[..., Run], validate: Callable[[str, Document], list[str]],
) -> None:
    document = cli("export").json()
    assert document["faq"] == cli("faq", "--json").json()["items"]
    assert document["timeline"] == cli("timeline", "--json").json()["items"]
    del document["faq"][0]["figures"]
    assert validate("export", document) != []


# --- the commands: help, --json and a schema for each ---------------------------------------


def test_command_tree_is_discovered() -> None:
    names = {path[0] for path, _ in COMMANDS if path}
    assert {*SECTION_NAMES, "search", "export", "lint"} <= names


@pytest.mark.parametrize("name", [kind.name for kind in kinds.sections()
                                  if kind.layout != kinds.FIGURES])
def test_every_section_echoes_its_query(
    cli: Callable[..., Run], validate: Callable[[str, Document], list[str]], name: str,
) -> None:
    """null when none was given; as given when one was, with what it named."""
    everything = assert_contract(cli(name, "--json"), name, validate)
    assert everything["query"] is None
    first = everything["items"][0]["id"]
    named = assert_contract(cli(name, first, "--json"), name, validate)
    assert named["query"] == first
    assert [item["id"] for item in named["items"]] == [first]


@pytest.mark.parametrize(("path", "command"), COMMANDS,
                         ids=[_label(path) for path, _ in COMMANDS])
def test_every_command_has_help(
    cli: Callable[..., Run], path: tuple[str, ...], command: Command,
) -> None:
    assert (command.help or "").strip(), f"{_label(path)} has no help text"
    for param in command.params:
        if isinstance(param, (TyperOption, TyperArgument)):
            assert (param.help or "").strip(), f"{_label(path)} {param.name} has no help text"
    result = cli(*path, "--help")
    assert result.exit_code == 0
    assert command.help.strip().splitlines()[0][:40] in " ".join(result.stdout.split())


@pytest.mark.parametrize(("path", "command"), COMMANDS,
                         ids=[_label(path) for path, _ in COMMANDS])
def test_every_read_command_writes_json_with_a_schema(
    path: tuple[str, ...], command: Command,
) -> None:
    """Every command (quiz included once it exists) takes --json, or export's --format json."""
    if path in DOCUMENT_COMMANDS:
        assert not _writes_json(command), f"{_label(path)} prints a document, not --json"
        return
    assert _writes_json(command), f"{_label(path)} has no --json (or --format json)"
    assert (SCHEMA_DIR / f"{_schema_name(path)}.schema.json").is_file(), \
        f"{_label(path)} ships without schemas/{_schema_name(path)}.schema.json"


def test_every_schema_belongs_to_a_command() -> None:
    commands = {_schema_name(path) for path, _ in COMMANDS}
    orphans = set(_schema_files()) - commands - {SHARED_SCHEMA}
    assert orphans == set()


@pytest.mark.parametrize("query", ["SEIZURES", "drugs found", "stat.fentanyl-pills-2020"])
def test_stats_names_the_category_it_resolved(
    cli: Callable[..., Run], validate: Callable[[str, Document], list[str]], query: str,
) -> None:
    document = cli("stats", query, "--json").json()
    assert validate("stats", document) == []
    assert document["category"] in ("seizures", None)
    assert document["query"] == query  # as given; null with none (every figure)
    assert cli("stats", "--json").json()["query"] is None
