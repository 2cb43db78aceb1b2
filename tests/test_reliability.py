"""Hardening (issue 5): every bad input gets a clear answer, nothing is lost, content can't
attack the terminal. Each test runs the installed console script in a subprocess: a real
pipe, /dev/full, a pseudo-terminal, real environment variables. docs/reliability.md lists
every input tried here and what the user gets.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pexpect
import pytest

from binatsec.corpus.spec import MAX_FILE_BYTES
from terminal_child import TerminalChild

SCRIPT = Path(sys.executable).parent / ("binatsec.exe" if os.name == "nt" else "binatsec")
pytestmark = pytest.mark.skipif(not SCRIPT.exists() or os.name == "nt",
                                reason="needs the installed console script on a POSIX system")

# What a crash looks like, whatever printed it.
CRASH = re.compile(r"Traceback \(most recent call last\)|Exception ignored|Error:\s*$", re.M)
ESC = "\x1b"
HOSTILE = ("[bold]Bold[/bold] [link=http://x]click[/link] \x1b[31mred\x1b[0m "
           "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\ bell\x07 cr\rover \x9b31m c1 del\x7f")
# Everything a terminal could act on: C0 except newline and tab, DEL, C1.
TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _env(tmp: Path | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("BINATSEC_CONTENT_DIR", "FORCE_COLOR", "NO_COLOR", "COLUMNS", "LINES",
                        "PYTHONIOENCODING", "CLICOLOR_FORCE", "TERM")}
    env["TERM"] = "xterm-256color"
    env["BINATSEC_DATA_DIR"] = str(tmp or Path("/nonexistent-binatsec-data"))
    env.update(extra)
    return env


def run(*args: str, stdin: Any = subprocess.DEVNULL, encoding: str = "utf-8",
        **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True,
                          encoding=encoding, errors="replace", env=_env(**env), stdin=stdin,
                          timeout=60, check=False)


def parallel(calls: Sequence[Callable[[], Any]]) -> list[Any]:
    """Run independent subprocesses side by side: the suite waits on start-up, not on CPU."""
    with ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 2)) as pool:
        return list(pool.map(lambda call: call(), calls))


def assert_clean_failure(stderr: str) -> None:
    """No traceback, no 'Exception ignored', and every line is binatsec speaking."""
    assert not CRASH.search(stderr), stderr
    for line in stderr.splitlines():
        assert line.startswith("binatsec: ") or not line.strip(), stderr


def spawn(*args: str, env: dict[str, str], width: int = 100) -> TerminalChild:
    return TerminalChild([str(SCRIPT), *args], env=env, codec_errors="replace", timeout=30,
                         dimensions=(40, width))


def in_terminal(*args: str, **env: str) -> tuple[int, str]:
    """Run in a pseudo-terminal; return the exit status and everything it printed."""
    child = spawn(*args, env=_env(**env))
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.before


def quiz_exists() -> bool:
    return "quiz" in run("--help").stdout


@pytest.fixture(scope="module")
def long_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A content folder big enough that output overflows a pipe's buffer (> 64 KB)."""
    folder = tmp_path_factory.mktemp("long")
    (folder / "faq.toml").write_text("".join(
        f'[[faq]]\nid = "faq.extra-{n}"\nquestion.en = "Extra question {n}, long enough '
        f'to fill a pipe?"\nanswer.en = "Answer {n}."\n\n' for n in range(600)),
        encoding="utf-8")
    return folder


# --- pipes and full disks -------------------------------------------------------------------

PIPED = [["faq"], ["faq", "--json"], ["search", "question"], ["export", "--format", "markdown"],
         ["export", "--format", "csv"]]


def _pipeline(args: list[str], reader: str, folder: Path) -> Callable[[], tuple[int, str]]:
    command = " ".join([f'"{SCRIPT}"', "--content-dir", f'"{folder}"', *args])

    def call() -> tuple[int, str]:
        # PIPESTATUS gives the writer's own status, as `set -o pipefail` would.
        script = f'{command} | {reader} >/dev/null; echo "status=${{PIPESTATUS[0]}}" >&2'
        result = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                                env=_env(), timeout=60, check=False)
        status = int(re.findall(r"status=(\d+)", result.stderr)[-1])
        return status, re.sub(r"status=\d+\n", "", result.stderr)

    return call


