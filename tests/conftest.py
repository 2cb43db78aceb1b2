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
from binatsec.corpus.bundle import CACHE_DIR_ENV
from binatsec.corpus.loader import ContentSource
from binatsec.corpus.records import Corpus
from binatsec.corpus.resources import bundled_content

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
def _private_parse_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the parse cache of large test content out of the real user cache folder.

    Set in os.environ so the console scripts the end-to-end tests start inherit it too.
    """
    os.environ[CACHE_DIR_ENV] = str(tmp_path_factory.mktemp("parse-cache"))


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return ContentSource(bundled_content()).load()


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run binatsec in-process through Typer's CliRunner, stdout and stderr apart."""
    monkeypatch.delenv("BINATSEC_CONTENT_DIR", raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    runner = CliRunner()

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Run:
        result = runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture(scope="session")
def article() -> str:
    if not ARTICLE.is_file():
        pytest.skip(f"source article not found at {ARTICLE}")
    return ARTICLE.read_text(encoding="utf-8")
