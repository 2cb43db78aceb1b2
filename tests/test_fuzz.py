"""Property-based fuzzing (issue 5): random command lines through the CLI, random and mutated
TOML through the loader and `binatsec lint`. Whatever comes in, binatsec answers with an exit
code it documents and a clear message, never a crash.

Bounded for the everyday suite: BINATSEC_FUZZ_EXAMPLES (default 60) examples per property.
benchmarks/fuzz_long.sh runs the same properties with many more.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import typer.main
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binatsec.cli.app import app
from binatsec.corpus.kinds import files
from binatsec.corpus.loader import ContentSource, lint
from binatsec.corpus.problems import ContentError, Problem
from binatsec.corpus.records import Corpus
from binatsec.corpus.resources import bundled_content
from conftest import Run

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
        assert lint(source) == problems


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


TOML_KEYS = ["id", "question.en", "answer.en", "myth.en", "reality.en", "year", "end_year",
             "title.en", "summary.en", "value", "unit", "qualifier", "category", "related",
             "number", "name.en", "label.en", "what.en", "attribution", "es", "question"]
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