@pytest.mark.parametrize("reader", ["head -1", "true"])
def test_closed_pipe_ends_quietly(reader: str, long_folder: Path) -> None:
    results = parallel([_pipeline(args, reader, long_folder) for args in PIPED])
    for args, (status, noise) in zip(PIPED, results, strict=True):
        assert status in (0, 1), (args, noise)
        assert noise == "", (args, noise)  # not even a one-line message: nobody is reading


def _to_full_disk(args: list[str]) -> subprocess.CompletedProcess[str]:
    with Path("/dev/full").open("w") as full:
        return subprocess.run([str(SCRIPT), *args], stdout=full, stderr=subprocess.PIPE,
                              text=True, env=_env(), timeout=60, check=False)


def _assert_full_disk(args: list[str], result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 1, args
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("binatsec: error: cannot write output:"), args


def test_full_disk_is_one_line_and_exit_1() -> None:
    cases = [*PIPED, ["stats"], ["timeline"], ["export"], ["--help"], ["lint"], ["-V", "faq"]]
    for args, result in zip(cases, parallel([lambda a=a: _to_full_disk(a) for a in cases]),
                            strict=True):
        _assert_full_disk(args, result)


def test_full_disk_after_version() -> None:
    _assert_full_disk(["--version"], _to_full_disk(["--version"]))


def test_closed_stdout_is_one_line_and_exit_1() -> None:
    result = subprocess.run(f'"{SCRIPT}" faq >&-', shell=True, capture_output=True, text=True,
                            env=_env(), timeout=60, check=False)
    assert result.returncode == 1
    assert result.stderr == "binatsec: error: cannot write output: standard output is closed\n"


def test_closed_stderr_still_exits_with_the_code() -> None:
    result = subprocess.run(f'"{SCRIPT}" faq zebra 2>&-', shell=True, capture_output=True,
                            text=True, env=_env(), timeout=60, check=False)
    assert result.returncode == 1
    assert result.stdout == ""


# --- signals and input ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def slow_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Some 5 MB of FAQ: loading it takes seconds, long enough for a Ctrl-C (the limit,
    MAX_FILE_BYTES, is larger: what matters is the seconds, not the limit)."""
    folder = tmp_path_factory.mktemp("slow")
    record = '[[faq]]\nid = "faq.q{0}"\nquestion.en = "Question {0}?"\nanswer.en = "A {0}."\n\n'
    parts, size, n = [], 0, 0
    while size < 5 * 2**20 - 200_000:
        parts.append(record.format(n))
        size += len(parts[-1])
        n += 1
    (folder / "faq.toml").write_text("".join(parts), encoding="utf-8")
    return folder


def test_ctrl_c_while_working_exits_130_after_a_newline(slow_folder: Path,
                                                        tmp_path: Path) -> None:
    # A cold parse cache of its own, so the big file is really parsed (for seconds here),
    # whatever other tests left in the shared one.
    child = spawn("--content-dir", str(slow_folder), "faq", "zebra",
                  env=_env(BINATSEC_CACHE_DIR=str(tmp_path / "cold-cache")))
    time.sleep(0.5)
    if not child.isalive():
        pytest.skip("this machine parsed 5 MB before Ctrl-C could be sent")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, child.before
    assert "Traceback" not in child.before
    assert re.search(r"\r?\nbinatsec: interrupted\r?\n$", child.before), repr(child.before)


@pytest.mark.parametrize("key", ["\x03", "\x04"], ids=["ctrl-c", "ctrl-d"])
def test_quiz_prompt_ctrl_c_and_end_of_input(key: str, tmp_path: Path) -> None:
    if not quiz_exists():
        pytest.skip("binatsec quiz is not there yet")
    child = spawn("quiz", "--seed", "1", env=_env(tmp_path))
    child.expect("answer")
    child.send(key)
    child.expect(pexpect.EOF)
    child.close()
    assert "Traceback" not in child.before
    assert "Aborted" not in child.before
    # Ctrl-D ends the quiz unfinished: exit 1, which a script can tell from a finished quiz.
    assert child.exitstatus == (130 if key == "\x03" else 1), child.before
    if key == "\x03":
        # Interrupted: nothing saved, not even a partial history file.
        assert list(tmp_path.iterdir()) == []


def test_quiz_without_a_terminal_never_waits(tmp_path: Path) -> None:
    if not quiz_exists():
        pytest.skip("binatsec quiz is not there yet")
    for args in (["quiz", "--no-input", "--no-save"], ["quiz", "--no-save"]):
        result = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True,
                                stdin=subprocess.DEVNULL, env=_env(tmp_path), timeout=20,
                                check=False)
        assert result.returncode in (0, 1, 2)
        assert_clean_failure(result.stderr)


# --- colour ---------------------------------------------------------------------------------

# (environment, styled in a terminal, styled in a pipe): no-color.org (a non-empty NO_COLOR
# turns colour off), force-color.org (a non-empty FORCE_COLOR, whatever its value, turns it
# on, even into a pipe), NO_COLOR wins over FORCE_COLOR, and TERM=dumb means a terminal that
# can't show it.
COLOURS: list[tuple[dict[str, str], bool, bool]] = [
    ({}, True, False),
    ({"NO_COLOR": "1"}, False, False),
    ({"NO_COLOR": ""}, True, False),
    ({"TERM": "dumb"}, False, False),
    ({"FORCE_COLOR": "1"}, True, True),
    ({"FORCE_COLOR": "0"}, True, True),
    ({"FORCE_COLOR": ""}, True, False),
    ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, False, False),
]


def _ids(case: tuple[dict[str, str], bool, bool]) -> str:
    return " ".join(f"{k}={v!r}" for k, v in case[0].items()) or "plain"


def test_colour_in_a_terminal() -> None:
    human = parallel([lambda e=env: in_terminal("faq", "merida", **e) for env, _, _ in COLOURS])
    machine = parallel([lambda e=env: in_terminal("stats", "--json", **e)
                        for env, _, _ in COLOURS])
    for (env, styled, _), (status, shown), (json_status, document) in zip(
            COLOURS, human, machine, strict=True):
        assert status == json_status == 0, env
        assert (ESC in shown) is styled, (env, shown[:300])
        assert ESC not in document, env
        assert json.loads(document)["items"], env


def test_colour_through_a_pipe() -> None:
    commands = [["faq", "merida"], ["faq", "--json"], ["lint", "--json"]]
    calls = [(env, styled, args) for env, _, styled in COLOURS for args in commands]
    results = parallel([lambda c=c: run(*c[2], **c[0]) for c in calls])
    for (env, styled, args), result in zip(calls, results, strict=True):
        assert result.returncode == 0, (env, args)
        human = args == ["faq", "merida"]
        assert (ESC in result.stdout) is (styled and human), (env, args)


# --- width ----------------------------------------------------------------------------------

WIDE = [["faq"], ["faq", "merida"], ["myths"], ["timeline"], ["pillars"], ["stats"],
        ["cooperation"], ["sources"], ["search", "drug"], []]


def _all_ids(document: Any) -> Iterator[str]:
    if isinstance(document, dict):
        for key, value in document.items():
            if key == "id" and isinstance(value, str):
                yield value
            else:
                yield from _all_ids(value)
    elif isinstance(document, list):
        for value in document:
            yield from _all_ids(value)


def _shown_whole(record_id: str, text: str) -> bool:
    """The id (or, in the FAQ list, its short form) on one line, unbroken."""
    return any(record_id in line or (record_id.startswith("faq.") and
                                     re.search(rf"(^|\s){re.escape(record_id[4:])}(\s|$)", line))
               for line in text.splitlines())


WIDTHS = (5, 20, 40, 200)


@pytest.mark.parametrize("args", WIDE, ids=lambda a: " ".join(a) or "overview")
def test_every_id_whole_at_every_width(args: list[str]) -> None:
    document_run, *runs = parallel([lambda: run(*args, "--json")] + [
        lambda w=w: run(*args, COLUMNS=str(w)) for w in WIDTHS])
    document = json.loads(document_run.stdout)
    candidates = set(_all_ids(document))
    shown: dict[int, set[str]] = {}
    for width, result in zip(WIDTHS, runs, strict=True):
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        shown[width] = {i for i in candidates if _shown_whole(i, result.stdout)}
        if args == []:
            # The overview names every command, whole, at any width.
            for command in ("faq", "myths", "timeline", "pillars", "stats", "search"):
                assert command in result.stdout.split()
    top = {item["id"] for item in document.get("items", [])}
    assert top <= shown[200]
    assert shown[5] == shown[20] == shown[40] == shown[200]


def test_chart_labels_are_never_cut() -> None:
    items = json.loads(run("stats", "seizures", "--json").stdout)["items"]
    labels = [item["label"] for item in items if item["unit"] in ("kg", "lb")]  # charted
    assert len(labels) >= 2
    widths = (5, 20, 40, 60, 80, 200)
    charts = parallel([lambda w=w: run("stats", "seizures", "--chart", COLUMNS=str(w))
                       for w in widths])
    for width, result in zip(widths, charts, strict=True):
        assert result.returncode == 0
        squeezed = re.sub(r"\s", "", result.stdout)
        for label in labels:
            assert re.sub(r"\s", "", label) in squeezed, (width, label)


# --- encodings ------------------------------------------------------------------------------


ENCODED = [["faq", "merida"], ["stats"], ["lint"], ["--help"], ["timeline", "--help"],
           ["export", "--format", "markdown"], ["export", "--format", "csv"],
           ["faq", "--json"], ["export"], ["stats", "--json"]]


@pytest.fixture(scope="module")
def utf8_outputs() -> list[subprocess.CompletedProcess[str]]:
    return parallel([lambda a=a: run(*a) for a in ENCODED])


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_narrow_stdout_encoding_degrades(
        encoding: str, utf8_outputs: list[subprocess.CompletedProcess[str]]) -> None:
    wides = utf8_outputs
    narrows = parallel([lambda a=a: run(*a, encoding=encoding, PYTHONIOENCODING=encoding)
                        for a in ENCODED])
    for args, wide, narrow in zip(ENCODED, wides, narrows, strict=True):
        assert narrow.returncode == 0, (args, narrow.stderr)
        assert narrow.stderr == ""
        if "--json" in args or args == ["export"]:
            # Escaped to ASCII, and the same data once parsed.
            assert narrow.stdout.isascii()
            assert json.loads(narrow.stdout) == json.loads(wide.stdout)
            continue
        degraded = wide.stdout.encode(encoding, "replace").decode(encoding)
        if args[0] == "export":
            assert narrow.stdout == degraded, args  # written as is: only '?' replaces
        else:
            # Rich may also swap box-drawing for ASCII rules, which wraps differently, and
            # click writes --help as UTF-8 to an "ascii" stdout it takes for misconfigured;
            # either way every word survives.
            words = re.compile(r"[A-Za-z0-9]+")
            assert sorted(words.findall(narrow.stdout)) == sorted(words.findall(degraded))


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_narrow_stderr_encoding_escapes_the_query(encoding: str) -> None:
    result = run("faq", "Mérida 🙂 مرحبا", encoding=encoding, PYTHONIOENCODING=encoding)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "\\U0001f642" in result.stderr


# --- content is data ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    quoted = json.dumps(HOSTILE)  # a JSON string is a valid TOML basic string
    (folder / "faq.toml").write_text(
        f'[[faq]]\nid = "faq.hostile"\nquestion.en = {json.dumps("Q " + HOSTILE)}\n'
        f"answer.en = {quoted}\n", encoding="utf-8")
    (folder / "myths.toml").write_text(
        f'[[myth]]\nid = "myth.hostile"\nmyth.en = {quoted}\nfact.en = {quoted}\n'
        f'reality.en = {quoted}\n',
        encoding="utf-8")
    return folder


HUMAN_PATHS = [["faq", "hostile"], ["faq"], ["myths"], ["search", "bell"],
               ["export", "--format", "markdown"]]


@pytest.mark.parametrize("colour", [{}, {"FORCE_COLOR": "1"}], ids=["plain", "forced"])
def test_hostile_text_prints_literally(colour: dict[str, str], hostile_folder: Path) -> None:
    results = parallel([lambda a=a: run("--content-dir", str(hostile_folder), *a, **colour)
                        for a in HUMAN_PATHS])
    for args, result in zip(HUMAN_PATHS, results, strict=True):
        _assert_literal(args, result, bool(colour))


def _assert_literal(args: list[str], result: subprocess.CompletedProcess[str],
                    colour: bool) -> None:
    assert result.returncode == 0, result.stderr
    out = result.stdout
    if colour:
        # Only binatsec's own styling (SGR: ESC [ digits ; m) may remain.
        out = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert not TERMINAL_CONTROL.search(out), repr(out)
    literal = out if args[0] != "export" else out.replace("\\", "")  # Markdown escapes []
    assert "[bold]Bold[/bold]" in literal
    assert "[link=http://x]click[/link]" in literal
    assert "http://evil" in literal  # the link target is shown, not turned into a link


@pytest.mark.parametrize("args,field", [(["faq", "hostile"], "answer"),
                                        (["myths"], "reality")], ids=["faq", "myths"])
def test_hostile_text_is_verbatim_in_json(args: list[str], field: str,
                                          hostile_folder: Path) -> None:
    result = run("--content-dir", str(hostile_folder), *args, "--json", FORCE_COLOR="1")
    assert result.returncode == 0
    assert not TERMINAL_CONTROL.search(result.stdout.replace("\n", "")), "raw control in JSON"
    items = {item["id"]: item for item in json.loads(result.stdout)["items"]}
    hostile = items.get("faq.hostile") or items["myth.hostile"]
    assert hostile[field] == HOSTILE


def test_hostile_text_in_a_terminal(hostile_folder: Path) -> None:
    status, shown = in_terminal("--content-dir", str(hostile_folder), "faq", "hostile")
    assert status == 0
    assert "\x1b]8" not in shown and "\x07" not in shown and "\x1b[31m" not in shown
    assert "[bold]Bold[/bold]" in shown


# --- bad content folders --------------------------------------------------------------------


def _content_error(folder: Path) -> tuple[str, str]:
    """The same folder through a read command (exit 2) and through lint (exit 1)."""
    read, checked = parallel([lambda: run("--content-dir", str(folder), "faq"),
                              lambda: run("lint", str(folder))])
    assert read.returncode == 2, read.stdout
    assert_clean_failure(read.stderr)
    assert checked.returncode == 1
    assert checked.stderr == ""
    return read.stderr, checked.stdout


def test_symlinked_content_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "faq.toml").symlink_to(Path("/etc/hostname"))
    stderr, linted = _content_error(tmp_path)
    assert f"{tmp_path / 'faq.toml'}: is a symbolic link; refusing to follow [BC012]" in stderr
    assert "symbolic link" in linted


def test_huge_content_file_is_refused(tmp_path: Path) -> None:
    with (tmp_path / "faq.toml").open("wb") as big:
        big.truncate(MAX_FILE_BYTES + 1)
    stderr, linted = _content_error(tmp_path)
    assert "faq.toml: is larger than 16 MB; refusing to read [BC012]" in stderr
    assert "larger than 16 MB" in linted


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_special_file_with_a_content_name_is_refused(kind: str, tmp_path: Path) -> None:
    target = tmp_path / "faq.toml"
    if kind == "fifo":
        os.mkfifo(target)  # reading it would wait forever
    else:
        target.mkdir()
    stderr, _ = _content_error(tmp_path)
    assert "faq.toml: is not a regular file [BC012]" in stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode, so "
                    "chmod 000 can't make it unreadable (the suite runs as root in CI)")
def test_unreadable_content_file_names_the_file(tmp_path: Path) -> None:  # pragma: no cover
    target = tmp_path / "faq.toml"
    target.write_text("[[faq]]\n", encoding="utf-8")
    target.chmod(0)
    try:
        stderr, _ = _content_error(tmp_path)
    finally:
        target.chmod(0o600)
    assert f"{target}: cannot be read: Permission denied [BC012]" in stderr


def test_unknown_file_name_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    stderr, _ = _content_error(tmp_path)
    assert "notes.txt: unknown content file name (expected: summary.toml, faq.toml" in stderr


@pytest.mark.parametrize("text,where,message", [
    ('[[faq]]\nid = "faq.x"\nquestion.en = "never closed\nanswer.en = "a"\n', "3:28",
     "the string opened at column 15 is not closed before the end of the line"),
    ('[[faq]]\nid = "faq.x"\nquestion.en = """never closed\n\nanswer.en = "a"\n\n', "3:15",
     "this string is never closed (the parser gave up at line 7)"),
    ('[[faq\nid = "faq.x"\n', "1:6", "Expected ']]'"),
    ('[[faq]]\nid = "faq.x"\nid = "faq.y"\n', "3:13", "Cannot overwrite a value"),
    ('[[faq]]\nid = faq.x\n', "2:6", "Invalid value"),
], ids=["one-line string", "multi-line string", "table header", "duplicate key", "bare word"])
def test_toml_syntax_error_names_file_line_and_column(text: str, where: str, message: str,
                                                      tmp_path: Path) -> None:
    (tmp_path / "faq.toml").write_text(text, encoding="utf-8")
    stderr, linted = _content_error(tmp_path)
    line = f"{tmp_path / 'faq.toml'}:{where}: TOML syntax error: "
    assert f"binatsec: content error: {line}" in stderr
    assert message in stderr
    assert linted.startswith(line)


