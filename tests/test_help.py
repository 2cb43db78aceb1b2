"""What a new user meets first: --help, `binatsec schema`, the pager and `binatsec man`.

Help: whole sentences in the command list, examples that really run, value names that read
naturally, completion options only at the top. Schemas: listed, printed as stored, shipped in
the wheel. Pager: in a real pseudo-terminal with a fake pager, and off whenever it should be.
Man page: made from the same command tree, and rendered by man (or checked as roff).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.core import TyperGroup

from binatsec.cli.app import app
from binatsec.cli.examples import example_lines
from binatsec.environment import Environment, pager_command
from binatsec.quiz import ALL, topics
from binatsec.views import manpage, pager, schemas
from conftest import ROOT, Run
from terminal_child import TerminalChild

pexpect = pytest.importorskip("pexpect")

SCRIPT = Path(sys.executable).parent / "binatsec"
needs_script = pytest.mark.skipif(not SCRIPT.exists() or os.name == "nt",
                                  reason="needs the installed console script on POSIX")
COMPLETION = {"--install-completion", "--show-completion"}
TIMEOUT = 30


# --- the command tree, walked as the JSON contract tests walk it ------------------------------


def _walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    yield path, command
    if isinstance(command, TyperGroup):
        ctx = typer.Context(command)
        for name in command.list_commands(ctx):
            yield from _walk(command.get_command(ctx, name), (*path, name))


ROOT_COMMAND = typer.main.get_command(app)
COMMANDS = list(_walk(ROOT_COMMAND))
LABELS = [" ".join(("binatsec", *path)) for path, _ in COMMANDS]


def _flat(text: str) -> str:
    return " ".join(text.split())


# --- --help ------------------------------------------------------------------------------------


def test_the_command_list_shows_whole_sentences(cli: Callable[..., Run]) -> None:
    shown = cli("--help")
    assert shown.exit_code == 0
    listing = shown.stdout.split("\nCommands:\n", 1)[1].split("\n\n", 1)[0]
    ctx = typer.Context(ROOT_COMMAND)
    for name in ROOT_COMMAND.list_commands(ctx):
        short = ROOT_COMMAND.get_command(ctx, name).get_short_help_str()
        assert short[:1].isupper() and short.endswith("."), (name, short)
        assert f"{name} {short}" in _flat(listing), (name, short)
    # Typer cuts long help to its first words with "..."; nothing here is cut.
    assert not [line for line in listing.splitlines() if line.rstrip().endswith("...")]


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=LABELS)
def test_every_help_ends_with_examples(cli: Callable[..., Run], path: tuple[str, ...],
                                       command: Any) -> None:
    examples = example_lines(command.epilog)
    assert 2 <= len(examples) <= 3, f"{LABELS[COMMANDS.index((path, command))]}: {examples}"
    assert all(example.startswith("binatsec") for example in examples)
    shown = cli(*path, "--help").stdout.rstrip().splitlines()
    assert [line.strip() for line in shown[-len(examples) - 1:]] == ["Examples:", *examples]


def _examples() -> list[tuple[str, str]]:
    return [(label, example) for (_, command), label in zip(COMMANDS, LABELS, strict=True)
            for example in example_lines(command.epilog)]


@needs_script
def test_every_example_runs(tmp_path: Path) -> None:
    """Each example as a user would paste it into a shell: exit 0 (a quiz with nobody to
    answer it ends unfinished, exit 1, which is what it should do)."""
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(ROOT / "content", work / "my-content")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BINATSEC_", "PAGER"))}
    env.update(PATH=f"{SCRIPT.parent}{os.pathsep}{env.get('PATH', '')}", COLUMNS="80",
               BINATSEC_DATA_DIR=str(tmp_path / "data"), MANPAGER="cat", MANWIDTH="80",
               BINATSEC_CACHE_DIR=os.environ.get("BINATSEC_CACHE_DIR", str(tmp_path / "c")))

    def run(example: str) -> tuple[str, int, str]:
        if "man -l" in example and shutil.which("man") is None:
            return example, 0, ""
        done = subprocess.run(["bash", "-o", "pipefail", "-c", example], cwd=work, env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=120, check=False)
        return example, done.returncode, done.stderr

    examples = sorted({example for _, example in _examples()})
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(run, examples))
    for example, code, stderr in outcomes:
        words = shlex.split(example)
        plays = ("quiz" in words or "--quiz" in words) and "history" not in words \
            and "--answers" not in words
        assert code in ((0, 1) if plays else (0,)), f"{example}: exit {code}\n{stderr}"
        assert "error" not in stderr, f"{example}: {stderr}"


BAD_METAVAR = re.compile(r"<[a-z ]+>|INTEGER|TEXT RANGE|\{[a-z]")
EXPECTED_METAVARS = {
    (): ["--content-dir PATH"],
    ("faq",): ["[ID-OR-WORDS...]"],
    ("timeline",): ["--from YEAR", "--to YEAR"],
    ("pillars",): ["[PILLAR]"],
    ("stats",): ["[CATEGORY]", "--unit [kg|lb]"],
    ("search",): ["WORDS...", "-s, --section SECTION", "-n, --limit N"],
    ("export",): ["--format [json|csv|markdown", "--section SECTION"],
    ("lint",): ["[PATH]"],
    ("quiz",): [f"--topic [{'|'.join([*topics.names(), ALL])}]", "--count N", "--seed N"],
    ("schema",): ["[NAME]"],
}


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=LABELS)
def test_value_names_read_naturally(cli: Callable[..., Run], path: tuple[str, ...],
                                    command: Any) -> None:
    shown = cli(*path, "--help").stdout
    assert not BAD_METAVAR.search(shown), BAD_METAVAR.findall(shown)
    usage = shown.splitlines()[0]
    assert not re.search(r"[\[{][a-z_]+(\.\.\.)?[\]}]", usage), usage  # [category], {query}
    for expected in EXPECTED_METAVARS.get(path, []):
        assert expected in shown, expected


def test_completion_options_only_at_the_top(cli: Callable[..., Run]) -> None:
    for path, command in COMMANDS:
        names = {name for param in command.params for name in param.opts}
        assert (names >= COMPLETION) is (path == ()), path
    assert "--install-completion" not in cli("quiz", "--help").stdout
    assert "--install-completion" in cli("--help").stdout


def test_help_points_to_binatsec_schema_not_a_folder() -> None:
    for path, command in COMMANDS:
        texts = [command.help or "", *(getattr(p, "help", "") or "" for p in command.params)]
        assert not [t for t in texts if "schemas/" in t], path
    json_help = next(p.help for p in ROOT_COMMAND.params if "--json" in p.opts)
    assert "binatsec schema" in json_help


# --- binatsec schema ---------------------------------------------------------------------------


def test_schema_lists_every_schema_with_its_title(cli: Callable[..., Run]) -> None:
    listed = cli("schema")
    assert listed.exit_code == 0, listed.stderr
    files = sorted(p.name.removesuffix(".schema.json") for p in (ROOT / "schemas").glob(
        "*.schema.json"))
    lines = listed.stdout.splitlines()
    assert [line.split()[0] for line in lines] == files
    for line, name in zip(lines, files, strict=True):
        title = json.loads((ROOT / "schemas" / f"{name}.schema.json").read_text())["title"]
        assert line.split(None, 1)[1] == title


def test_schema_prints_the_file_as_stored(cli: Callable[..., Run]) -> None:
    for name in ("stats", "common", "quiz-history"):
        shown = cli("schema", name)
        assert shown.exit_code == 0, shown.stderr
        assert shown.stdout == (ROOT / "schemas" / f"{name}.schema.json").read_text("utf-8")


def test_an_unknown_schema_is_a_usage_error_with_a_suggestion(cli: Callable[..., Run]) -> None:
    shown = cli("schema", "stat")
    assert shown.exit_code == 2
    assert shown.stdout == ""
    assert "unknown schema 'stat'; did you mean 'stats'?" in shown.stderr
    assert shown.stderr.count("\n") == 1


def test_documents_refuse_the_global_json(cli: Callable[..., Run]) -> None:
    for args in (("--json", "schema"), ("--json", "schema", "stats"), ("--json", "man")):
        shown = cli(*args)
        assert shown.exit_code == 2, args
        assert shown.stdout == "" and "not a JSON document" in shown.stderr


def test_printed_schemas_validate_output_side_by_side(cli: Callable[..., Run],
                                                      tmp_path: Path) -> None:
    """Saved as printed, the schemas' $refs (common.schema.json#/...) still resolve."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    saved = {}
    for name in cli("schema").stdout.split("\n"):
        if name:
            name = name.split()[0]
            (tmp_path / f"{name}.schema.json").write_text(cli("schema", name).stdout)
            saved[name] = json.loads((tmp_path / f"{name}.schema.json").read_text())
    registry: Registry[Any] = Registry().with_resources(
        (s["$id"], Resource.from_contents(s)) for s in saved.values())
    document = cli("stats", "seizures", "--json").json()
    Draft202012Validator(saved["stats"], registry=registry).validate(document)


