"""Property-based fuzzing (issue 5): random command lines through the CLI, random and mutated
TOML through the loader and `binatsec lint`, and whole content folders drawn from the registry
of kinds through every read command. Whatever comes in, binatsec answers with an exit code it
documents and a clear message, never a crash.

Bounded for the everyday suite: BINATSEC_FUZZ_EXAMPLES (default 60) examples per property.
benchmarks/fuzz_long.sh runs the same properties with many more.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
import traceback
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer.main
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from binatsec.cli.app import app
from binatsec.cli.commands import names as commands_names
from binatsec.corpus import kinds, spec
from binatsec.corpus.kinds import Kind, files
from binatsec.corpus.loader import ContentSource, lint
from binatsec.corpus.problems import ContentError, Problem
from binatsec.corpus.records import Corpus
from binatsec.corpus.resources import bundled_content
from binatsec.corpus.spec import Field
from conftest import Run

# Seconds of work: run on CI's default Python only (noxfile.py), as every slow test.
pytestmark = pytest.mark.slow

CONTENT_FILES = files()

EXAMPLES = int(os.environ.get("BINATSEC_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 60,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
EXIT_CODES = {0, 1, 2, 130}
# Options that act on the user's shell set-up rather than on binatsec's content.
OUT_OF_BOUNDS = {"--install-completion", "--show-completion"}


def _names(command: Any) -> Iterator[str]:
    """Every command and option name binatsec really has, from its own command tree."""
    for param in command.params:
        for name in (*param.opts, *param.secondary_opts):
            if name.startswith("-") and name not in OUT_OF_BOUNDS:
                yield name
    if hasattr(command, "list_commands"):
        # Through the group API: binatsec builds its subcommands only when asked for them.
        ctx = typer.Context(command)
        for name in command.list_commands(ctx):
            yield name
            yield from _names(command.get_command(ctx, name))


NAMES = sorted(set(_names(typer.main.get_command(app))))
VALUES = ["merida", "merida-initiative", "faq.merida-initiative", "seizures", "violence",
          "1", "4", "0", "-1", "2000", "2020", "1799", "2101", "99999999999999999999", "kg",
          "lb", "json", "csv", "markdown", "myths", "all", "a,b,c", "m,f", "--", "-", "",
          " ", "🙂", "مرحبا", "\x1b[31m", "[bold]", "x" * 300, "tests/fixtures/lint"]
ARGUMENT = st.one_of(st.sampled_from(NAMES), st.sampled_from(VALUES),
                     st.text(max_size=20))
NO_JSON_EXPECTED = {"-h", "--help", "-V", "--version", "export", "-f", "--format"}


@FUZZ
@given(args=st.lists(ARGUMENT, max_size=7))
def test_random_command_lines(cli: Callable[..., Run], tmp_path: Path, args: list[str]) -> None:
    env = {"BINATSEC_DATA_DIR": str(tmp_path / "data"), "NO_COLOR": "1"}
    result = cli(*args, input="", env=env)
    assert result.exit_code in EXIT_CODES, (args, result.stderr)
    assert "Traceback" not in result.stderr
    assert "Exception" not in result.stderr
    if result.exit_code != 0 and not (result.exit_code == 1 and "lint" in args):
        # One clear message, or a content folder's list of problems ending in advice.
        # (lint's report of problems is its output, on stdout.)
        assert result.stderr.startswith("binatsec: "), (args, result.stderr)
    if "--json" in args and result.exit_code == 0 and not NO_JSON_EXPECTED & set(args):
        document = json.loads(result.stdout)
        assert "\x1b" not in result.stdout
        assert document["schema_version"]


# --- content files --------------------------------------------------------------------------

BUNDLED = {name: bundled_content().joinpath(name).read_bytes() for name in CONTENT_FILES}
SNIPPETS = [b"[[faq]]\n", b"[[stat]]\n", b'id = "faq.x"\n', b"question.en = 5\n",
            b'"\n', b'"""', b"[", b"]]\n", b"= ", b"\n", b"\x00", b"\xff\xfe", b"\x1b[31m",
            b"related = [\"stat.nope\"]\n", b"year = 99999\n", b"value = nan\n",
            b"value = inf\n", b"number = -1\n", b"x = {a = 1}\n", b"en = \"\"\n",
            b"[[faq]]\nid = \"faq.merida-initiative\"\n", "é🙂".encode(), b"\\u0000"]