def test_not_utf8_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "faq.toml").write_bytes(b'[[faq]]\nid = "faq.\xff"\n')
    stderr, _ = _content_error(tmp_path)
    assert "faq.toml: is not UTF-8 text (byte 18) [BC001]" in stderr


def test_validation_error_names_file_record_and_key(tmp_path: Path) -> None:
    (tmp_path / "faq.toml").write_text(
        '[[faq]]\nid = "faq.x"\nquestion.en = "Q?"\nanswer.en = 5\n', encoding="utf-8")
    stderr, _ = _content_error(tmp_path)
    assert (f"{tmp_path / 'faq.toml'}:4: faq.x: answer.en: expected a string, got integer "
            "[BC005]") in stderr


def test_several_problems_are_listed_at_once(tmp_path: Path) -> None:
    (tmp_path / "faq.toml").write_text(
        '[[faq]]\nid = "faq.x"\nquestion.en = "Q?"\nanswer.en = 5\n\n'
        '[[faq]]\nid = "BAD"\nquestion = "x"\nanswer.en = "y"\nfoo = 1\n', encoding="utf-8")
    (tmp_path / "myths.toml").write_text('[[myth]]\nid = "myth.x"\nmyth.en = ""\n',
                                         encoding="utf-8")
    (tmp_path / "stray.toml").write_text("", encoding="utf-8")
    stderr, linted = _content_error(tmp_path)
    rules = re.findall(r"\[(BC\d{3})\]$", stderr, re.M)
    # The whole corpus is checked on every run: the broken myths file is reported too.
    assert sorted(set(rules)) == ["BC002", "BC003", "BC004", "BC005", "BC006", "BC011"]
    assert stderr.splitlines()[-1].startswith("binatsec: fix the file(s) above")
    lint_rules = re.findall(r"\[(BC\d{3})\]$", linted, re.M)
    assert sorted(set(lint_rules)) == ["BC002", "BC003", "BC004", "BC005", "BC006", "BC011"]
    assert linted.splitlines()[-1] == f"{len(lint_rules)} problems in {tmp_path}"


