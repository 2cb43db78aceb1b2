"""Hostile text in every content field and every argument, through every command: no terminal
control, bidi control or invisible format character reaches stdout or stderr (issue 14).

Every text field of every record is rewritten with strings drawn from a stream of hostile
pieces (every C0 and C1 control, escape sequences of each family, bidi and invisible format
characters), written into a user's content folder as TOML escapes, and layered over the
bundled content. Lone surrogates cannot live in a TOML file, so they come in through the
arguments (a search query, quiz answers). Each read command, the quiz with scripted answers,
and the interactive quiz in a pseudo-terminal must then print none of those characters raw.
"""

from __future__ import annotations

import io
import os
import re
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pexpect
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from binatsec.cli.app import app
from binatsec.corpus import kinds
from binatsec.corpus.records import Corpus, Text
from binatsec.textsafety import UNSAFE, safe_text, unsafe_characters
from test_fuzz import READ_COMMANDS

EXAMPLES = max(3, int(os.environ.get("BINATSEC_FUZZ_EXAMPLES", "60")) // 10)
# Each example runs every command over a whole folder: reported as drawn, not shrunk (that
# would replay it thousands of times).
HOSTILE_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 6,
                            phases=[Phase.explicit, Phase.reuse, Phase.generate],
                            suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                   HealthCheck.too_slow])

C0 = [chr(code) for code in range(0x20) if chr(code) not in "\t\n"]
C1 = [chr(code) for code in range(0x7F, 0xA0)]
ESCAPE_SEQUENCES = [
    "\x1b[2J\x1b[H",  # CSI: clear the screen, cursor home
    "\x1b[31;1m", "\x1b[?1049h",  # CSI: colour, the alternate screen
    "\x1b]0;owned\x07",  # OSC 0: the window title
    "\x1b]52;c;aGVsbG8=\x07",  # OSC 52: write the clipboard
    "\x1b]8;;https://example.invalid\x1b\\hidden\x1b]8;;\x1b\\",  # OSC 8: a hidden link
    "\x1bP+q544e\x1b\\",  # DCS
    "\x1b_apc\x1b\\", "\x1b^pm\x1b\\", "\x1bXsos\x1b\\",  # APC, PM, SOS
    "\x1bN", "\x1bO", "\x1bc", "\x1b7\x1b8",  # SS2, SS3, reset, save/restore cursor
    "\x9b2J", "\x9d0;owned\x9c",  # 8-bit CSI and OSC
]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
        "\u2069", "\u200e", "\u200f", "\u061c"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\u2061", "\u2062", "\u2063", "\u2064",
             "\ufeff", "\u2028", "\u2029", "\u00ad", "\u180e", "\U000e0001", "\U000e0041",
             "\ufff9"]
SURROGATES = ["\ud800", "\udc80", "\udfff"]
PIECES = C0 + C1 + ESCAPE_SEQUENCES + BIDI + INVISIBLE

# What must never reach an output stream raw: ESC and the other controls (a newline and a tab
# are text), and every character the text rule drops.
FORBIDDEN = re.compile(UNSAFE)


def hostile(pieces: list[str]) -> Any:
    """Text with something to read in it (so it is not blank) and hostile pieces around."""
    return st.lists(st.sampled_from(pieces), min_size=1, max_size=4).map(
        lambda parts: "word " + " ".join(parts) + " end")


HOSTILE = hostile(PIECES)
HOSTILE_ARGUMENT = hostile(PIECES + SURROGATES)


def toml_string(text: str) -> str:
    """A TOML basic string holding `text` exactly, anything unusual written as an escape."""
    def char(c: str) -> str:
        return c if c.isascii() and c.isprintable() and c not in '"\\' else f"\\U{ord(c):08X}"

    return '"' + "".join(map(char, text)) + '"'


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    return "[" + ", ".join(map(toml_value, value)) + "]"