def test_the_accessor_prefers_the_packaged_folder(tmp_path: Path) -> None:
    """As in a wheel: binatsec/schemas inside the package wins over any checkout folder."""
    site = tmp_path / "site"
    shutil.copytree(ROOT / "src" / "binatsec", site / "binatsec",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "schemas", site / "binatsec" / "schemas")
    (site / "binatsec" / "schemas" / "packaged-only.schema.json").write_text(
        (ROOT / "schemas" / "faq.schema.json").read_text())
    code = "from binatsec.views import schemas; print(schemas.schema_folder()); " \
           "print(schemas.names())"
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(site)},
                          capture_output=True, text=True, timeout=60, check=True)
    folder, names = done.stdout.splitlines()
    assert Path(folder) == site / "binatsec" / "schemas"
    assert "packaged-only" in names
    import binatsec

    # Here: the checkout's folder with an editable install, the package's with a wheel (as
    # when the sdist's own tests run against the sdist installed).
    packaged = Path(binatsec.__file__).parent / "schemas"
    expected = packaged if packaged.is_dir() else ROOT / "schemas"
    assert Path(str(schemas.schema_folder())) == expected


@pytest.mark.slow
def test_the_wheel_carries_the_schemas(tmp_path: Path, package_index: None) -> None:
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path),
                    str(ROOT)], check=True, capture_output=True, timeout=600)
    wheel = next(tmp_path.glob("binatsec-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in (ROOT / "schemas").glob("*.schema.json"):
        assert f"binatsec/schemas/{path.name}" in names


# --- the pager: who decides, and what fits -------------------------------------------------------


@pytest.mark.parametrize(("environ", "terminal", "expected"), [
    ({}, True, "less -R"),
    ({}, False, ""),
    ({"PAGER": "more"}, True, "more"),
    ({"PAGER": "more"}, False, ""),
    ({"PAGER": ""}, True, ""),
    ({"PAGER": "cat"}, True, ""),
    ({"BINATSEC_PAGER": "most", "PAGER": "more"}, True, "most"),
    ({"BINATSEC_PAGER": "", "PAGER": "more"}, True, ""),
    ({"BINATSEC_PAGER": "  "}, True, ""),
    ({"TERM": "dumb"}, True, ""),
])
def test_the_pager_is_chosen_as_git_chooses_it(environ: dict[str, str], terminal: bool,
                                               expected: str) -> None:
    assert pager_command(environ, terminal) == expected


def test_output_that_fits_one_screen_is_not_paged() -> None:
    assert pager.fits("a\nb\nc\n", width=80, height=4)
    assert not pager.fits("a\nb\nc\nd\n", width=80, height=4)
    assert not pager.fits("x" * 81 + "\nb\nc\n", width=80, height=4)  # the long line wraps
    assert pager.fits("\x1b[1m" + "x" * 78 + "\x1b[0m\n", width=80, height=2)  # codes take none
    assert not pager.fits("a\n", width=80, height=0)  # unknown height: let the pager decide


def test_a_captured_run_draws_as_the_terminal_would() -> None:
    env = Environment(stdin=None, stdout=sys.__stdout__, stderr=None, stdin_is_terminal=True,
                      stdout_is_terminal=True, unicode=True, colour=True, width=61,
                      pager="less -R", height=24)
    captured_env, captured = pager.capture(env)
    assert (captured_env.width, captured_env.colour, captured_env.unicode) == (61, True, True)
    assert captured_env.stdout is captured and captured_env.pager == ""


# --- the pager in a real terminal --------------------------------------------------------------

FAKE_PAGER = """import os, sys
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write("LESS=" + os.environ.get("LESS", "<unset>") + "\\n" + sys.stdin.read())
"""


@pytest.fixture
def fake_pager(tmp_path: Path) -> tuple[str, Path]:
    """A pager command that writes LESS and everything it was given to a file."""
    script = tmp_path / "pager.py"
    script.write_text(FAKE_PAGER, encoding="utf-8")
    return f"{sys.executable} {script} {tmp_path / 'paged.txt'}", tmp_path / "paged.txt"


def _terminal_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k == "BINATSEC_CACHE_DIR" or (
               k not in ("COLUMNS", "LINES", "LESS", "PAGER", "NO_COLOR", "FORCE_COLOR")
               and not k.startswith("BINATSEC_"))}
    env.update(TERM="xterm", BINATSEC_DATA_DIR=str(tmp_path / "data"), **extra)
    return env


def _in_terminal(*args: str, env: dict[str, str], rows: int = 10,
                 cols: int = 70) -> tuple[int, str]:
    child = TerminalChild([str(SCRIPT), *args], env=env, timeout=TIMEOUT,
                          dimensions=(rows, cols))
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.before


@needs_script
def test_long_output_goes_through_the_pager(tmp_path: Path,
                                            fake_pager: tuple[str, Path]) -> None:
    command, paged = fake_pager
    status, shown = _in_terminal("timeline", env=_terminal_env(tmp_path, PAGER=command))
    assert status == 0
    text = paged.read_text(encoding="utf-8")
    assert text.startswith("LESS=FRX\n")  # set when unset, so less leaves short output be
    assert "Timeline" in text and "\x1b[" in text  # colour, as the terminal would get it
    assert max(len(re.sub(r"\x1b\[[0-9;]*m", "", line)) for line in text.splitlines()) <= 70
    assert "Timeline" not in shown  # the pager, not binatsec, showed it


@needs_script
def test_the_users_less_settings_are_kept_and_binatsec_pager_wins(
        tmp_path: Path, fake_pager: tuple[str, Path]) -> None:
    command, paged = fake_pager
    env = _terminal_env(tmp_path, BINATSEC_PAGER=command, PAGER="/nonexistent/pager",
                        LESS="-S")
    assert _in_terminal("timeline", env=env)[0] == 0
    assert paged.read_text(encoding="utf-8").startswith("LESS=-S\n")


@needs_script
def test_a_shell_pager_command_works(tmp_path: Path) -> None:
    out = tmp_path / "paged.txt"
    status, _ = _in_terminal("timeline", env=_terminal_env(tmp_path, PAGER=f"cat > '{out}'"))
    assert status == 0
    assert "Timeline" in out.read_text(encoding="utf-8")


@needs_script
@pytest.mark.parametrize(("args", "extra"), [
    (("--no-pager", "timeline"), {}),
    (("timeline", "--no-pager"), {}),
    (("timeline",), {"BINATSEC_PAGER": ""}),
    (("timeline", "--json"), {}),
    (("--json", "timeline"), {}),
    (("export", "--format", "markdown"), {}),
    (("man",), {}),
    (("pillars", "2"), {"LINES": "200"}),  # fits on the screen: printed directly
], ids=["--no-pager", "--no-pager after the command", "empty BINATSEC_PAGER", "--json",
        "global --json", "export", "man", "fits"])
def test_no_pager_when_it_should_be_off(tmp_path: Path, fake_pager: tuple[str, Path],
                                        args: tuple[str, ...], extra: dict[str, str]) -> None:
    command, paged = fake_pager
    status, shown = _in_terminal(*args, env=_terminal_env(tmp_path, PAGER=command, **extra))
    assert status == 0
    assert not paged.exists()
    assert shown.strip()


@needs_script
def test_no_pager_through_a_pipe(tmp_path: Path, fake_pager: tuple[str, Path]) -> None:
    command, paged = fake_pager
    done = subprocess.run([str(SCRIPT), "timeline"], capture_output=True, text=True,
                          env=_terminal_env(tmp_path, PAGER=command), timeout=60, check=False)
    assert done.returncode == 0 and "Timeline" in done.stdout
    assert not paged.exists()


@needs_script
def test_a_pager_that_cannot_start_means_printing_directly(tmp_path: Path) -> None:
    env = _terminal_env(tmp_path, PAGER="/nonexistent/pager --flag")
    status, shown = _in_terminal("timeline", env=env)
    assert status == 0
    assert "Timeline" in shown


@needs_script
def test_the_interactive_quiz_is_never_paged(tmp_path: Path,
                                             fake_pager: tuple[str, Path]) -> None:
    command, paged = fake_pager
    child = TerminalChild([str(SCRIPT), "quiz", "--topic", "myths", "--count", "1",
                           "--no-save"], env=_terminal_env(tmp_path, PAGER=command),
                          timeout=TIMEOUT, dimensions=(10, 70))
    child.expect("m = myth, f = fact")  # the prompt reaches the terminal as it is asked
    child.sendline("m")
    child.expect(pexpect.EOF)
    child.close()
    assert not paged.exists()


# --- binatsec man ------------------------------------------------------------------------------


def _man(cli: Callable[..., Run]) -> str:
    shown = cli("man")
    assert shown.exit_code == 0, shown.stderr
    return shown.stdout


def test_the_man_page_is_roff_with_every_section(cli: Callable[..., Run]) -> None:
    page = _man(cli)
    assert page.startswith(".TH BINATSEC 1 ")
    heads = re.findall(r"^\.SH (.+)$", page, re.M)
    assert heads[:4] == ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS"]
    assert {"COMMANDS", "EXIT STATUS", "ENVIRONMENT"} <= set(heads)
    subsections = re.findall(r'^\.SS "(.+)"$', page, re.M)
    assert subsections == [label.replace("-", "\\-") for label in LABELS[1:]]
    status = page.split(".SH EXIT STATUS\n")[1].split(".SH")[0]
    assert re.findall(r"^\\fB(\d+)\\fR$", status, re.M) == ["0", "1", "2", "69", "70", "73", "130"]
    for variable in ("BINATSEC_CONTENT_DIR", "BINATSEC_DATA_DIR", "BINATSEC_CACHE_DIR",
                     "BINATSEC_PAGER", "NO_COLOR", "FORCE_COLOR", "COLUMNS"):
        assert f"\\fB{variable}\\fR" in page
    for line in page.splitlines():
        assert line.isascii(), line  # anything else is written \[uXXXX]
        assert not line.startswith(("'", ".\\-")), line


@pytest.mark.skipif(shutil.which("man") is None, reason="man is not installed")
def test_man_renders_it_with_every_command(cli: Callable[..., Run]) -> None:
    env = {**os.environ, "MANPAGER": "cat", "PAGER": "cat", "MANWIDTH": "100",
           "LC_ALL": "C.UTF-8"}
    shown = subprocess.run(["man", "-l", "-"], input=_man(cli), capture_output=True, text=True,
                           env=env, timeout=60, check=False)
    assert shown.returncode == 0, shown.stderr
    text = re.sub(r".\x08", "", shown.stdout)  # overstrike bold, when man adds it
    assert "BINATSEC(1)" in text and "EXIT STATUS" in text
    for label in LABELS:
        assert label in text, label
    assert "binatsec stats seizures --unit lb" in text  # an example, whole
    assert "--unit [kg|lb]" in text


@pytest.mark.skipif(shutil.which("groff") is None, reason="groff is not installed")
def test_groff_reads_it_without_a_warning(cli: Callable[..., Run]) -> None:
    checked = subprocess.run(["groff", "-man", "-ww", "-z"], input=_man(cli),
                             capture_output=True, text=True, timeout=60, check=False)
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr


def test_roff_escaping() -> None:
    assert manpage.escape("a\\b -x US–Mexico") == "a\\eb \\-x US\\[u2013]Mexico"
    doc = manpage.CommandDoc(path="binatsec x", usage="binatsec x", help=".hidden\n'quoted",
                             arguments=(), options=())
    page = manpage.render(manpage.Page(name="binatsec", version="1", summary="s", root=doc,
                                       commands=(), exit_status=(), environment=()))
    assert "\\&.hidden" in page and "\\&'quoted" in page


# --- start-up stays lean ----------------------------------------------------------------------


def test_reading_commands_load_no_pager_and_no_documents(tmp_path: Path) -> None:
    from test_imports import imported_by

    late = {"binatsec.views.pager", "binatsec.cli.docs", "binatsec.views.schemas",
            "binatsec.views.manpage"}
    for args in (("faq", "--json"), ("stats", "seizures", "--json"), ("timeline",)):
        assert imported_by(args, tmp_path) & late == set(), args