def test_problem_list_stops_at_a_sane_limit(tmp_path: Path) -> None:
    (tmp_path / "faq.toml").write_text("".join(
        f'[[faq]]\nid = "faq.q{n}"\nquestion.en = "Q?"\nanswer.en = {n}\n\n'
        for n in range(200)), encoding="utf-8")
    stderr, linted = _content_error(tmp_path)
    assert stderr.count("content error:") == 50
    assert "stopped after the first 50 problems; there may be more" in stderr
    assert linted.splitlines()[-2:] == [f"50 problems in {tmp_path}",
                                        "Checking stopped there: there may be more."]


# --- arguments ------------------------------------------------------------------------------

QUERIES = ["", " ", "x" * 10_240, "🙂🔥", "مرحبا بالعالم", "שלום", "a\u202eb\u202c",
           "\x1b[31mred\x1b]8;;http://evil\x1b\\", "bell\x07 cr\r del\x7f c1\x9b",
           "[bold]x[/bold]", "--", "-", "'; rm -rf /", "%s%n{0}", "\ufeffbom", "Mérida"]


QUERY_COMMANDS = ["faq", "search", "pillars"]


@pytest.mark.parametrize("command", QUERY_COMMANDS)
def test_any_query_string_is_handled(command: str) -> None:
    # Every other query through --json, shifted by command, so across the three commands
    # both paths meet every kind of string.
    shift = QUERY_COMMANDS.index(command)
    calls = [[command, *(["--json"] if (n + shift) % 2 else []), "--", query]
             for n, query in enumerate(QUERIES)]
    for args, result in zip(calls, parallel([lambda a=a: run(*a) for a in calls]),
                            strict=True):
        extra = args[1:2] == ["--json"]
        assert result.returncode in (0, 1, 2), result.stderr
        assert_clean_failure(result.stderr)
        assert not TERMINAL_CONTROL.search(result.stderr.replace("\n", "")), result.stderr
        assert result.stderr.count("\n") <= 1
        if result.returncode == 0 and extra:
            assert json.loads(result.stdout)["command"] == command


