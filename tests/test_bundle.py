"""The validated bundle: a corpus kept by the hash of its content, never more than a speed-up."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from binatsec.corpus import bundle, reading
from binatsec.corpus.loader import ContentSource
from binatsec.corpus.problems import ContentError
from binatsec.corpus.records import Corpus
from binatsec.corpus.resources import bundled_content
from conftest import ROOT


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(bundle.CACHE_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The labels of every file parsed from TOML from now on."""
    seen: list[str] = []
    real = reading.parse

    def counting(raw: bytes, label: str, problems: list) -> reading.ContentFile | None:  # type: ignore[type-arg]
        seen.append(label)
        return real(raw, label, problems)

    monkeypatch.setattr(reading, "parse", counting)
    return seen


def _same(a: Corpus, b: Corpus) -> None:
    assert {k: list(v) for k, v in a.kinds().items()} == {k: list(v) for k, v in b.kinds().items()}


def test_the_bundle_agrees_with_the_toml_files(cache: Path, parses: list[str]) -> None:
    cold = ContentSource(bundled_content()).load()
    assert parses, "the first run parses the TOML"
    assert len(list(cache.glob("*.json"))) == 1
    parses.clear()
    warm = ContentSource(bundled_content()).load()
    assert parses == [], "the second run reads the validated bundle"
    _same(cold, warm)


def test_encoding_keeps_every_type(corpus: Corpus) -> None:
    again = bundle.decode(bundle.encode(corpus))
    _same(corpus, again)
    assert type(again.stats[0].value) is float and type(again.faq[0].related) is tuple


def test_a_changed_file_is_parsed_again_never_served_stale(
        cache: Path, parses: list[str], tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    ContentSource(folder).load()
    faq = folder / "faq.toml"
    faq.write_text(faq.read_text(encoding="utf-8").replace(
        "What is the Merida Initiative?", "What is the Merida Initiative, again?"),
        encoding="utf-8")
    parses.clear()
    changed = ContentSource(folder).load()
    assert parses, "new bytes, new key: parsed again"
    assert changed.faq[0].question.en == "What is the Merida Initiative, again?"


def test_a_users_folder_goes_through_the_same_cache(
        cache: Path, parses: list[str], tmp_path: Path) -> None:
    (tmp_path / "faq.toml").write_text(
        '[[faq]]\nid = "faq.extra"\nquestion.en = "Q?"\nanswer.en = "A."\n', encoding="utf-8")
    first = ContentSource(bundled_content(), tmp_path).load()
    parses.clear()
    second = ContentSource(bundled_content(), tmp_path).load()
    assert parses == []
    assert second.faq[-1].id == "faq.extra"
    _same(first, second)


def test_invalid_content_is_never_stored(cache: Path, tmp_path: Path) -> None:
    (tmp_path / "faq.toml").write_text('[[faq]]\nid = "faq.broken"\n', encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ContentError):
            ContentSource(bundled_content(), tmp_path).load()
    assert not list(cache.glob("*.json"))


def test_a_damaged_entry_is_parsed_again_and_replaced(cache: Path, parses: list[str]) -> None:
    ContentSource(bundled_content()).load()
    (entry,) = cache.glob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    parses.clear()
    ContentSource(bundled_content()).load()
    assert parses
    parses.clear()
    ContentSource(bundled_content()).load()
    assert parses == []


def test_an_unusable_cache_folder_only_costs_time(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(bundle.CACHE_DIR_ENV, str(blocker / "cache"))
    assert len(ContentSource(bundled_content()).load().faq) == 12


def test_the_cache_keeps_only_the_most_recently_used_entries(
        cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle, "MAX_ENTRIES", 2)
    folders = []
    for marker in "abc":
        folder = tmp_path / marker
        folder.mkdir()
        (folder / "faq.toml").write_text(
            f'[[faq]]\nid = "faq.{marker}"\nquestion.en = "Q?"\nanswer.en = "A."\n',
            encoding="utf-8")
        folders.append(folder)
    for folder in folders[:2]:
        ContentSource(bundled_content(), folder).load()
    for stamp, entry in enumerate(sorted(cache.glob("*.json"),
                                         key=lambda path: path.stat().st_mtime), start=1):
        os.utime(entry, (stamp, stamp))
    ContentSource(bundled_content(), folders[0]).load()  # a hit makes "a" recent again
    ContentSource(bundled_content(), folders[2]).load()
    assert len(list(cache.glob("*.json"))) == 2
    assert not list(cache.glob(".*.tmp")), "no temporary file is left behind"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG shortcut is Linux's")
@pytest.mark.parametrize("xdg", ["", "/somewhere/cache"])
def test_the_cache_folder_is_where_platformdirs_puts_it(
        xdg: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from platformdirs import user_cache_dir

    monkeypatch.delenv(bundle.CACHE_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert bundle.cache_dir() == Path(user_cache_dir("binatsec", appauthor=False)) / "corpus"


def test_a_cut_entry_is_refused_whole_not_when_a_record_is_built(
        cache: Path, parses: list[str]) -> None:
    """Records are built lazily, after the entry was accepted: a damaged entry (a row cut
    short) must be refused at once, not crash the first command that asks for the kind."""
    ContentSource(bundled_content()).load()
    (entry,) = cache.glob("*.json")
    raw = entry.read_bytes()
    entry.write_bytes(raw.replace(b'["faq.merida-initiative",', b'[', 1))
    parses.clear()
    corpus = ContentSource(bundled_content()).load()
    assert parses, "parsed again"
    assert corpus.faq[0].id == "faq.merida-initiative"