def hostile_folder(corpus: Corpus, draw: Callable[[], str], folder: Path) -> None:
    """Every record of every kind again, in the user's folder, with every text field (and
    every plain name) hostile: the records replace the bundled ones by id."""
    folder.mkdir(parents=True, exist_ok=True)
    for file in kinds.files():
        lines: list[str] = []
        for kind in kinds.in_file(file.removesuffix(".toml")):
            for record in corpus.of(kind.name):
                lines.append(f"[[{kind.table}]]")
                for field in kind.fields:
                    value = getattr(record, field.name)
                    if value is None:
                        continue
                    if isinstance(value, Text):
                        lines.append(f"{field.name}.en = {toml_string(draw())}")
                    elif getattr(field.check, "__name__", "") == "string":  # a name, free text
                        lines.append(f"{field.name} = {toml_string(draw())}")
                    else:
                        lines.append(f"{field.name} = {toml_value(value)}")
        (folder / file).write_text("\n".join(lines) + "\n", encoding="utf-8")


def assert_clean(where: str, *outputs: str) -> None:
    for output in outputs:
        found = FORBIDDEN.search(output)
        assert found is None, (f"{where}: U+{ord(found.group()):04X} reached the output at "
                               f"{found.start()}: {output[max(0, found.start() - 60):][:120]!r}")


def test_the_rule_covers_every_format_character() -> None:
    """The text rule drops every character Unicode files as a format character (Cf)."""
    unsafe = re.compile(UNSAFE)
    missing = [f"U+{code:04X}" for code in range(0x110000)
               if unicodedata.category(chr(code)) == "Cf" and not unsafe.match(chr(code))]
    assert missing == []


def test_the_rule_keeps_ordinary_text_in_every_script() -> None:
    kept = "line one\n\tسلام עולם 😀 Mérida ñandú 1,500 kg €"
    assert safe_text(kept) == kept
    assert unsafe_characters("a\u202eb") == [(1, "\u202e")]


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@HOSTILE_SETTINGS
@given(texts=st.data(), query=HOSTILE_ARGUMENT, answers=st.lists(HOSTILE_ARGUMENT, min_size=3,
                                                                  max_size=3))
def test_hostile_content_and_arguments_through_every_command(
        corpus: Corpus, runner: CliRunner, tmp_path_factory: pytest.TempPathFactory,
        texts: st.DataObject, query: str, answers: list[str]) -> None:
    folder = tmp_path_factory.mktemp("hostile")
    hostile_folder(corpus, lambda: texts.draw(HOSTILE), folder)
    env = {"BINATSEC_DATA_DIR": str(folder / "data"), "COLUMNS": "80",
           "BINATSEC_CONTENT_DIR": None}
    lint = runner.invoke(app, ["--content-dir", str(folder), "lint"], env=env)
    assert lint.exit_code == 0, lint.stdout  # BC015 only warns
    assert "[BC015]" in lint.stdout
    commands = [*READ_COMMANDS,
                ("search", query), ("search", query, "--json"), ("faq", query),
                ("stats", query), ("pillars", "2"), ("timeline", "--from", "2000"),
                ("quiz", "--topic", "all", "--count", "40", "--seed", "7", "--answers",
                 ",".join(["a"] * 40), "--no-save"),
                ("quiz", "--topic", "pillars", "--count", "3", "--seed", "1", "--answers",
                 ",".join(answers), "--no-save"),
                ("quiz", "--topic", "myths", "--count", "3", "--seed", "2", "--no-save"),
                ("quiz", "--print", "--topic", "all", "--count", "40", "--seed", "7"),
                ("myths", query, "--quiz", "--print", "--seed", "3")]
    # Bytes that are not UTF-8 on stdin, as a lone surrogate in an argument stands for.
    typed = ("\n".join(answers) + "\n").encode("utf-8", "surrogatepass")
    for command in commands:
        result = runner.invoke(app, ["--content-dir", str(folder), *command],
                               input=typed, env=env)
        where = f"binatsec {' '.join(command)!r}: exit {result.exit_code}"
        assert result.exit_code in (0, 1, 2), f"{where}\n{result.stderr}"
        assert_clean(where, result.stdout_bytes.decode("utf-8"), result.stderr)