RANGES = [
    (["timeline", "--from", "1700"], "use a year from 1800 to 2100"),
    (["timeline", "--to", "2200"], "use a year from 1800 to 2100"),
    (["timeline", "--from", "-5"], "use a year from 1800 to 2100"),
    (["timeline", "--from", "99999999999999999999"], "use a year from 1800 to 2100"),
    (["timeline", "--from", "2010", "--to", "2000"], "--from 2010 is after --to 2000"),
    (["timeline", "--from", "soon"], "'soon' is not a valid int"),
    (["search", "drug", "-n", "0"], "0 is not in the range x>=1"),
    (["search", "drug", "--limit", "-3"], "-3 is not in the range x>=1"),
    (["pillars", "0"], "give a number from 1 to 4"),
    (["pillars", "9"], "give a number from 1 to 4"),
    (["stats", "--unit", "stone"], "'stone' is not one of 'kg', 'lb'"),
    (["export", "--format", "docx"], "choose from: json, csv, markdown, md, html"),
    (["quiz", "--count", "0"], "0 is not in the range x>=1"),
    (["quiz", "--count", "-2"], "-2 is not in the range x>=1"),
    (["quiz", "--seed", "-1"], "-1 is not in the range 0<=x<=2147483647"),
]


def test_out_of_range_is_a_usage_error_naming_the_range() -> None:
    cases = RANGES if quiz_exists() else [c for c in RANGES if c[0][0] != "quiz"]
    results = parallel([lambda a=args: run(*a) for args, _ in cases])
    for (args, expected), result in zip(cases, results, strict=True):
        assert result.returncode == 2, args
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1, result.stderr
        assert expected in result.stderr, result.stderr
        assert result.stderr.rstrip().endswith("--help')")


