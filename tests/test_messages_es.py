"""binatsec's own messages in Spanish under --lang es: nothing found, usage errors, the
help line of a section command, the export notice; English stays as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from binatsec.corpus import kinds
from conftest import Run


def test_nothing_in_a_section_is_said_in_spanish(cli: Callable[..., Run]) -> None:
    result = cli("--lang", "es", "myths", "zzzqqq")
    assert result.exit_code == 1
    assert "nada en myths coincide con 'zzzqqq'" in result.stderr
    assert "no question" not in cli("--lang", "es", "faq", "zzzqqq").stderr
    assert "ninguna pregunta coincide con 'zzzqqq'" in cli("--lang", "es", "faq",
                                                          "zzzqqq").stderr
    english = cli("myths", "zzzqqq")
    assert "nothing in myths matches 'zzzqqq'; try 'binatsec search zzzqqq' or " \
           "'binatsec myths' for the list" in english.stderr


def test_search_and_timeline_find_nothing_in_spanish(cli: Callable[..., Run]) -> None:
    assert "nada coincide con 'zzzqqq'" in cli("--lang", "es", "search", "zzzqqq").stderr
    result = cli("--lang", "es", "timeline", "--from", "2024", "--to", "2024", "zzzqqq")
    assert "entre 2024 y 2024" in result.stderr or "nada en timeline" in result.stderr


def test_unknown_language_is_said_in_english_and_named(cli: Callable[..., Run]) -> None:
    result = cli("--lang", "xx", "faq")
    assert result.exit_code == 2
    assert "unknown language 'xx' (choose from en, es; all with --json)" in result.stderr


def test_usage_errors_in_spanish(cli: Callable[..., Run]) -> None:
    result = cli("--lang", "es", "timeline", "--from", "2020", "--to", "2010")
    assert result.exit_code == 2
    assert "--from 2020 es posterior a --to 2010" in result.stderr


def test_export_notice_in_spanish(cli: Callable[..., Run], tmp_path: Path) -> None:
    out = tmp_path / "corpus.json"
    result = cli("--lang", "es", "export", "--format", "json", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert f"se escribió json en {out} (" in result.stderr and "bytes)" in result.stderr


def test_the_worksheet_intro_in_spanish(cli: Callable[..., Run]) -> None:
    result = cli("--lang", "es", "quiz", "--topic", "myths", "--count", "2", "--seed", "5",
                 "--print", env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.stderr
    assert "2 preguntas, semilla 5." in result.stdout
    assert "Cuestionario: mitos" in result.stdout


@pytest.mark.parametrize("how", ["option", "variable"])
def test_a_section_commands_help_line_is_spanish(how: str) -> None:
    kind = kinds.named("sources")
    env = {k: v for k, v in os.environ.items()
           if k not in ("BINATSEC_LANG", "LC_ALL", "LC_MESSAGES", "LANG")}
    env.update(COLUMNS="200", NO_COLOR="1")
    args = ["--lang", "es"] if how == "option" else []
    if how == "variable":
        env["BINATSEC_LANG"] = "es"
    result = subprocess.run([sys.executable, "-m", "binatsec", *args, "sources", "--help"],
                            capture_output=True, text=True, env=env, check=True)
    from binatsec import i18n

    try:
        i18n.set_language("es")
        spanish = f"{i18n._(kind.title)}: {i18n._(kind.summary)}."
    finally:
        i18n.set_language(i18n.ENGLISH)
    assert spanish in result.stdout
    assert f"{kind.title}: {kind.summary}." not in result.stdout
