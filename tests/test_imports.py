"""Import hygiene that keeps start-up fast (issue 4); not timed, so not flaky.

The JSON path and --version must not load Rich, markdown-it, Pygments or pydantic, and the
human path must not load rich.markdown. Each command runs in a fresh interpreter that
reports sys.modules as it exits.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "binatsec"

# Runs binatsec's entry point as the console script does, then writes every module that
# was imported to the file named by argv[1] (stdout belongs to the command).
RUNNER = """
import json, os, runpy, sys
report, sys.argv = sys.argv[1], ["binatsec", *sys.argv[2:]]

def exit_without_teardown(code):  # binatsec's entry point ends with os._exit
    raise SystemExit(code)

os._exit = exit_without_teardown
try:
    runpy.run_module("binatsec", run_name="__main__")
except SystemExit:
    pass
finally:
    with open(report, "w", encoding="utf-8") as handle:
        json.dump(sorted(sys.modules), handle)
"""

HEAVY = ("rich", "markdown_it", "pygments", "pydantic")
RICH_MODULES = ("views/terminal.py", "views/quiz_terminal.py")

JSON_COMMANDS = [
    ("--version",),
    ("--json",),
    ("faq", "--json"),
    ("faq", "merida", "--json"),
    ("stats", "seizures", "--json"),
    ("timeline", "--json"),
    ("search", "fentanyl", "--json"),
    ("pillars", "2", "--json"),
]

HUMAN_COMMANDS = [
    ("faq",),
    ("stats", "seizures"),
    ("search", "fentanyl"),
    ("timeline",),
]


def imported_by(args: tuple[str, ...], tmp_path: Path, answers: bool = False) -> set[str]:
    """The modules a run imports: the full path (Typer) unless `answers` lets it be served
    from the answers kept (binatsec/answers.py), with a cache of its own."""
    report = tmp_path / "modules.json"
    env = {k: v for k, v in os.environ.items() if k != "BINATSEC_CONTENT_DIR"}
    env["COLUMNS"] = "80"
    env["BINATSEC_ANSWERS"] = "1" if answers else "0"
    env["BINATSEC_CACHE_DIR"] = str(tmp_path / "cache")
    done = subprocess.run([sys.executable, "-c", RUNNER, str(report), *args], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, f"binatsec {' '.join(args)} exited {done.returncode}: " \
        f"{done.stderr}"
    assert done.stdout, f"binatsec {' '.join(args)} printed nothing"
    return set(json.loads(report.read_text(encoding="utf-8")))


def _top_level(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in names)


@pytest.mark.parametrize("args", JSON_COMMANDS, ids=" ".join)
def test_json_and_version_load_no_rendering_or_validation_library(
    args: tuple[str, ...], tmp_path: Path
) -> None:
    modules = imported_by(args, tmp_path)
    assert "binatsec.cli" in modules or args == ("--version",)
    assert _top_level(modules, HEAVY) == []


@pytest.mark.parametrize("args", [*JSON_COMMANDS[1:], *HUMAN_COMMANDS], ids=" ".join)
def test_an_answer_served_again_imports_no_framework(args: tuple[str, ...],
                                                   tmp_path: Path) -> None:
    """The second run of a read command prints the first one's answer without Typer, Click,
    Rich or the content's parser and checks."""
    full = imported_by(args, tmp_path, answers=True)
    assert "typer" in full, "the first run answers the full way"
    served = imported_by(args, tmp_path, answers=True)
    assert _top_level(served, ("typer", "click", *HEAVY)) == []
    assert not {"binatsec.cli", "binatsec.corpus.loader", "tomllib"} & served


def test_version_reads_no_content(tmp_path: Path) -> None:
    modules = imported_by(("--version",), tmp_path)
    assert "binatsec.corpus.loader" not in modules
    assert "tomli" not in modules and "tomllib" not in modules


@pytest.mark.parametrize("args", HUMAN_COMMANDS, ids=" ".join)
def test_human_commands_load_rich_but_not_its_markdown(
    args: tuple[str, ...], tmp_path: Path
) -> None:
    modules = imported_by(args, tmp_path)
    assert "rich.console" in modules  # the runner really rendered for people
    assert _top_level(modules, ("markdown_it", "pygments", "pydantic")) == []
    assert "rich.markdown" not in modules


def _module_level_imports(tree: ast.Module) -> list[tuple[int, str]]:
    """Imports that run when the module is imported: not in functions, not TYPE_CHECKING."""
    found: list[tuple[int, str]] = []
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.If):
            test = node.test
            guarded = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
                isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
            if not guarded:
                pending.extend(node.body)
            pending.extend(node.orelse)
        elif isinstance(node, ast.Try):
            pending.extend([*node.body, *node.orelse, *node.finalbody])
            for handler in node.handlers:
                pending.extend(handler.body)
        elif isinstance(node, (ast.With, ast.ClassDef)):
            pending.extend(node.body)
    return found


def test_the_walk_sees_guarded_and_nested_imports() -> None:
    source = (
        "import rich\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from rich.text import Text\n"
        "try:\n    import rich.console\nexcept ImportError:\n    pass\n"
        "def later():\n    import rich.table\n"
        "class Eager:\n    from rich import box\n"
    )
    names = sorted(name for _, name in _module_level_imports(ast.parse(source)))
    assert names == ["rich", "rich", "rich.console", "typing"]


def test_only_the_terminal_views_import_rich_at_module_level() -> None:
    offenders = []
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 5
    for path in modules:
        if path.relative_to(PACKAGE).as_posix() in RICH_MODULES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        offenders += [f"{path.name}:{line} imports {name}"
                      for line, name in _module_level_imports(tree)
                      if name.split(".")[0] == "rich"]
    assert offenders == []


def test_no_test_forks_the_test_process() -> None:
    """Terminal tests start their program through terminal_child.TerminalChild (subprocess
    with a pseudo-terminal), never pexpect.spawn or pty.fork, which fork this process and
    can deadlock when it has threads."""
    tests = Path(__file__).parent
    forking = [path.name for path in tests.glob("*.py")
               if path.name != Path(__file__).name
               and any(call in path.read_text(encoding="utf-8")
                       for call in ("pexpect.spawn(", "pty.fork(", "os.fork(", "forkpty("))]
    assert forking == []