@st.composite
def mutated_file(draw: st.DrawFn) -> tuple[str, bytes]:
    """A bundled content file with a few lines or bytes deleted, repeated, swapped or
    replaced, or with a fragment of TOML (or of something else) spliced in."""
    name = draw(st.sampled_from(CONTENT_FILES))
    data = BUNDLED[name]
    for _ in range(draw(st.integers(1, 4))):
        lines = data.splitlines(keepends=True) or [b""]
        at = draw(st.integers(0, max(0, len(lines) - 1)))
        operation = draw(st.sampled_from(
            ["delete line", "repeat line", "swap lines", "splice", "byte", "truncate"]))
        if operation == "delete line":
            del lines[at]
        elif operation == "repeat line":
            lines.insert(at, lines[at])
        elif operation == "swap lines":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif operation == "splice":
            fragment = draw(st.one_of(st.sampled_from(SNIPPETS), st.binary(max_size=12),
                                      st.text(max_size=12).map(str.encode)))
            column = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:column] + fragment + lines[at][column:]
        elif operation == "byte":
            line = bytearray(lines[at]) or bytearray(b" ")
            line[draw(st.integers(0, len(line) - 1))] = draw(st.integers(0, 255))
            lines[at] = bytes(line)
        else:
            lines = lines[:at]
        data = b"".join(lines)
    return name, data


def _check_outcome(load: Callable[[], Corpus]) -> list[Problem]:
    """The loader either builds a corpus or raises ContentError with located problems."""
    try:
        load()
    except ContentError as error:
        assert error.problems, "a ContentError must say what is wrong"
        for problem in error.problems:
            assert problem.rule.startswith("BC")
            assert problem.file
            assert str(problem)
        return list(error.problems)
    return []


def _folder_with(name: str, data: bytes, complete: bool) -> tempfile.TemporaryDirectory[str]:
    folder = tempfile.TemporaryDirectory(prefix="binatsec-fuzz-")
    if complete:
        for other, content in BUNDLED.items():
            Path(folder.name, other).write_bytes(content)
    Path(folder.name, name).write_bytes(data)
    return folder


@FUZZ
@given(file=mutated_file())
def test_mutated_content_through_the_loader(file: tuple[str, bytes]) -> None:
    name, data = file
    with _folder_with(name, data, complete=False) as folder:
        source = ContentSource(bundled_content(), Path(folder))
        problems = _check_outcome(source.load)
        assert [p for p in lint(source)[0] if p.is_error] == problems  # then its warnings


@FUZZ
@given(file=mutated_file())
def test_mutated_content_through_lint_standalone(cli: Callable[..., Run],
                                                 file: tuple[str, bytes]) -> None:
    name, data = file
    with _folder_with(name, data, complete=True) as folder:
        result = cli("lint", "--standalone", folder, "--json")
        human = cli("lint", "--standalone", folder)
    assert result.exit_code in (0, 1), result.stderr
    assert human.exit_code == result.exit_code
    document = json.loads(result.stdout)
    assert document["ok"] is (result.exit_code == 0)
    assert document["count"] == len(document["problems"]) <= 50
    assert "Traceback" not in result.stderr + human.stderr
    if document["problems"]:
        assert human.stdout.splitlines()[-1].endswith(folder)


TOML_KEYS = ["id", "question.en", "answer.en", "myth.en", "fact.en", "reality.en", "year",
             "end_year", "ongoing", "title.en", "summary.en", "value", "unit", "qualifier",
             "category", "related", "number", "name.en", "label.en", "what.en", "attribution",
             "es", "question"]
TOML_VALUES = ['"faq.fuzz"', '"stat.fuzz"', '""', '" "', "1", "-1", "0", "2020", "1e400",
               "nan", "inf", "true", "[]", '["faq.merida-initiative"]', '[1, 2]', "{}",
               '{en = "x"}', '{en = "x", xx = "y"}', "2024-01-01", '"kg"', '"over"',
               '"seizures"', '"\\u001b[31m"', "'''\nmulti\n'''", '"🙂"']


