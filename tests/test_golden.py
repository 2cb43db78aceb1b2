"""Golden files: a few terminal views drawn at 40 and 80 columns, kept as text under
tests/golden/, so a change in what people see is a reviewed diff (as tldr's clients keep
their rendered pages).

After an intended change, regenerate them and review the diff:
    BINATSEC_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("BINATSEC_UPDATE_GOLDEN") == "1"
VIEWS = {
    "overview": (),
    "faq-merida": ("faq", "merida"),
    "myths-drugs": ("myths", "drugs"),
    "stats-seizures": ("stats", "seizures"),
    "stats-chart": ("stats", "seizures", "--chart", "--unit", "kg"),
    "pillars-2": ("pillars", "2"),
    "timeline-2000s": ("timeline", "--from", "2000", "--to", "2010"),
    "search-fentanyl": ("search", "fentanyl", "--limit", "3"),
    "sources": ("sources",),
    "quiz-scripted": ("quiz", "--topic", "pillars", "--count", "3", "--seed", "11",
                      "--answers", "a,b,c", "--no-save"),
    "quiz-print": ("quiz", "--print", "--count", "5", "--seed", "16"),
}


@pytest.mark.parametrize("width", [40, 80])
@pytest.mark.parametrize("name", sorted(VIEWS))
def test_terminal_view_matches_its_golden_file(cli: Callable[..., Run], name: str,
                                               width: int) -> None:
    result = cli(*VIEWS[name], env={"COLUMNS": str(width), "NO_COLOR": "1"})
    assert result.exit_code in (0, 1), result.stderr
    golden = GOLDEN / f"{name}-{width}.txt"
    if UPDATE:
        golden.write_text(result.stdout, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run with BINATSEC_UPDATE_GOLDEN=1"
    assert result.stdout == golden.read_text(encoding="utf-8"), (
        f"{' '.join(VIEWS[name])} at {width} columns differs from {golden.name}; if the "
        "change is intended, regenerate with BINATSEC_UPDATE_GOLDEN=1 and review the diff")


def test_every_golden_file_belongs_to_a_view() -> None:
    expected = {f"{name}-{width}.txt" for name in VIEWS for width in (40, 80)}
    assert {path.name for path in GOLDEN.glob("*.txt")} == expected
