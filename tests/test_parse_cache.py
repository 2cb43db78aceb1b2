"""The parse cache: only large files, keyed by their bytes, and never more than a speed-up."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from binatsec import parse_cache
from binatsec.loader import ContentSource
from binatsec.resources import bundled_content

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(parse_cache.CACHE_DIR_ENV, str(folder))
    return folder


class CountingParser:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, text: str) -> dict[str, Any]:
        self.calls += 1
        return tomllib.loads(text)


def big_toml(marker: str = "x") -> str:
    rows = "".join(f'[[faq]]\nid = "faq.q{n}-{marker}"\nquestion.en = "Q{n}?"\n'
                   f'answer.en = "{"A" * 40}"\n\n' for n in range(1500))
    assert len(rows.encode()) >= parse_cache.MIN_BYTES
    return rows


def test_small_files_are_parsed_and_never_written(cache: Path) -> None:
    parser = CountingParser()
    text = 'title = "small"\n'
    assert parse_cache.parse(text.encode(), text, parser) == {"title": "small"}
    assert parse_cache.parse(text.encode(), text, parser) == {"title": "small"}
    assert parser.calls == 2
    assert not cache.exists()


def test_a_large_file_is_parsed_once_then_read_back(cache: Path) -> None:
    parser = CountingParser()
    text = big_toml()
    first = parse_cache.parse(text.encode(), text, parser)
    second = parse_cache.parse(text.encode(), text, parser)
    assert first == second == tomllib.loads(text)
    assert parser.calls == 1
    assert len(list(cache.glob("*.json"))) == 1
    assert not list(cache.glob(".parsed-*")), "no temporary file is left behind"


def test_other_bytes_never_hit_an_old_entry(cache: Path) -> None:
    parser = CountingParser()
    for marker in ("a", "b"):
        text = big_toml(marker)
        assert parse_cache.parse(text.encode(), text, parser) == tomllib.loads(text)
    assert parser.calls == 2


def test_the_cache_keeps_only_the_most_recently_used_entries(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_cache, "MAX_ENTRIES", 2)
    texts = [big_toml(marker) for marker in ("a", "b", "c")]
    parser = CountingParser()
    for text in texts[:2]:
        parse_cache.parse(text.encode(), text, parser)
    first, second = sorted(cache.glob("*.json"), key=lambda path: path.stat().st_mtime)
    os.utime(first, (1, 1))
    os.utime(second, (2, 2))
    parse_cache.parse(texts[0].encode(), texts[0], parser)  # a hit makes "a" recent again
    parse_cache.parse(texts[2].encode(), texts[2], parser)
    assert len(list(cache.glob("*.json"))) == 2
    assert parser.calls == 3
    parse_cache.parse(texts[0].encode(), texts[0], parser)
    assert parser.calls == 3, "the recently used entry was kept"


def test_a_damaged_entry_is_parsed_again_and_replaced(cache: Path) -> None:
    parser = CountingParser()
    text = big_toml()
    parse_cache.parse(text.encode(), text, parser)
    (entry,) = cache.glob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    assert parse_cache.parse(text.encode(), text, parser) == tomllib.loads(text)
    assert parser.calls == 2
    assert parse_cache.parse(text.encode(), text, parser) == tomllib.loads(text)
    assert parser.calls == 2


def test_an_unusable_cache_folder_only_costs_time(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(parse_cache.CACHE_DIR_ENV, str(blocker / "cache"))
    text = big_toml()
    assert parse_cache.parse(text.encode(), text, CountingParser()) == tomllib.loads(text)


def test_values_without_a_json_form_are_parsed_but_not_cached(cache: Path) -> None:
    text = big_toml() + "\nwhen = 2021-01-01\n"
    parser = CountingParser()
    assert parse_cache.parse(text.encode(), text, parser) == tomllib.loads(text)
    assert parse_cache.parse(text.encode(), text, parser) == tomllib.loads(text)
    assert parser.calls == 2
    assert not list(cache.glob("*.json"))


def test_the_loader_gives_the_same_corpus_from_the_cache(cache: Path, tmp_path: Path) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    rows = "".join(
        f'[[faq]]\nid = "faq.extra-{n}"\nquestion.en = "An extra question {n}?"\n'
        f'answer.en = "{"An answer. " * 8}"\n\n' for n in range(700))
    (folder / "faq.toml").write_text(rows, encoding="utf-8")
    source = ContentSource(bundled_content(), folder)
    cold = source.load(["faq"])
    assert list(cache.glob("*.json")), "the large file was cached"
    warm = source.load(["faq"])
    assert cold.faq == warm.faq
    assert len(warm.faq) == 12 + 700