@st.composite
def random_toml(draw: st.DrawFn) -> tuple[str, bytes]:
    """Well-formed (mostly) TOML with the spec's own tables and keys in random shapes."""
    name = draw(st.sampled_from(CONTENT_FILES))
    tables = ["faq", "myth", "event", "pillar", "category", "stat", "area", "criticism",
              "trend", "action", "source", "nonsense"]
    out: list[str] = []
    for _ in range(draw(st.integers(0, 4))):
        out.append(f"[[{draw(st.sampled_from(tables))}]]")
        keys = draw(st.lists(st.sampled_from(TOML_KEYS), max_size=8, unique=True))
        out.extend(f"{key} = {draw(st.sampled_from(TOML_VALUES))}" for key in keys)
    return name, ("\n".join(out) + "\n").encode()


@FUZZ
@given(file=st.one_of(random_toml(), st.tuples(st.sampled_from(CONTENT_FILES),
                                                 st.binary(max_size=200))))
def test_random_content_through_the_loader(file: tuple[str, bytes]) -> None:
    name, data = file
    with _folder_with(name, data, complete=False) as folder:
        _check_outcome(ContentSource(bundled_content(), Path(folder)).load)
        with _folder_with(name, data, complete=True) as whole:
            _check_outcome(ContentSource(Path(whole), None).load)


def test_the_vocabulary_is_the_real_one() -> None:
    """The fuzzer draws from binatsec's own names, so a new option is fuzzed too."""
    for name in ("faq", "search", "--json", "--from", "--limit", "--content-dir", "lint",
                 "--standalone", "export", "--format"):
        assert name in NAMES
    assert not OUT_OF_BOUNDS & set(NAMES)


# --- whole content folders, from the registry of kinds ---------------------------------------
#
# A folder of one or more content files (plus, sometimes, a stray name), each written as TOML
# text by hand from the registry: every kind's [[table]], with records whose fields take the
# right type or the wrong one, extreme values of the right type, valid, invalid and duplicated
# ids, links to real and to missing records. Some folders keep every value within the spec
# (as the spec's own checks judge it), so that they load and the extreme values reach every
# view; the rest mix in wrong values, missing and unknown keys, unknown tables and odd bytes.
# Every read command then runs over the folder and must end with a documented exit code and
# a clear message.


class Raw(str):
    """A TOML fragment written as it is: deep nesting, numbers str() can't write, dates."""


def _toml_string(text: str) -> str:
    # json.dumps escapes '"', '\\' and C0 controls as TOML does; TOML also wants DEL escaped.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_key(key: str) -> str:
    bare = key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key)
    return key if bare else _toml_string(key)


