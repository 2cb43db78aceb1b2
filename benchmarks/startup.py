"""Start-up benchmark for the installed `binatsec` console script (issues 4 and 8).

Times the main commands side by side with bare Python and the framework floors, in one run,
interleaved round-robin, and reports medians as ratios with PASS/FAIL for each budget:

  * `binatsec stats seizures --json`: at most 1.15x the floor `python -c "import typer"`;
  * `binatsec stats seizures` (for people): at most 1.15x the floor "typer + rich's Console
    rendering a small Table";
  * `binatsec --version`: at most 3x bare Python;
  * a corpus 10x the bundled one (through --content-dir) at most 1.10x the bundled figure
    for `stats seizures --json`, and 100x at most 1.5x;
  * checking a folder of 20,000 records, every one broken, in a few seconds (5 s here).
The other commands are reported beside them, without a budget. Every run loads the whole
corpus; the runs use a private cache and data folder, never the user's.

Usage: python benchmarks/startup.py [--runs N] [--quick]
Exit status 1 when a budget fails. Never run this from the test suite as a timed assertion:
timings belong to a quiet machine, not to CI.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "content"

BARE_CODE = "pass"
TYPER_FLOOR_CODE = "import typer"
RICH_FLOOR_CODE = (
    "import typer\n"
    "from rich.console import Console\n"
    "from rich.table import Table\n"
    "table = Table(title='floor')\n"
    "table.add_column('figure')\n"
    "table.add_column('value', justify='right')\n"
    "table.add_row('fentanyl pills', '3.9 million')\n"
    "table.add_row('meth', '10,000 kg')\n"
    "Console().print(table)\n"
)

# A scripted quiz: FAQ questions are multiple choice, so letters are valid answers (right or
# wrong does not matter; the benchmark times the whole run).
QUIZ_ARGS = ("quiz", "--seed", "1", "--count", "3", "--topic", "faq", "--answers", "a,b,c",
             "--no-save")


@dataclass(frozen=True)
class Case:
    """One thing to time: a label, its command line, and the floor it is judged against."""

    label: str
    argv: tuple[str, ...]
    kind: str  # "json" (judged against the typer floor), "human" (typer+rich), "floor"
    ok_codes: tuple[int, ...] = (0,)


def find_console_script() -> Path:
    """The installed `binatsec` script: beside this interpreter first, then on PATH."""
    beside = Path(sys.executable).with_name("binatsec")
    if beside.is_file():
        return beside
    found = shutil.which("binatsec")
    if found is None:
        sys.exit("startup.py: no installed 'binatsec' script (pip install -e . first)")
    return Path(found)


def script_interpreter(script: Path) -> str:
    """The Python the console script runs on (its #! line), so the floors use the same one."""
    first = script.read_bytes().split(b"\n", 1)[0].decode("utf-8", "replace")
    if first.startswith("#!"):
        candidate = first[2:].strip().split()[0]
        if Path(candidate).is_file():
            return candidate
    return sys.executable


def child_environment(private: Path) -> dict[str, str]:
    """The user's environment, made comparable: .pyc allowed, no content overlay, fixed width,
    and a private cache and data folder under `private` (never the user's)."""
    env = dict(os.environ)
    # The XDG variables, not binatsec's own, so the runs find their folders as a user's do.
    for variable in ("BINATSEC_CACHE_DIR", "BINATSEC_DATA_DIR"):
        env.pop(variable, None)
    env["XDG_CACHE_HOME"] = str(private / "cache")
    env["XDG_DATA_HOME"] = str(private / "data")
    # A user's machine writes and reuses .pyc files; a session that forbids them would time
    # compilation, not start-up.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("BINATSEC_CONTENT_DIR", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env["COLUMNS"] = "100"
    return env


def run_once(argv: Sequence[str], env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start, done.returncode


def time_interleaved(cases: Sequence[Case], runs: int, env: dict[str, str]) -> dict[str, float]:
    """Median seconds per case; every round runs each case once, in a fresh shuffled order."""
    for case in cases:  # warm up: write .pyc files, fill the page cache, check exit codes
        for _ in range(2):
            _, code = run_once(case.argv, env)
        if code not in case.ok_codes:
            sys.exit(f"startup.py: '{' '.join(case.argv)}' exited {code}")
    samples: dict[str, list[float]] = {case.label: [] for case in cases}
    order = list(cases)
    shuffler = random.Random(4)
    for _ in range(runs):
        shuffler.shuffle(order)  # no case always follows the same neighbour
        for case in order:
            seconds, _ = run_once(case.argv, env)
            samples[case.label].append(seconds)
    return {label: statistics.median(values) for label, values in samples.items()}


def quiz_note(script: Path, env: dict[str, str]) -> str | None:
    """Why the scripted quiz cannot be timed in this build, or None when it can."""
    _, code = run_once([str(script), "quiz", "--help"], env)
    if code != 0:
        return "no 'quiz' command in this build; the scripted quiz is skipped"
    _, code = run_once([str(script), *QUIZ_ARGS], env)
    if code not in (0, 1):
        return f"'binatsec {' '.join(QUIZ_ARGS)}' exits {code}; the scripted quiz is skipped"
    return None


# --- the generated corpus ------------------------------------------------------------------

def _id_prefixes() -> tuple[str, ...]:
    """Every kind's id prefix, from the installed binatsec's registry of kinds."""
    from binatsec.corpus import kinds

    return tuple(f"{kind.prefix}." for kind in kinds.all_kinds() if kind.prefix)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _rename(value: Any, suffix: str, categories: set[str], pillars: bool = True) -> Any:
    """Point ids (and links) at copy `suffix`, so each copy is a self-contained corpus; a
    copy without pillars of its own (`pillars` false) links to the bundled ones."""
    if isinstance(value, str) and (value.startswith(_id_prefixes()) or value in categories):
        return value if not pillars and value.startswith("pillar.") else f"{value}-{suffix}"
    if isinstance(value, list):
        return [_rename(v, suffix, categories, pillars) for v in value]
    return value


def write_scaled_overlay(folder: Path, factor: int, bundled: Path = BUNDLED) -> int:
    """Write an overlay that makes the corpus `factor` times the bundled one; return records.

    Every record of every file is copied factor-1 times with fresh ids ('stat.x-c7'), its
    links and categories renamed into the same copy, and pillar numbers continuing (up to
    999, the spec's highest: past 249 copies no more pillars are added), so the result
    passes `binatsec lint` and `stats seizures` still shows the bundled figures only.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stats_data = tomllib.loads((bundled / "stats.toml").read_text(encoding="utf-8"))
    categories = {row["id"] for row in stats_data.get("category", [])}
    pillars_data = tomllib.loads((bundled / "pillars.toml").read_text(encoding="utf-8"))
    pillar_count = len(pillars_data.get("pillar", []))
    written = 0
    for path in sorted(bundled.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        lines = [f"# Generated by benchmarks/startup.py: {factor}x the bundled {path.name}.", ""]
        for copy in range(1, factor):
            # Pillars are numbered 1 to 999 (BC010): later copies have none of their own.
            with_pillars = (copy + 1) * pillar_count <= MAX_PILLAR
            for table, rows in data.items():
                if table == "pillar" and not with_pillars:
                    continue
                for row in rows:
                    lines.append(f"[[{table}]]")
                    for key, value in row.items():
                        if key == "number" and table == "pillar":
                            value = value + copy * pillar_count
                        if isinstance(value, dict):  # text: one dotted key per language
                            lines.extend(f"{key}.{lang} = {_toml_value(text)}"
                                         for lang, text in value.items())
                        else:
                            renamed = _rename(value, f"c{copy}", categories, with_pillars)
                            lines.append(f"{key} = {_toml_value(renamed)}")
                    lines.append("")
                    written += 1
        (folder / path.name).write_text("\n".join(lines), encoding="utf-8")
    return written


# --- reporting -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    name: str
    value: float
    limit: float

    @property
    def passed(self) -> bool:
        return self.value <= self.limit

    def line(self) -> str:
        mark = "PASS" if self.passed else "FAIL"
        return f"  {mark}  {self.name}: {self.value:.2f} (limit {self.limit:.2f})"


# The budgets of issue 8: (case label, against what, limit).
BUDGETS = (
    ("binatsec stats seizures --json", "floor", 1.15),
    ("binatsec stats seizures", "floor", 1.15),
    ("binatsec --version", "bare", 3.0),
)
VALIDATION_RECORDS = 20_000
MAX_PILLAR = 999  # the highest pillar number the content spec allows (BC010)
VALIDATION_SECONDS = 5.0


def report_startup(cases: Sequence[Case], medians: dict[str, float]) -> list[Verdict]:
    bare = medians["python -c pass"]
    floors = {"json": medians["floor: import typer"],
              "human": medians["floor: typer + rich table"]}
    print(f"{'what':<34} {'median ms':>9} {'x bare':>7} {'x floor':>8}")
    ratios: dict[tuple[str, str], float] = {}
    for case in cases:
        ms = medians[case.label] * 1000
        ratios[case.label, "bare"] = medians[case.label] / bare
        floor_ratio = ""
        if case.kind in floors:
            ratios[case.label, "floor"] = medians[case.label] / floors[case.kind]
            floor_ratio = f"{ratios[case.label, 'floor']:.2f}"
        print(f"{case.label:<34} {ms:>9.1f} {ratios[case.label, 'bare']:>6.2f}x "
              f"{floor_ratio:>8}")
    return [Verdict(f"{label} x {against}", ratios[label, against], limit)
            for label, against, limit in BUDGETS]


def write_broken_folder(folder: Path, records: int) -> None:
    """A faq.toml of `records` entries, every one broken (an answer that is not text)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "faq.toml").write_text("".join(
        f'[[faq]]\nid = "faq.broken-{n}"\nquestion.en = "Question {n}?"\nanswer.en = {n}\n\n'
        for n in range(records)), encoding="utf-8")


def time_validation(script: Path, folder: Path, env: dict[str, str]) -> float:
    """The median of three `binatsec lint FOLDER` runs, which must report the problems."""
    samples = []
    for _ in range(3):
        seconds, code = run_once([str(script), "lint", str(folder)], env)
        if code != 1:
            sys.exit(f"startup.py: lint of the broken folder exited {code}, not 1")
        samples.append(seconds)
    return statistics.median(samples)


def startup_cases(script: Path, python: str, with_quiz: bool) -> list[Case]:
    s = str(script)
    cases = [
        Case("python -c pass", (python, "-c", BARE_CODE), "floor"),
        Case("floor: import typer", (python, "-c", TYPER_FLOOR_CODE), "floor"),
        Case("floor: typer + rich table", (python, "-c", RICH_FLOOR_CODE), "floor"),
        Case("binatsec --version", (s, "--version"), "json"),
        Case("binatsec faq --json", (s, "faq", "--json"), "json"),
        Case("binatsec stats seizures --json", (s, "stats", "seizures", "--json"), "json"),
        Case("binatsec faq", (s, "faq"), "human"),
        Case("binatsec stats seizures", (s, "stats", "seizures"), "human"),
        Case("binatsec search fentanyl", (s, "search", "fentanyl"), "human"),
    ]
    if with_quiz:
        cases.append(Case("binatsec quiz (scripted)", (s, *QUIZ_ARGS), "human", (0, 1)))
    return cases


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=21, help="rounds per case (at least 15)")
    parser.add_argument("--quick", action="store_true",
                        help="the minimum of 15 rounds, whatever --runs says")
    args = parser.parse_args(argv)
    runs = max(15, 15 if args.quick else args.runs)

    script = find_console_script()
    python = script_interpreter(script)
    private = Path(tempfile.mkdtemp(prefix="binatsec-bench-home-"))
    env = child_environment(private)
    print(f"binatsec start-up benchmark, {time.strftime('%Y-%m-%d')}, "
          f"{platform.python_implementation()} {platform.python_version()} on "
          f"{platform.machine()} ({os.cpu_count()} CPUs), {runs} interleaved rounds, medians")
    print(f"script: {script}\npython: {python}\n")

    note = quiz_note(script, env)
    if note:
        print(f"note: {note}\n")
    cases = startup_cases(script, python, with_quiz=note is None)
    medians = time_interleaved(cases, runs, env)
    verdicts = report_startup(cases, medians)

    print("\ncontent scale: stats seizures --json over a generated --content-dir overlay")
    with tempfile.TemporaryDirectory(prefix="binatsec-bench-") as tmp:
        overlays = {factor: Path(tmp) / f"x{factor}" for factor in (10, 100)}
        for factor, folder in overlays.items():
            count = write_scaled_overlay(folder, factor)
            size = sum(p.stat().st_size for p in folder.iterdir()) // 1024
            print(f"  {factor}x: {count} extra records, {size} KiB of TOML")
        command = ("stats", "seizures", "--json")
        scale_cases = [Case("bundled", (str(script), *command), "scale")] + [
            Case(f"{factor}x", (str(script), "--content-dir", str(folder), *command), "scale")
            for factor, folder in overlays.items()]
        lint = [str(script), "lint", "--json"]
        for folder in overlays.values():  # the overlay must be valid content to mean anything
            _, code = run_once([*lint, str(folder)], env)
            if code != 0:
                sys.exit(f"startup.py: generated overlay {folder} fails lint")
        scaled = time_interleaved(scale_cases, runs, env)
    for label, seconds in scaled.items():
        print(f"  {label:<8} {seconds * 1000:7.1f} ms  {seconds / scaled['bundled']:.2f}x")
    verdicts.append(Verdict("10x corpus / bundled", scaled["10x"] / scaled["bundled"], 1.10))
    verdicts.append(Verdict("100x corpus / bundled", scaled["100x"] / scaled["bundled"], 1.5))

    with tempfile.TemporaryDirectory(prefix="binatsec-bench-") as tmp:
        broken = Path(tmp) / "broken"
        write_broken_folder(broken, VALIDATION_RECORDS)
        seconds = time_validation(script, broken, env)
    print(f"\nvalidation: lint of {VALIDATION_RECORDS:,} broken records: {seconds:.2f} s")
    verdicts.append(Verdict(f"lint {VALIDATION_RECORDS:,} broken records (s)", seconds,
                            VALIDATION_SECONDS))
    shutil.rmtree(private, ignore_errors=True)

    print("\nbudgets")
    for verdict in verdicts:
        print(verdict.line())
    failed = [v for v in verdicts if not v.passed]
    print(f"\n{'FAIL' if failed else 'PASS'}: {len(verdicts) - len(failed)} of "
          f"{len(verdicts)} budgets met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