def test_quiz_feedback_names_a_hostile_answer_cleanly(
        corpus: Corpus, runner: CliRunner, tmp_path: Path) -> None:
    """The report's case: a pillar name set to write the clipboard and retitle the window,
    printed in the quiz's "right: ..." feedback."""
    hostile_folder(corpus, lambda: "Name \x1b]52;c;aGk=\x07\x1b]0;owned\x07\u202eevil", tmp_path)
    result = runner.invoke(app, ["--content-dir", str(tmp_path), "quiz", "--topic", "pillars",
                                 "--count", "4", "--seed", "3", "--answers", "a,b,c,d",
                                 "--no-save"], env={"COLUMNS": "100"})
    assert "the answer is d) Name ]52;c;aGk=]0;ownedevil" in result.stdout
    assert_clean("quiz feedback", result.stdout, result.stderr)


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_interactive_quiz_in_a_terminal_prints_no_hostile_character(
        corpus: Corpus, tmp_path: Path) -> None:
    """The interactive quiz, played in a real pseudo-terminal without colour: every byte it
    writes to the terminal is free of controls, so whatever ESC shows up came from content."""
    from terminal_child import TerminalChild

    hostile_folder(corpus, lambda: "a \x1b[2J\x1b]0;owned\x07\u202e\u2066b", tmp_path / "c")
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "COLUMNS")}
    env.update(NO_COLOR="1", TERM="xterm", BINATSEC_DATA_DIR=str(tmp_path / "data"),
               BINATSEC_CONTENT_DIR=str(tmp_path / "c"))
    screen = io.BytesIO()
    child = TerminalChild([sys.executable, "-m", "binatsec", "quiz", "--topic", "pillars",
                           "--count", "3", "--seed", "4"], env=env, encoding=None,
                          timeout=60, dimensions=(40, 100))
    child.logfile_read = screen
    # The terminal echoes what is typed (ESC as ^[): a typed escape reaches binatsec, which
    # must not print it back raw when it says the answer was not one of the options.
    for answer in ("a", "b\x1b[2J", "b", "c"):
        child.expect_exact(b"or q to stop): ")
        child.sendline(answer.encode("utf-8"))
    child.expect(pexpect.EOF)
    child.close()
    shown = screen.getvalue().decode("utf-8")
    assert "Question 1 of 3" in shown and "Score:" in shown
    assert "is not one of the answers" in shown
    assert_clean("interactive quiz", shown.replace("\r", ""))


def test_answers_that_are_not_utf8_are_asked_again_not_a_crash(tmp_path: Path) -> None:
    """A binary file piped into a quiz: its bytes read as U+FFFD, an answer matching
    nothing, and the quiz goes on (it exited 70 with a UnicodeDecodeError)."""
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "BINATSEC_CONTENT_DIR"}
    env.update(BINATSEC_DATA_DIR=str(tmp_path), PYTHONIOENCODING="utf-8", LC_ALL="C.UTF-8")
    done = subprocess.run([sys.executable, "-m", "binatsec", "quiz", "--topic", "myths",
                           "--count", "1", "--seed", "1", "--no-save"],
                          input=b"\xff\xfe\xed\xa0\x80\nm\n", capture_output=True, env=env,
                          timeout=60, check=False)
    stderr = done.stderr.decode("utf-8")
    assert done.returncode == 0, stderr
    assert "is not one of the answers" in done.stdout.decode("utf-8") + stderr
    assert "internal error" not in stderr


def test_no_printable_character_is_one_the_rule_changes() -> None:
    """safe_text returns printable text as it is, unscanned: so no character Python calls
    printable may be one the rule drops or changes (every code point checked)."""
    import re

    from binatsec.textsafety import SURROGATES, UNSAFE

    changed = re.compile(f"{UNSAFE}|{SURROGATES}|[\\n\\t]")
    printable_yet_changed = [hex(code) for code in range(0x110000)
                             if chr(code).isprintable() and changed.match(chr(code))]
    assert printable_yet_changed == []