def toml_value(value: Any) -> str:
    """A TOML value: strings as basic strings, floats by repr() with inf and nan as TOML
    spells them, lists and dicts inline."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {toml_value(v)}"
                               for k, v in value.items()) + "}"
    raise TypeError(f"no TOML for {value!r}")


def _nested(depth: int, inner: str = "", open_: str = "[", close: str = "]") -> Raw:
    return Raw(open_ * depth + inner + close * depth)


@cache  # loaded when first drawn from, once conftest has moved the parse cache aside
def _bundled() -> Corpus:
    return ContentSource(bundled_content()).load()


TABLES = sorted({kind.table for kind in kinds.all_kinds()})

# Text of the right type (a string), from plain to hostile. Blank strings are wrong values.
ODD_TEXT = [
    "Plain words.", "a", "Ünïcödé façade", "مرحبا بالعالم", "שלום עולם", "🙂", "👨‍👩‍👧‍👦 🇲🇽🇺🇸",
    "e" + "\u0301" * 40, "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇", "\x1b[31mred\x1b[0m", "bell\x07", "a\rb",
    "nul\x00byte", "del\x7f", "csi\x9b31m", "\u202eevil\u202c", "\u2066iso\u2069", "\ufeffbom",
    "\u200bzero width", "line\u2028sep\u2029para", "nel\x85", "[bold]markup[/bold]", "[/]",
    "[link=https://example.org]x[/link]", "%s %d {0} {}", "\\", '"', "'''", "a\n\n\nb",
    "\t\ttab", "ﷺ" * 50, "𝕏" * 100, "x" * 3000, "word " * 400,
    "huge " * 4000, "h" * 100_000,  # huge: a 20,000-character paragraph, a 100,000-letter word
]
TEXT = st.one_of(st.sampled_from(ODD_TEXT), st.text(min_size=1, max_size=30)) \
    .filter(lambda text: bool(text.strip()))
BLANK = st.sampled_from(["", " ", "\t\n", "\u3000", "\n"])
DEPTHS = [3, 300, 450, 1000, 50_000]
HUGE_INTS = [10**300, -(10**300), 10**308, 10**309, 10**400, 2**63, -(2**63) - 1, 2**1024]
EXTREME_FLOATS = [1.7e308, 1.7976931348623157e308, 1e-300, 5e-324, 0.0, -0.0, 1e15, 1e16]
INTEGERS = st.one_of(
    st.sampled_from([0, 1, -1, 2, 4, 5, 12, 13, 99, 1799, 1800, 2100, 2101, *HUGE_INTS]),
    st.integers())
FLOATS = st.one_of(
    st.sampled_from([*EXTREME_FLOATS, math.inf, -math.inf, math.nan, 0.1, 63.5, 100.00000001,
                     2020.0, -1.0]),
    st.floats())
RAW = st.one_of(
    st.sampled_from([
        Raw("9" * 5000),  # past Python's 4,300-digit limit for int("...")
        Raw("0x" + "f" * 400), Raw("1_000_000"), Raw("0o777"), Raw("0b101"), Raw("+inf"),
        Raw("-nan"), Raw("1979-05-27"), Raw("1979-05-27T07:32:00Z"), Raw("07:32:00"),
        Raw("'literal'"), Raw('"""\nmulti\nline"""'), Raw("[]"), Raw("{}")]),
    st.sampled_from(DEPTHS).map(_nested),  # [[[...]]] as a value
    st.sampled_from(DEPTHS).map(lambda depth: _nested(depth, '"faq.merida-initiative"')),
    st.sampled_from(DEPTHS).map(lambda depth: _nested(depth, "1", "{a = ", "}")))
SCALAR = st.one_of(TEXT, BLANK, INTEGERS, FLOATS, st.booleans(), RAW, RAW)
ANY_VALUE = st.one_of(SCALAR, SCALAR, st.lists(SCALAR, max_size=3),
                      st.dictionaries(st.sampled_from(["en", "es", "xx", ""]), SCALAR,
                                      max_size=2))
SLUG = st.from_regex(r"[a-z0-9]{1,10}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
MISSING_IDS = ["faq.no-such-record", "stat.nope", "source.missing", "nope", "", "faq.x\n",
               "FAQ.MERIDA-INITIATIVE", "faq.merida-initiative ", "\u202efaq.x"]


def _now_and_then(draw: st.DrawFn, one_in: int) -> bool:
    """True about once in `one_in` (3 or more) draws. Not at an end of the range: Hypothesis
    favours those (and shrinks to the low end, so a failing example sheds these extras)."""
    return draw(st.integers(1, one_in)) == 2


def _text_value(draw: st.DrawFn, strict: bool) -> Any:
    """A table of languages: English (usually), Spanish, and now and then an unknown one."""
    words = TEXT if strict else st.one_of(TEXT, TEXT, BLANK, ANY_VALUE)
    value = {"en": draw(words)}
    if draw(st.booleans()):
        value["es"] = draw(words)
    if not strict:
        if _now_and_then(draw, 4):
            value[draw(st.sampled_from(["xx", "EN", "fr", "", "en-US"]))] = draw(words)
        if _now_and_then(draw, 6):
            del value["en"]
    return value


class Plan:
    """What one folder's records may refer to: real ids and the ids drawn so far."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.new: dict[str, int] = {}  # per kind, records added (not replacing) so far

    def targets(self, kind_name: str | None, own: Any) -> list[str]:
        if kind_name == "categories":
            pool = [r.id for r in _bundled().categories]
            pool += [i for i in self.ids if "." not in i]
        else:
            pool = [r.id for r in _bundled().records()] + [i for i in self.ids if "." in i]
        return [target for target in pool if target != own] or ["faq.merida-initiative"]