def test_content_dir_that_is_not_a_folder(tmp_path: Path) -> None:
    missing = run("--content-dir", str(tmp_path / "nope"), "faq")
    assert missing.returncode == 2
    assert f"{tmp_path / 'nope'}: is not a folder of content files [BC012]" in missing.stderr
    a_file = tmp_path / "file"
    a_file.write_text("", encoding="utf-8")
    result = run("--content-dir", str(a_file), "faq")
    assert result.returncode == 2
    assert "is a file" in result.stderr
    assert_clean_failure(result.stderr)


@pytest.mark.parametrize("args", [["faq"], ["lint"], ["export", "-f", "csv"]])
def test_a_cache_folder_for_an_unknown_user_is_a_usage_error(args: list[str]) -> None:
    result = run(*args, BINATSEC_CACHE_DIR="~nosuchuser-binatsec/c")
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert "BINATSEC_CACHE_DIR '~nosuchuser-binatsec/c'" in result.stderr
    assert_clean_failure(result.stderr)


def test_export_to_dash_is_standard_output(tmp_path: Path) -> None:
    done = subprocess.run([str(SCRIPT), "export", "-f", "csv", "-o", "-"], capture_output=True,
                          text=True, env=_env(), cwd=tmp_path, timeout=60, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("id,category")
    assert list(tmp_path.iterdir()) == []


# --- quiz history: never waited on, never a lie (issue 14) ---------------------------------

QUIZ = ["quiz", "--topic", "myths", "--count", "2", "--seed", "5", "--answers", "m,m"]


def _run_with_stdin_open(args: list[str], env: dict[str, str],
                         folder: Path) -> tuple[int, str, float]:
    """Run with stdin a pipe that stays open (so reading /dev/stdin would wait); the exit
    status, stderr and seconds taken; a run still going after 20 s is killed and fails."""
    started = time.perf_counter()
    with (folder / "stderr").open("w+", encoding="utf-8") as stderr:
        child = subprocess.Popen([str(SCRIPT), *args], stdin=subprocess.PIPE,
                                 stdout=subprocess.DEVNULL, stderr=stderr, env=env)
        try:
            code = child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            pytest.fail(f"binatsec {' '.join(args)} hung")
        finally:
            assert child.stdin is not None
            child.stdin.close()
        stderr.seek(0)
        return code, stderr.read(), time.perf_counter() - started


@pytest.mark.parametrize("command", [QUIZ, ["quiz", "history"]], ids=["quiz", "history"])
@pytest.mark.parametrize("kind", ["fifo", "stdin-link"])
def test_a_fifo_or_stdin_in_place_of_the_history_never_hangs(kind: str, command: list[str],
                                                             tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    target = data / "history.json"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/stdin")
    code, stderr, took = _run_with_stdin_open(command, _env(data), tmp_path)
    assert code == (73 if command == QUIZ else 0), stderr
    assert took < 10
    assert "is a FIFO (named pipe), not a regular file; left it as it is" in stderr
    assert stderr.count("\n") == 1
    assert_clean_failure(stderr)
    assert target.is_symlink() if kind == "stdin-link" else target.is_fifo()  # left as it was


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_a_data_folder_where_no_file_can_be_made_is_said_at_once() -> None:
    started = time.perf_counter()
    result = run(*QUIZ, BINATSEC_DATA_DIR="/proc/self/fd")
    assert time.perf_counter() - started < 5  # it waited out the 10 s lock timeout
    assert result.returncode == 73
    assert "another binatsec" not in result.stderr
    assert result.stderr == ("binatsec: cannot lock quiz history: cannot create "
                             "/proc/self/fd/history.json.lock: No such file or directory; this "
                             "quiz was not saved\n")


DOCS = Path(__file__).resolve().parents[1] / "docs" / "reliability.md"


def _documented_quiz_commands() -> list[tuple[str, int]]:
    """Each row of docs/reliability.md whose input is a whole `binatsec quiz ...` shell
    command, with the exit status the row gives."""
    rows = []
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        if len(cells) < 2:
            continue
        command = re.fullmatch(r"`([^`]+)`(?: \(.*\))?", cells[0])
        if command and "binatsec quiz" in command.group(1) and cells[1].isdigit():
            rows.append((command.group(1).replace("\\|", "|"), int(cells[1])))
    return rows


def test_the_documented_quiz_inputs_exit_as_documented(tmp_path: Path) -> None:
    """The docs said `quiz < /dev/zero` exits 0; like every quiz with no answers it exits 1."""
    rows = _documented_quiz_commands()
    assert "binatsec quiz < /dev/zero" in dict(rows)
    for command, documented in rows:
        shell = command.replace("binatsec", shlex.quote(str(SCRIPT)))
        result = subprocess.run(["bash", "-c", shell], capture_output=True, text=True,
                                env=_env(tmp_path), timeout=60, check=False)
        assert (command, result.returncode) == (command, documented), result.stderr
