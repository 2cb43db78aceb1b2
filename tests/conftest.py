"""Shared fixtures: the bundled corpus, a CliRunner wrapper, and the source article."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from binatsec.cli.app import app
from binatsec.corpus.loader import ContentSource
from binatsec.corpus.records import Corpus
from binatsec.corpus.resources import bundled_content
from binatsec.environment import CACHE_DIR_ENV, DATA_DIR_ENV

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT.parent / "shared" / "source" / "article.txt"


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


@pytest.fixture(autouse=True, scope="session")
def _private_folders(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the validated-corpus cache and the quiz history out of the real user's folders.

    Set in os.environ so the processes the end-to-end tests start inherit them too; an
    in-process run reads them through its Environment, and tests that look at the history
    give their own BINATSEC_DATA_DIR on top (`run_environ`).
    """
    os.environ[CACHE_DIR_ENV] = str(tmp_path_factory.mktemp("corpus-cache"))
    os.environ.setdefault(DATA_DIR_ENV, str(tmp_path_factory.mktemp("user-data")))
    # What platformdirs would fall back to, for anything that unsets the variables above.
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("xdg-data"))
    # English, whatever the locale of the machine the suite runs on: a test that wants
    # Spanish asks for it (--lang es, BINATSEC_LANG, a locale variable of its own).
    for name in ("BINATSEC_LANG", "LC_ALL", "LC_MESSAGES"):
        os.environ.pop(name, None)
    os.environ["LANG"] = "C.UTF-8"


@pytest.fixture
def checkout_generator() -> None:
    """Skip (saying why) where binatsec runs from an install rather than this checkout: the
    generator (binatsec.devtools) rewrites the checkout's schemas and docs, and an install
    from a wheel or sdist has none beside it (as when the sdist's own tests run)."""
    from binatsec.devtools import generate

    if not generate.SCHEMAS.is_dir() or generate.ROOT.resolve() != ROOT.resolve():
        pytest.skip("binatsec is installed, not run from this checkout: the generator "
                    "works on a checkout's schemas and docs")


@pytest.fixture(scope="session")
def package_index(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Skip (saying why) when no package index answers: building a wheel in an isolated
    environment needs hatchling, and installing it needs binatsec's dependencies."""
    import subprocess
    import sys

    try:
        found = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                                "--retries", "0", "--timeout", "15", "--dest",
                                str(tmp_path_factory.mktemp("index")), "hatchling"],
                               capture_output=True, text=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        pytest.skip("no package index answered within 60 s, so no wheel can be built here")
    if found.returncode != 0:
        pytest.skip(f"no package index can be reached (pip download hatchling: "
                    f"{(found.stderr.strip().splitlines() or ['failed'])[-1]})")


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return ContentSource(bundled_content()).load()


@pytest.fixture
def run_environ() -> dict[str, str]:
    """Variables every in-process run of a test sees over os.environ: a test or a module's
    fixture adds its own (a BINATSEC_DATA_DIR) here instead of patching os.environ."""
    return {}


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, run_environ: dict[str, str]) -> Callable[..., Run]:
    """Run binatsec in-process through Typer's CliRunner, stdout and stderr apart."""
    monkeypatch.delenv("BINATSEC_CONTENT_DIR", raising=False)
    monkeypatch.setenv("COLUMNS", "80")  # click's help wraps to it, read from os.environ
    runner = CliRunner()

    def run(*args: str, input: str | None = None,
            env: dict[str, str | None] | None = None) -> Run:
        given = {**run_environ, **(env or {})}
        # The run's Environment (its folders too) is detected from these variables; the
        # runner also sets them in os.environ while it runs, for what reads that (click's
        # envvar options). A None unsets a variable, as for CliRunner.
        environ = {name: value for name, value in {**os.environ, **given}.items()
                   if value is not None}
        result = runner.invoke(app, list(args), input=input, env=given, obj=environ,
                               catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture(scope="session")
def article() -> str:
    if not ARTICLE.is_file():
        pytest.skip(f"source article not found at {ARTICLE}")
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def split_jobs(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], list[Any]]:
    """`split_jobs("works")` splits every job that can be from the first record on
    (binatsec.forked) and gives the list of the children started, as they start; with
    "fails", each child exits at once, failed, so its caller does that part itself. Skips
    where work is never split."""
    from binatsec import forked

    def split(child: str) -> list[Any]:
        if not forked.available():
            pytest.skip("work is split only on Linux with two cores or more")
        started: list[forked.Child] = []
        real = forked.Child

        def counted(work: Callable[..., None]) -> forked.Child:
            started.append(real(work))
            return started[-1]

        monkeypatch.setattr(forked, "RECORDS_TO_SPLIT", 0)
        monkeypatch.setattr(forked, "Child", counted)
        if child == "fails":
            monkeypatch.setattr(real, "_run", staticmethod(lambda *args: os._exit(3)))
        return started

    return split