def _good(draw: st.DrawFn, kind: Kind, field: Field, record: dict[str, Any],
          plan: Plan) -> Any:
    """A value of the right type, often an extreme one, that the spec allows."""
    check = field.check
    if field.link is not None:
        targets = plan.targets(field.link if field.link != "any" else None, record.get("id"))
        if check is spec.ids:
            return draw(st.lists(st.sampled_from(targets), max_size=3))
        return draw(st.sampled_from(targets))
    if check is spec.text:
        return _text_value(draw, strict=True)
    if check in (spec.string, spec.record_id, spec.slug):
        return draw(TEXT if check is not spec.slug else SLUG)
    if check is spec.year:
        return draw(st.one_of(st.sampled_from([1800, 2100, 2020]), st.integers(1800, 2100)))
    if check is spec.boolean:
        return draw(st.booleans())
    if check is spec.positive:
        # The kind's records count from 1 without gaps: a replaced record keeps its number.
        replaced = next((r for r in _bundled().of(kind.name) if r.id == record.get("id")),
                        None)
        if replaced is not None:
            return getattr(replaced, field.name)
        plan.new[kind.name] = plan.new.get(kind.name, 0) + 1
        return len(_bundled().of(kind.name)) + plan.new[kind.name]
    if check is spec.number:
        extreme = [*EXTREME_FLOATS, 10**15, 10**300, 10**308, 3900000, 63, 100, 0]
        return draw(st.one_of(st.sampled_from(extreme), st.sampled_from(extreme),
                              st.sampled_from(extreme), st.floats(0, 1.7976931348623157e308),
                              st.integers(0, 10**20)))
    choices = check.choices if isinstance(check, spec.OneOf) else None
    if choices:  # spec.one_of(...)
        return draw(st.sampled_from(list(choices)))
    return draw(ANY_VALUE)


def _bad(draw: st.DrawFn, kind: Kind, field: Field, record: dict[str, Any]) -> Any:
    """A value of the wrong type, or out of range, or a link to nothing; as often as not an
    extreme one: nested hundreds of levels deep, or a number too large for a float."""
    check = field.check
    depth = draw(st.sampled_from(DEPTHS))
    extreme: list[Any] = [_nested(depth), _nested(depth, "1", "{a = ", "}")]
    if field.link is not None:
        odd = [*MISSING_IDS, record.get("id", "faq.x"), [["faq.merida-initiative"]], [5],
               "faq.merida-initiative"]
        extreme.append(_nested(depth, '"faq.merida-initiative"'))
    elif check is spec.text:
        odd = ["bare string", {}, {"es": "solo"}, {"en": 5}, {"en": {"en": "x"}},
               {"en": ""}, {"en": " ", "es": "\u3000"}]
        extreme.append(_nested(depth, '"x"', "{en = ", "}"))
    elif check in (spec.year, spec.positive, spec.number):
        if check is spec.year:
            odd = [0, -1, 1799, 2101, 2020.0, "2020", True]
        elif check is spec.positive:  # numbers 1..12, with gaps and repeats, and beyond
            odd = [*range(-1, 14), 99, 999, 1000, 1.0, "1", True]
        else:
            odd = [-1, -1e-300, math.inf, -math.inf, math.nan, 101, "3.9 million", True, [1],
                   Raw("-0.0")]
        extreme = [*HUGE_INTS, Raw("9" * 5000), Raw("1e400")]
    elif check is spec.boolean:
        odd = [0, 1, "true", "false", "", [], {}, 1.0]
    else:
        odd = [5, 1.7e308, True, "", [], {}]
    return draw(st.one_of(st.sampled_from(odd), st.sampled_from(extreme), ANY_VALUE))


def _record_id(draw: st.DrawFn, kind: Kind, strict: bool, plan: Plan) -> Any:
    bundled = [r.id for r in _bundled().of(kind.name)]
    fresh = draw(SLUG) if kind.prefix is None else f"{kind.prefix}.{draw(SLUG)}"
    good = [fresh, fresh, *([draw(st.sampled_from(bundled))] if bundled else [])]
    if strict:
        chosen = draw(st.sampled_from(good))
        return chosen if chosen not in plan.ids else f"{fresh}-{len(plan.ids)}"
    prefix = kind.prefix or "x"
    bad = [f"{fresh}\n", f"{prefix}.", f"{prefix}..x", f"{prefix}.a--b", f"{prefix}.A",
           f"{prefix}.x y", f"{prefix}.ñ", f"other.{draw(SLUG)}", prefix, "", " ", 5,
           [fresh], {"en": fresh}, *plan.ids[-2:]]  # the last two: duplicated ids
    return draw(st.one_of(st.sampled_from(good), st.sampled_from(bad)))


