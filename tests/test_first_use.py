"""Issue 16, what a new user meets: the same miss gets the same exit code on every command,
every command name has a "did you mean", the run's options work after the command too, the
overview points to a quiz and a search, JSON says `items` for every listing and echoes the
query, and help and answers fit the terminal (40 columns) and a readable measure (200)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.core import TyperGroup

from binatsec.cli.app import app
from binatsec.corpus import kinds
from conftest import Run

ROOT_COMMAND = typer.main.get_command(app)
COMMAND_NAMES = ROOT_COMMAND.list_commands(typer.Context(ROOT_COMMAND))
SECTIONS = [kind.name for kind in kinds.sections()]


def _walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    if isinstance(command, TyperGroup):
        ctx = typer.Context(command)
        for name in command.list_commands(ctx):
            yield from _walk(command.get_command(ctx, name), (*path, name))


COMMANDS = [(path, command) for path, command in _walk(ROOT_COMMAND) if path]


# --- the same miss, the same exit code ----------------------------------------------------------


@pytest.mark.parametrize("command", [*SECTIONS, "search"])
def test_words_that_find_nothing_exit_1_on_every_command(cli: Callable[..., Run],
                                                          command: str) -> None:
    result = cli(command, "xyzzyplugh")
    assert result.exit_code == 1, (command, result.stderr)
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "'xyzzyplugh'" in result.stderr
    document = cli(command, "xyzzyplugh", "--json")
    assert document.exit_code == 1
    assert document.json()["count"] == 0


@pytest.mark.parametrize("args", [
    ("stats", "--source", "nosuchbody"),
    ("stats", "--unit", "stone"),
    ("search", "drug", "--section", "nosuch"),
    ("export", "--format", "docx"),
    ("export", "--section", "nosuch"),
    ("pillars", "9"),
    ("schema", "nosuch"),
    ("quiz", "--topic", "nosuch", "--no-save"),
], ids=" ".join)
def test_a_value_outside_a_closed_set_exits_2(cli: Callable[..., Run],
                                              args: tuple[str, ...]) -> None:
    result = cli(*args)
    assert result.exit_code == 2, (args, result.stderr)
    assert result.stderr.count("\n") == 1 and "--help')" in result.stderr


def test_timeline_names_the_query_it_found_nothing_for(cli: Callable[..., Run]) -> None:
    result = cli("timeline", "merida", "--from", "2010")
    assert result.exit_code == 1
    assert "no events matching 'merida' between 2010 and today" in result.stderr
    assert cli("timeline", "merida", "--to", "2010").exit_code == 0


def test_every_command_name_has_a_did_you_mean(cli: Callable[..., Run]) -> None:
    assert COMMAND_NAMES and "faq" in COMMAND_NAMES
    for name in COMMAND_NAMES:
        swapped = name[0] + name[2] + name[1] + name[3:] if len(name) > 2 else name[::-1]
        for typo in {swapped, name[:-1]} - set(COMMAND_NAMES):
            result = cli(typo)
            assert result.exit_code == 2, typo
            assert f"did you mean '{name}'?" in result.stderr, (typo, result.stderr)
    fqa = cli("fqa")
    assert fqa.stderr == "binatsec: error: no such command 'fqa'; did you mean 'faq'? " \
        "(see 'binatsec --help')\n"


# --- the run's options after the command ------------------------------------------------------


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "faq.toml").write_text(
        '[[faq]]\nid = "faq.classroom-merida"\nquestion.en = "What does our class say about '
        'Merida?"\nanswer.en = "That it began in 2008."\n', encoding="utf-8")
    return folder


def test_content_dir_works_before_and_after_the_command(cli: Callable[..., Run],
                                                        tmp_path: Path) -> None:
    folder = str(_folder(tmp_path))
    for args in (("--content-dir", folder, "faq", "classroom"),
                 ("faq", "--content-dir", folder, "classroom"),
                 ("faq", "classroom", "--content-dir", folder),
                 ("search", "class", "--content-dir", folder, "--json")):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert "faq.classroom-merida" in result.stdout, args
    # Given both ways, the one after the command wins.
    after = cli("--content-dir", str(tmp_path / "nowhere"), "faq", "--content-dir", folder,
                "classroom")
    assert after.exit_code == 0, after.stderr
    assert cli("faq", "--content-dir", str(tmp_path / "nowhere")).exit_code == 2


def test_no_pager_works_after_the_command(cli: Callable[..., Run]) -> None:
    for args in (("stats", "--no-pager"), ("faq", "merida", "--no-pager"),
                 ("quiz", "history", "--no-pager")):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert result.stdout.strip()


def _options(path: tuple[str, ...], command: Any) -> set[str]:
    return {opt for param in command.params for opt in getattr(param, "opts", ())}


def test_help_names_the_shared_options_only_where_they_do_something(
        cli: Callable[..., Run]) -> None:
    for path, command in COMMANDS:
        options = _options(path, command)
        reads_content = path[0] not in ("schema", "man")
        pages = path == ("quiz", "history") or (len(path) == 1 and path[0] not in (
            "export", "man", "quiz"))
        assert ("--content-dir" in options) == reads_content, path
        assert ("--no-pager" in options) == pages, path
    shown = cli("stats", "--help").stdout
    assert "--content-dir PATH" in shown and "--no-pager" in shown
    assert "--no-pager" not in cli("export", "--help").stdout


# --- the overview -------------------------------------------------------------------------------


def test_the_overview_points_to_a_quiz_and_a_search_first(cli: Callable[..., Run]) -> None:
    shown = cli(env={"NO_COLOR": "1"}).stdout
    tries = shown.split("Try:\n", 1)[1].splitlines()
    assert tries[0].strip().startswith("binatsec quiz")
    assert tries[1].strip().startswith("binatsec search")


# --- JSON: one key for a listing, and the query echoed ---------------------------------------


def test_every_listing_puts_its_entries_under_items(cli: Callable[..., Run]) -> None:
    for args in (("search", "fentanyl"), ("faq",), ("stats",), ("sources",)):
        document = cli(*args, "--json").json()
        assert "hits" not in document
        assert document["count"] == len(document["items"]), args


def _takes_a_query(command: Any) -> bool:
    arguments = [p for p in command.params if p.param_type_name == "argument"]
    return bool(arguments) and arguments[0].name not in ("path", "name")


QUERYING = [path for path, command in COMMANDS if _takes_a_query(command)]


@pytest.mark.parametrize("path", QUERYING, ids=" ".join)
def test_every_command_that_takes_a_query_echoes_it(cli: Callable[..., Run],
                                                    path: tuple[str, ...]) -> None:
    for words in ("merida", "2", "human smuggling", "xyzzy"):
        result = cli(*path, words, "--json")
        assert result.exit_code in (0, 1), (path, words, result.stderr)
        assert result.json()["query"] == words, (path, words)
    assert {"search", "stats", "pillars", "faq"} <= {p[0] for p in QUERYING}


# --- help and prose, at 40 and 200 columns ------------------------------------------------------


@pytest.mark.parametrize("path", [(), *(path for path, _ in COMMANDS)],
                         ids=lambda p: " ".join(("binatsec", *p)))
def test_help_at_40_columns_fits_40_columns(cli: Callable[..., Run],
                                            path: tuple[str, ...]) -> None:
    shown = cli(*path, "--help", env={"COLUMNS": "40"})
    assert shown.exit_code == 0
    wide = [line for line in shown.stdout.splitlines() if len(line) > 40]
    assert wide == [], path
    assert not [line for line in shown.stdout.splitlines() if line != line.rstrip()]


def test_an_example_too_long_for_the_line_is_folded_as_a_shell_reads_it(
        cli: Callable[..., Run]) -> None:
    shown = cli("quiz", "--help", env={"COLUMNS": "40"}).stdout
    examples = shown.split("Examples:\n", 1)[1]
    joined = re.sub(r" \\\n\s+", " ", examples)
    assert "binatsec quiz --topic myths --count 3 --answers m,f,m --no-save" in joined
    assert " \\\n" in examples


def test_help_and_answers_keep_a_readable_measure_on_a_wide_terminal(
        cli: Callable[..., Run]) -> None:
    wide = {"COLUMNS": "200", "NO_COLOR": "1"}
    for args in (("--help",), ("faq", "--help"), ("stats", "--help")):
        lines = cli(*args, env=wide).stdout.splitlines()
        assert max(len(line) for line in lines) <= 100, args
        assert max(len(line) for line in lines) > 80, args  # wider than click's 80
    for args in (("faq", "merida"), ("myths",), ("summary",), ("search", "drug")):
        lines = cli(*args, env=wide).stdout.splitlines()
        assert 80 < max(len(line) for line in lines) <= 100, args
    # Tables still use the width they are given.
    assert max(len(line) for line in cli("stats", env=wide).stdout.splitlines()) > 100


@pytest.mark.parametrize("args", [(), ("faq", "merida"), ("myths",), ("stats",),
                                  ("stats", "--chart"), ("search", "drug"), ("timeline",),
                                  ("sources",), ("pillars", "2")], ids=" ".join)
def test_no_trailing_spaces_when_colour_is_on(cli: Callable[..., Run],
                                              args: tuple[str, ...]) -> None:
    shown = cli(*args, env={"FORCE_COLOR": "1", "COLUMNS": "80"}).stdout
    assert "\x1b[" in shown  # coloured
    plain = re.sub(r"\x1b\[[0-9;]*m", "", shown)
    assert [line for line in plain.splitlines() if line != line.rstrip()] == []
