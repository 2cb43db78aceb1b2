"""The benchmark's generated corpus (benchmarks/startup.py, write_scaled_overlay): valid
content, fresh ids, pillar numbers within the spec's 999. Nothing here is timed."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from conftest import Run

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
BENCHMARK = ROOT / "benchmarks" / "startup.py"


@pytest.fixture(scope="module")
def startup() -> ModuleType:
    if not BENCHMARK.is_file():
        pytest.skip("no benchmarks/ beside the tests (an installed sdist's tests)")
    spec = importlib.util.spec_from_file_location("binatsec_benchmark_startup", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


def _records(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """Every record of every file in `folder`, by table."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(folder.glob("*.toml")):
        for table, rows in tomllib.loads(path.read_text(encoding="utf-8")).items():
            tables.setdefault(table, []).extend(rows)
    return tables


def test_the_overlay_is_valid_content_with_fresh_ids(startup: ModuleType, tmp_path: Path,
                                                     cli: Callable[..., Run]) -> None:
    bundled = _records(startup.BUNDLED)
    written = startup.write_scaled_overlay(tmp_path / "x3", 3)
    overlay = _records(tmp_path / "x3")
    assert written == 2 * sum(len(rows) for rows in bundled.values())
    for table, rows in bundled.items():
        assert len(overlay[table]) == 2 * len(rows), table
    ids = [row["id"] for rows in (*bundled.values(), *overlay.values()) for row in rows
           if "id" in row]
    assert len(ids) == len(set(ids)), "every copy's ids are new"
    assert cli("lint", str(tmp_path / "x3"), "--json").exit_code == 0


def test_pillar_numbers_stay_within_the_spec(startup: ModuleType, tmp_path: Path) -> None:
    """Past the copies whose pillars would number over 999, a copy adds no pillars and its
    links point at the bundled pillars (so 1000x content is still valid)."""
    small = tmp_path / "bundled"
    small.mkdir()
    for name in ("stats.toml", "pillars.toml"):
        shutil.copy(startup.BUNDLED / name, small / name)
    pillars = len(_records(small)["pillar"])
    factor = startup.MAX_PILLAR // pillars + 10  # some copies past the ceiling
    startup.write_scaled_overlay(tmp_path / "big", factor, bundled=small)
    numbers = [row["number"] for row in _records(tmp_path / "big")["pillar"]]
    assert numbers and max(numbers) <= startup.MAX_PILLAR
    assert len(numbers) == len(set(numbers))
    assert all(number > pillars for number in numbers), "the bundled numbers are not reused"
    last = (tmp_path / "big" / "pillars.toml").read_text(encoding="utf-8")
    assert f"-c{factor - 1}\"" not in last, "the last copies add no pillars"


def test_a_difference_comes_with_the_interval_that_holds_its_median(startup: ModuleType
                                                                    ) -> None:
    import random

    chance = random.Random(7)
    timings = startup.Timings()

    def sample(seconds: float) -> Any:
        return startup.Sample(seconds, 0, 0)

    for rounds in (25, 400):
        base = [chance.gauss(0.090, 0.010) for _ in range(rounds)]
        timings.samples["small"] = [sample(t) for t in base]
        timings.samples["larger"] = [sample(t + 0.002 + chance.gauss(0, 0.010)) for t in base]
        low, high = timings.difference_interval("larger", "small")
        assert low <= timings.difference("larger", "small") <= high
        if rounds == 400:  # 400 rounds pin a 2 ms difference to within a few ms
            assert high - low < 0.004 and low < 0.002 < high