def _accepted(field: Field, value: Any) -> bool:
    """Whether the field's check takes the value without a complaint."""
    complaints: list[tuple[Any, ...]] = []
    try:
        field.check(value, field.name, lambda *args: complaints.append(args))
    except Exception:  # the check itself fails: leave that to the folders that are not strict
        return False
    return not complaints


def _ignore(*args: Any) -> None:
    pass


def _record_complaints(kind: Kind, record: dict[str, Any]) -> set[str]:
    """The keys the kind's rules across fields complain about, given the checked values."""
    values = {f.name: f.check(record[f.name], f.name, _ignore) for f in kind.fields
              if f.name in record}
    keys: set[str] = set()
    for check in kind.record_checks:
        check(values, lambda rule, message, key=None: keys.add(key or ""))
    return keys


def _record(draw: st.DrawFn, kind: Kind, strict: bool, plan: Plan) -> list[str]:
    """One [[table]] record as TOML lines, its fields in the registry's order (or not)."""
    record: dict[str, Any] = {"id": _record_id(draw, kind, strict, plan)}
    if isinstance(record["id"], str):
        plan.ids.append(record["id"])
    for field in kind.fields:
        if field.name == "id":
            continue
        if not field.required and draw(st.booleans()):
            continue
        if not strict and field.required and _now_and_then(draw, 8):
            continue  # a required key left out
        if not strict and _now_and_then(draw, 4):
            record[field.name] = _bad(draw, kind, field, record)
            continue
        value = _good(draw, kind, field, record, plan)
        for _ in range(10):  # in a strict folder, only what the spec's own check accepts
            if not strict or _accepted(field, value):
                break
            value = _good(draw, kind, field, record, plan)
        record[field.name] = value
    for _ in range(5 if strict else 0):
        # Rules across a record's own fields (an end before the start, a percentage over 100):
        # leave out an optional key they complain about, or draw a required one again.
        fields = [f for f in kind.fields if f.name in _record_complaints(kind, record)]
        if not fields:
            break
        for field in fields:
            # A complaint about a missing key (an event with neither year nor `when`) is
            # answered by drawing one; one about a present optional key, by leaving it out.
            if field.required or field.name not in record:
                record[field.name] = _good(draw, kind, field, record, plan)
            else:
                del record[field.name]
    if not strict and _now_and_then(draw, 6):
        record[draw(st.sampled_from(["tags", "Question", "ID", "extra key", ""]))] = \
            draw(ANY_VALUE)
    names = list(record)
    if not strict and draw(st.booleans()):
        names = draw(st.permutations(names))
    lines = [f"[[{kind.table}]]"]
    for name in names:
        value = record[name]
        if isinstance(value, dict) and value and draw(st.booleans()):
            # Text as the bundled files write it: question.en = "...".
            lines += [f"{_toml_key(name)}.{_toml_key(k)} = {toml_value(v)}"
                      for k, v in value.items()]
        else:
            lines.append(f"{_toml_key(name)} = {toml_value(value)}")
    return lines


ODD_FILES = st.one_of(
    st.sampled_from([b"", b"\x00", b"\x00" * 64, b"\xff\xfe[\x00[\x00", b"\xc3\x28",
                     b"\xed\xa0\x80", b'[[faq]]\nid = "faq.x\xff"\n', b"\xef\xbb\xbf[[faq]]\n",
                     b"[[faq]]\r\n",
                     b"[[faq]]\nid = \"faq.x\"\x00\n", b"\x1b[2J\x1b[H", b"#" * 5_300_000]),
    st.binary(max_size=64))
STRAY_NAMES = ["faqs.toml", "FAQ.toml", "notes.txt", "faq.toml.bak", "faq.toml~", ".hidden.toml",
               "\x1b[31mred.toml", "new\nline.toml", "\u202eevil.toml", "🙂.toml", "x" * 250,
               os.fsdecode(b"\xff\xfe.toml")]


def _counted(match: re.Match[str]) -> str:
    return f"({match.group(1)})×{len(match.group()) // len(match.group(1))}"


