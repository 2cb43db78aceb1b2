"""Answers kept (binatsec/answers.py): the installed script answers a read command again from
what the full path printed, byte for byte, and only when nothing that changes it changed.

Each case runs the console script in a subprocess three times with a private cache: with
answers off (the full path: the reference), on (it may keep the answer), and on again (it may
serve it). All three must print the same bytes and exit the same way. Whether the third was
served is told by the entry's use time, which serving refreshes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binatsec import answers
from binatsec.corpus import spec

ROOT = Path(__file__).resolve().parents[1]


def _script() -> Path:
    beside = Path(sys.executable).with_name("binatsec")
    found = beside if beside.is_file() else shutil.which("binatsec")
    if found is None:
        pytest.skip("the binatsec console script is not installed")
    return Path(found)


def _environ(cache: Path, **extra: str) -> dict[str, str]:
    environ = {name: value for name, value in os.environ.items()
               if not name.startswith(("BINATSEC_", "NO_COLOR", "FORCE_COLOR", "COLUMNS"))}
    environ.update({"BINATSEC_CACHE_DIR": str(cache),
                    "BINATSEC_DATA_DIR": str(cache.parent / "data"), "BINATSEC_PAGER": ""},
                   **extra)
    return environ


def _run(argv: Sequence[str], environ: Mapping[str, str],
         cwd: Path | None = None) -> tuple[int, bytes, bytes]:
    done = subprocess.run([str(_script()), *argv], env=dict(environ), capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=120, check=False, cwd=cwd)
    return done.returncode, done.stdout, done.stderr


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / answers.FOLDER).glob("*.answer"))


def _age(cache: Path) -> None:
    for entry in _entries(cache):
        os.utime(entry, (1000, 1000))


def _served(cache: Path) -> bool:
    return any(entry.stat().st_mtime > 1000 for entry in _entries(cache))


def _three_ways(argv: Sequence[str], cache: Path, **extra: str) -> tuple[bool, bool]:
    """Run `argv` off, on, on; assert the same bytes; (kept after the second, served third)."""
    reference = _run(argv, _environ(cache, BINATSEC_ANSWERS="0", **extra))
    assert not _entries(cache), "answers off keeps nothing"
    first = _run(argv, _environ(cache, **extra))
    assert first == reference, argv
    kept = bool(_entries(cache))
    _age(cache)
    again = _run(argv, _environ(cache, **extra))
    assert again == reference, argv
    return kept, _served(cache)


READ_COMMANDS = [
    [], ["faq"], ["faq", "merida"], ["myths"], ["timeline", "--from", "2010"], ["pillars", "2"],
    ["stats", "seizures"], ["stats", "--unit", "lb"], ["search", "fentanyl"],
    ["search", "incautaciones", "--lang", "es"], ["export", "--format", "csv"],
    ["export", "-f", "md", "-s", "faq"], ["quiz", "--print", "--seed", "3", "--count", "2"],
    ["faq", "zebra"],  # nothing found (exit 1) is an answer too
    ["schema", "stats"], ["man"], ["--help"], ["faq", "--help", "--lang", "es"],
    ["quiz", "--topic", "faq", "--seed", "1", "--count", "2", "--answers", "a,b", "--no-save"],
]


@pytest.mark.parametrize("argv", READ_COMMANDS, ids=lambda argv: " ".join(argv) or "overview")
def test_a_read_command_is_kept_and_served_byte_for_byte(argv: list[str],
                                                          tmp_path: Path) -> None:
    kept, served = _three_ways(argv, tmp_path / "cache")
    assert kept and served


@pytest.mark.parametrize("argv", [
    ["faq", "--bogus"],  # a usage error: the full path's message, every time
    ["quiz", "--print", "--count", "2"],  # no --seed: other questions each time
    ["quiz", "history"],  # the history, which quizzes change
    ["lint"],
    # A played quiz that is saved to the history (no --no-save), or played from stdin.
    ["quiz", "--topic", "faq", "--seed", "1", "--count", "2", "--answers", "a,b"],
    ["quiz", "--topic", "faq", "--seed", "1", "--count", "2", "--no-save"],
], ids=" ".join)
def test_what_is_not_an_answer_is_never_kept(argv: list[str], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _run(argv, _environ(cache))
    assert not _entries(cache)


def test_shell_completion_is_never_served_an_answer(tmp_path: Path) -> None:
    """Completion runs `binatsec` with no arguments, as the overview does: only its variable
    tells them apart, and it always goes the full way."""
    cache = tmp_path / "cache"
    overview = _run([], _environ(cache))
    assert overview[0] == 0 and _entries(cache)
    completing = _run([], _environ(cache, _BINATSEC_COMPLETE="complete_bash",
                                   COMP_WORDS="binatsec fa", COMP_CWORD="1"))
    assert completing[0] == 0 and b"faq" in completing[1]
    assert completing[1] != overview[1]


def test_an_export_written_a_record_at_a_time_is_kept_as_one_chunk(tmp_path: Path) -> None:
    """JSON export writes a piece per record; writes in a row to one stream are kept as
    one chunk, so the entry's head stays short whatever the number of records, and the
    answer is served byte for byte."""
    kept, served = _three_ways(["export"], tmp_path / "cache")
    assert kept and served
    (entry,) = _entries(tmp_path / "cache")
    head = entry.read_bytes().split(b"\n", 1)[0].decode("ascii")
    table = head.split(" ")[2]
    assert table.startswith("o") and "," not in table, head


def test_an_export_to_a_file_writes_the_file_every_time(tmp_path: Path) -> None:
    cache, target = tmp_path / "cache", tmp_path / "faq.md"
    for _ in range(2):
        code, _, _ = _run(["export", "-f", "md", "-s", "faq", "-o", str(target)], _environ(cache))
        assert code == 0 and target.is_file()
        target.unlink()
    assert not _entries(cache)


def test_an_edited_content_file_is_a_new_answer(tmp_path: Path) -> None:
    cache, folder = tmp_path / "cache", tmp_path / "mine"
    folder.mkdir()
    faq = folder / "faq.toml"
    faq.write_text('[[faq]]\nid = "faq.mine"\nquestion.en = "Is this mine?"\n'
                   'answer.en = "Yes, the first time."\n', encoding="utf-8")
    argv = ["--content-dir", str(folder), "faq", "mine"]
    assert b"the first time" in _run(argv, _environ(cache))[1]
    faq.write_text(faq.read_text(encoding="utf-8").replace("first", "second"), encoding="utf-8")
    assert b"the second time" in _run(argv, _environ(cache))[1]
    # The same folder named by the variable instead: the variable is part of the key too.
    shown = _run(["faq", "mine"], _environ(cache, BINATSEC_CONTENT_DIR=str(folder)))
    assert b"the second time" in shown[1]


def test_an_empty_content_dir_is_the_current_folder_and_its_files_are_in_the_key(
        tmp_path: Path) -> None:
    """Click makes `--content-dir ''` the current folder: an edit there is a new answer."""
    cache = tmp_path / "cache"
    faq = tmp_path / "faq.toml"
    faq.write_text('[[faq]]\nid = "faq.mine"\nquestion.en = "Is this mine?"\n'
                   'answer.en = "Yes, ONE."\n', encoding="utf-8")
    argv = ["--content-dir", "", "faq", "mine"]
    assert b"ONE" in _run(argv, _environ(cache), cwd=tmp_path)[1]
    faq.write_text(faq.read_text(encoding="utf-8").replace("ONE", "TWO"), encoding="utf-8")
    assert b"TWO" in _run(argv, _environ(cache), cwd=tmp_path)[1]


def test_stdout_and_stderr_come_out_in_the_order_written(tmp_path: Path) -> None:
    """A notice on stderr before the answer stays before it, served or not (2>&1)."""
    cache, folder = tmp_path / "cache", tmp_path / "mine"
    folder.mkdir()
    (folder / "faq.toml").write_text('[[faq]]\nid = "faq.mine"\nquestion.en = "Mine?"\n'
                                     'answer.en = "Only in English."\n', encoding="utf-8")
    argv = [str(_script()), "--content-dir", str(folder), "--lang", "es", "faq", "mine"]
    shown = []
    for switch in ("0", "1", "1"):
        done = subprocess.run(argv, env=_environ(cache, BINATSEC_ANSWERS=switch),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, timeout=60, check=False)
        shown.append(done.stdout)
    assert shown[0] == shown[1] == shown[2]
    assert shown[0].index(b"binatsec: ") < shown[0].index(b"Only in English")


def test_a_damaged_entry_is_removed_and_answered_the_full_way(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    reference = _run(["stats", "seizures"], _environ(cache))
    (entry,) = _entries(cache)
    entry.write_bytes(entry.read_bytes().replace(b"seizures", b"SEIZURES", 1))
    assert _run(["stats", "seizures"], _environ(cache)) == reference
    (again,) = _entries(cache)
    assert b"SEIZURES" not in again.read_bytes(), "a good entry took its place"


def test_the_content_bound_is_the_spec_s() -> None:
    assert answers.MAX_CONTENT_BYTES == spec.MAX_FILE_BYTES


ENVIRONMENTS = st.fixed_dictionaries({}, optional={
    "COLUMNS": st.sampled_from(["20", "80", "131"]),
    "NO_COLOR": st.just("1"),
    "FORCE_COLOR": st.just("1"),
    "TERM": st.sampled_from(["dumb", "xterm-256color"]),
    "BINATSEC_LANG": st.sampled_from(["es", "en"]),
    "LANG": st.sampled_from(["es_MX.UTF-8", "C"]),
})
ARGUMENTS = st.tuples(
    st.sampled_from(READ_COMMANDS),
    st.lists(st.sampled_from([["--json"], ["--lang", "es"], ["--no-pager"], ["--lang", "all"],
                              ["--bogus"]]), max_size=2),
).map(lambda parts: [*parts[0], *(word for extra in parts[1] for word in extra)])


@pytest.mark.slow
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(argv=ARGUMENTS, extra=ENVIRONMENTS)
def test_served_or_not_the_bytes_are_the_full_paths(argv: list[str], extra: dict[str, str],
                                                    tmp_path_factory: pytest.TempPathFactory
                                                    ) -> None:
    """Any mix of read commands, options (good and bad) and terminal variables: the answer
    kept and served is exactly what the full path prints, or it is not served at all."""
    cache = tmp_path_factory.mktemp("answers") / "cache"
    kept, served = _three_ways(argv, cache, **extra)
    assert served == kept  # whatever was kept is served to the same command line


CHANGES = st.sampled_from([("COLUMNS", "33"), ("NO_COLOR", "1"), ("FORCE_COLOR", "1"),
                           ("BINATSEC_LANG", "es"), ("LANG", "es_MX.UTF-8"),
                           ("UNICODE_VERSION", "9.0.0"), ("TERM", "dumb")])


@pytest.mark.slow
@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(argv=ARGUMENTS, extra=ENVIRONMENTS, change=CHANGES)
def test_an_answer_kept_in_one_environment_is_never_served_in_another(
        argv: list[str], extra: dict[str, str], change: tuple[str, str],
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """Kept under one environment, asked under another that differs in one variable: what
    is printed is what the full path prints there (a stale answer would show)."""
    name, value = change
    other = {**extra, name: value if extra.get(name) != value else value + "0"}
    cache = tmp_path_factory.mktemp("answers") / "cache"
    _run(argv, _environ(cache, **extra))  # may keep an answer
    asked = _run(argv, _environ(cache, **other))
    reference = _run(argv, _environ(tmp_path_factory.mktemp("off") / "cache",
                                    BINATSEC_ANSWERS="0", **other))
    assert asked == reference


def test_a_terminal_gets_what_the_full_path_draws_there(tmp_path: Path) -> None:
    """In a pseudo-terminal (colour, the terminal's width): the second run is served, and
    draws the same."""
    from terminal_child import TerminalChild

    cache = tmp_path / "cache"
    shown = []
    for _ in range(2):
        _age(cache)  # the second run refreshes it when it serves
        child = TerminalChild([str(_script()), "stats", "seizures"],
                              _environ(cache, TERM="xterm-256color"), dimensions=(60, 90),
                              encoding=None)
        output = child.read()
        child.wait()
        assert child.exitstatus == 0
        shown.append(output)
    assert shown[0] == shown[1] and b"\x1b[" in shown[0], "coloured, and the same"
    assert _served(cache)