class Folder:
    """A content folder to write: files by name, and sometimes a sub-folder or a link."""

    def __init__(self, files: dict[str, bytes], dirs: list[str], links: dict[str, str],
                 strict: bool) -> None:
        self.files = files
        self.dirs = dirs
        self.links = links
        self.strict = strict  # every value was drawn within the spec

    def write(self, root: Path) -> None:
        for name, data in self.files.items():
            Path(root, name).write_bytes(data)
        for name in self.dirs:
            Path(root, name).mkdir()
            Path(root, name, "faq.toml").write_bytes(b"[[faq]]\n")
        for name, target in self.links.items():
            Path(root, name).symlink_to(target)

    def __repr__(self) -> str:
        """Short enough to read in a failure: long runs of one character are counted."""
        def brief(data: bytes) -> str:
            text = data.decode("utf-8", "backslashreplace")
            text = re.sub(r"(.{1,8}?)\1{7,}", _counted, text, flags=re.DOTALL)
            return text if len(text) <= 2000 else text[:2000] + f"… ({len(data)} bytes)"
        parts = [f"--- {name!r} ---\n{brief(data)}" for name, data in self.files.items()]
        parts += [f"--- folder {name!r} ---" for name in self.dirs]
        parts += [f"--- link {name!r} -> {target!r} ---" for name, target in self.links.items()]
        return f"Folder (strict={self.strict}):\n" + "\n".join(parts)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # how Hypothesis shows it
        printer.text(repr(self))


# A file is drawn as often as it has fields: stats.toml (categories and figures, numbers,
# units) more than faq.toml.
WEIGHTED_FILES = [name for name in CONTENT_FILES
                  for kind in kinds.in_file(name.removesuffix(".toml")) for _ in kind.fields]


@st.composite
def content_folders(draw: st.DrawFn) -> Folder:
    """One or more content files named from the registry, with records of their kinds."""
    strict = draw(st.booleans())
    plan = Plan()
    files: dict[str, bytes] = {}
    for name in draw(st.lists(st.sampled_from(WEIGHTED_FILES), min_size=1, max_size=5,
                              unique=True)):
        lines: list[str] = []
        if not strict and _now_and_then(draw, 8):
            lines.append(draw(st.sampled_from(["title = 5", "[faq]", "faq = []", "[[nonsense]]",
                                               "x = 1\nx = 2", "[[faq]]\n[faq.x]"])))
        in_file = kinds.in_file(name.removesuffix(".toml"))
        counts = [draw(st.integers(0, 4)) for _ in in_file]
        if not any(counts):
            counts[draw(st.integers(0, len(counts) - 1))] = 1  # at least one record
        for kind, count in zip(in_file, counts, strict=True):
            for _ in range(count):
                lines += _record(draw, kind, strict, plan)
        if not strict and _now_and_then(draw, 6):
            table = draw(st.sampled_from([*TABLES, "nonsense"]))
            lines += [f"[[{table}]]", f"id = {toml_value(draw(ANY_VALUE))}"]
        data = ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")
        if not strict and _now_and_then(draw, 8):
            data = draw(ODD_FILES)  # the whole file is odd bytes
        files[name] = data
    dirs: list[str] = []
    links: dict[str, str] = {}
    if _now_and_then(draw, 5):
        # A strict folder may hold what binatsec ignores: a hidden file and a sub-folder.
        stray = draw(st.sampled_from(["hidden file", "folder"] if strict else
                                     ["file", "folder named like a file", "link"]))
        if stray == "hidden file":
            files[".notes.toml"] = b"[[faq]]\n"
        elif stray == "file":
            files[draw(st.sampled_from(STRAY_NAMES))] = b"[[faq]]\n"
        elif stray == "folder":
            dirs.append("drafts")
        else:
            name = draw(st.sampled_from([n for n in CONTENT_FILES if n not in files]
                                        or ["faqs.toml"]))
            if stray == "link":
                links[name] = "/dev/zero" if draw(st.booleans()) else "no-such-file.toml"
            else:
                dirs.append(name)
    return Folder(files, dirs, links, strict)


# Every read command, as binatsec lists them: the overview, each section, the tools, the quiz.
READ_COMMANDS: tuple[tuple[str, ...], ...] = (
    (), ("--json",),
    *((kind.name,) for kind in kinds.sections()),
    *((kind.name, "--json") for kind in kinds.sections()),
    ("stats", "--chart"), ("stats", "--chart", "--json"), ("stats", "--unit", "kg", "--json"),
    ("search", "a", "--json"),
    ("export", "-f", "json"), ("export", "-f", "csv"), ("export", "-f", "markdown"),
    ("lint", "--json"),
    ("quiz", "--topic", "all", "--count", "3", "--seed", "1", "--answers", "a,a,a", "--no-save",
     "--json"),
)
CONTENT_ERROR = "binatsec: content error: "
STOPPED = "binatsec: stopped after the first "
ADVICE = "binatsec: fix the file(s) above"


def _strict_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _clear_stderr(stderr: str) -> bool:
    """At most one line, or a content error report: one line per problem, then perhaps the
    "stopped after the first N" line, then the advice. Lines end at newlines only."""
    lines = stderr.removesuffix("\n").split("\n") if stderr else []
    if len(lines) <= 1:
        return True
    *problems, advice = lines
    if problems and problems[-1].startswith(STOPPED):
        problems.pop()
    return (advice.startswith(ADVICE) and bool(problems)
            and all(line.startswith(CONTENT_ERROR) for line in problems))


@pytest.fixture
def cli_bytes(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """conftest's `cli`, set up the same way, keeping the bytes binatsec wrote and any
    exception that escaped it (for a short report: a recursion's traceback is long)."""
    monkeypatch.delenv("BINATSEC_CONTENT_DIR", raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), input="", env=env)

    return run


def _check_command(run: Callable[..., Result], root: str, command: tuple[str, ...],
                   env: dict[str, str]) -> int:
    """One read command over the folder: a documented exit code, one clear line on stderr
    (or a content error report), strict JSON where JSON was asked for, UTF-8 on stdout."""
    result = run("--content-dir", root, *command, env=env)
    escaped = result.exception
    if escaped is not None and not isinstance(escaped, SystemExit):
        frame = traceback.extract_tb(escaped.__traceback__)[-1]
        raise AssertionError(f"binatsec {' '.join(command)} crashed: {type(escaped).__name__}: "
                             f"{str(escaped)[:300]} (at {frame.filename}:{frame.lineno})")
    stdout = result.stdout_bytes.decode("utf-8")  # strict: valid UTF-8, or this fails
    stderr = result.stderr
    where = f"binatsec {' '.join(command)}: exit {result.exit_code}\n{stderr[-3000:]}"
    assert result.exit_code in {0, 1, 2}, where
    assert "Traceback" not in stderr, where
    assert _clear_stderr(stderr), where
    if ("--json" in command or command[-2:] == ("-f", "json")) and result.exit_code in (0, 1):
        try:
            json.loads(stdout, parse_constant=_strict_json)
        except ValueError as error:
            raise AssertionError(f"{where}\nstdout is not strict JSON: {error}") from None
    return result.exit_code


# Shrinking a whole folder replays it through the commands thousands of times, for minutes:
# the everyday suite reports the folder as drawn (in short, see Folder.__repr__), and
# benchmarks/fuzz_long.sh shrinks it to the smallest that fails.
FOLDER_FUZZ = settings(FUZZ, phases=[phase for phase in Phase
                                     if phase is not Phase.shrink or EXAMPLES > 60])


@FOLDER_FUZZ
@given(folder=content_folders(),
       commands=st.lists(st.sampled_from(READ_COMMANDS), min_size=1, max_size=3, unique=True))
def test_generated_folders_through_every_read_command(
        cli_bytes: Callable[..., Result], tmp_path: Path, folder: Folder,
        commands: list[tuple[str, ...]]) -> None:
    """A folder that loads goes through every read command, so its values reach every view;
    one with problems stops every command at the same content error report, so a few drawn
    commands check that report."""
    env = {"BINATSEC_DATA_DIR": str(tmp_path / "data")}
    with tempfile.TemporaryDirectory(prefix="binatsec-fuzz-") as root:
        folder.write(Path(root))
        loads = _check_command(cli_bytes, root, ("lint", "--json"), env) == 0
        for command in READ_COMMANDS if loads else commands:
            _check_command(cli_bytes, root, command, env)


def test_every_read_command_is_fuzzed() -> None:
    """The folder fuzzer draws from every section binatsec has, so a new one is fuzzed too."""
    names = {command[0] for command in READ_COMMANDS if command}
    assert {kind.name for kind in kinds.sections()} <= names
    assert set(commands_names()) | {"quiz"} <= names
