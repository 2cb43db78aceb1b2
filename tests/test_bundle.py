"""The validated bundle: a corpus kept by the hash of its content, never more than a speed-up."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from binatsec.corpus import bundle, kinds, reading, spec
from binatsec.corpus.loader import ContentSource
from binatsec.corpus.problems import ContentError
from binatsec.corpus.records import Corpus
from binatsec.corpus.resources import bundled_content
from binatsec.environment import CACHE_DIR_ENV, CacheDirError, Folders
from conftest import ROOT


@pytest.fixture
def cache(tmp_path: Path, run_environ: dict[str, str]) -> Path:
    """The folder validated corpora are kept in: given to each ContentSource, and to the
    in-process runs as BINATSEC_CACHE_DIR."""
    folder = tmp_path / "cache"
    run_environ[CACHE_DIR_ENV] = str(folder)
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
    cold = ContentSource(bundled_content(), cache=cache).load()
    assert parses, "the first run parses the TOML"
    assert len(list(cache.glob("*.json"))) == 1
    parses.clear()
    warm = ContentSource(bundled_content(), cache=cache).load()
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
    ContentSource(folder, cache=cache).load()
    faq = folder / "faq.toml"
    faq.write_text(faq.read_text(encoding="utf-8").replace(
        "What is the Merida Initiative?", "What is the Merida Initiative, again?"),
        encoding="utf-8")
    parses.clear()
    changed = ContentSource(folder, cache=cache).load()
    assert parses, "new bytes, new key: parsed again"
    assert changed.faq[0].question.en == "What is the Merida Initiative, again?"


def test_a_users_folder_goes_through_the_same_cache(
        cache: Path, parses: list[str], tmp_path: Path) -> None:
    (tmp_path / "faq.toml").write_text(
        '[[faq]]\nid = "faq.extra"\nquestion.en = "Q?"\nanswer.en = "A."\n', encoding="utf-8")
    first = ContentSource(bundled_content(), tmp_path, cache).load()
    parses.clear()
    second = ContentSource(bundled_content(), tmp_path, cache).load()
    assert parses == []
    assert second.faq[-1].id == "faq.extra"
    _same(first, second)


def test_invalid_content_is_never_stored(cache: Path, tmp_path: Path) -> None:
    (tmp_path / "faq.toml").write_text('[[faq]]\nid = "faq.broken"\n', encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ContentError):
            ContentSource(bundled_content(), tmp_path, cache).load()
    assert not list(cache.glob("*.json"))


def test_a_damaged_entry_is_parsed_again_and_replaced(cache: Path, parses: list[str]) -> None:
    ContentSource(bundled_content(), cache=cache).load()
    (entry,) = cache.glob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    parses.clear()
    ContentSource(bundled_content(), cache=cache).load()
    assert parses
    parses.clear()
    ContentSource(bundled_content(), cache=cache).load()
    assert parses == []


def test_an_unusable_cache_folder_only_costs_time(tmp_path: Path, corpus: Corpus) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    _same(ContentSource(bundled_content(), cache=blocker / "cache").load(), corpus)


def _three_folders(tmp_path: Path) -> list[Path]:
    """Three user folders of one FAQ each: three corpora, so three cache entries."""
    folders = []
    for marker in "abc":
        folder = tmp_path / marker
        folder.mkdir()
        (folder / "faq.toml").write_text(
            f'[[faq]]\nid = "faq.{marker}"\nquestion.en = "Q?"\nanswer.en = "A."\n',
            encoding="utf-8")
        folders.append(folder)
    return folders


def test_the_cache_keeps_only_the_most_recently_used_entries(
        cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle, "MAX_ENTRIES", 2)
    folders = _three_folders(tmp_path)
    for folder in folders[:2]:
        ContentSource(bundled_content(), folder, cache).load()
    for stamp, entry in enumerate(sorted(cache.glob("*.json"),
                                         key=lambda path: path.stat().st_mtime), start=1):
        os.utime(entry, (stamp, stamp))
    ContentSource(bundled_content(), folders[0], cache).load()  # a hit makes "a" recent again
    ContentSource(bundled_content(), folders[2], cache).load()
    assert len(list(cache.glob("*.json"))) == 2
    assert not list(cache.glob(".*.tmp")), "no temporary file is left behind"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG shortcut is Linux's")
@pytest.mark.parametrize("xdg", ["", "/somewhere/cache"])
def test_the_cache_folder_is_where_platformdirs_puts_it(
        xdg: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from platformdirs import user_cache_dir

    monkeypatch.setenv("XDG_CACHE_HOME", xdg)  # platformdirs reads os.environ; binatsec not
    environ = {"XDG_CACHE_HOME": xdg, "HOME": os.environ.get("HOME", "")}
    assert Folders(environ).cache() == Path(user_cache_dir("binatsec", appauthor=False)) / \
        "corpus"


def test_a_cut_kind_is_found_when_first_read_and_parsed_again(
        cache: Path, parses: list[str]) -> None:
    """Each kind is checked when a command first asks for it: a damaged one (a row cut
    short, the entry's length kept) must not crash the command nor be served; the TOML is
    parsed again and a good entry takes the damaged one's place."""
    ContentSource(bundled_content(), cache=cache).load()
    (entry,) = cache.glob("*.json")
    raw = entry.read_bytes()
    cut = b'["faq.merida-initiative",'
    entry.write_bytes(raw.replace(cut, b"[" + b" " * (len(cut) - 1), 1))
    parses.clear()
    corpus = ContentSource(bundled_content(), cache=cache).load()
    assert parses == [], "only the header is read when the corpus is loaded"
    assert corpus.stats, "an undamaged kind is served from the entry"
    assert parses == []
    assert corpus.faq[0].id == "faq.merida-initiative"
    assert parses, "parsed again when the damaged kind was first read"
    parses.clear()
    again = ContentSource(bundled_content(), cache=cache).load()
    assert again.faq[0].id == "faq.merida-initiative"
    _same(again, corpus)
    assert parses == [], "a good entry took its place"


def test_a_damaged_header_is_refused_at_lookup(cache: Path, parses: list[str]) -> None:
    ContentSource(bundled_content(), cache=cache).load()
    (entry,) = cache.glob("*.json")
    raw = entry.read_bytes()
    entry.write_bytes(raw.replace(b'"faq":[', b'"faq":[1', 1))
    parses.clear()
    ContentSource(bundled_content(), cache=cache).load()
    assert parses, "refused whole, before any kind is read"
    parses.clear()
    ContentSource(bundled_content(), cache=cache).load().kinds()
    assert parses == []


def test_a_command_reads_only_the_kinds_it_asks_for(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ContentSource(bundled_content(), cache=cache).load()
    (entry,) = cache.glob("*.json")
    blobs = _blobs(entry)
    decoded: list[int] = []
    real = json.loads

    def counting(raw: str | bytes, *args: Any, **kwargs: Any) -> Any:
        decoded.append(len(raw))
        return real(raw, *args, **kwargs)

    monkeypatch.setattr(json, "loads", counting)
    corpus = ContentSource(bundled_content(), cache=cache).load()
    assert len(decoded) == 1, "the header only"
    stat_id = corpus.stats[0].id
    assert decoded[1:] == [len(blobs["stats"])], "the stats blob, and no other"
    assert corpus.get(stat_id) is corpus.stats[0] and corpus.origin(stat_id) is None
    assert len(decoded) == 2
    corpus.origins()  # complete: every kind is read for it (search's index is not)
    assert sorted(decoded[1:]) == sorted(
        len(blob) for name, blob in blobs.items() if name != bundle.SEARCH)


def test_origins_are_read_with_their_kind(cache: Path, tmp_path: Path) -> None:
    (tmp_path / "faq.toml").write_text(
        '[[faq]]\nid = "faq.extra"\nquestion.en = "Q?"\nanswer.en = "A."\n', encoding="utf-8")
    cold = ContentSource(bundled_content(), tmp_path, cache).load()
    label = str(tmp_path / "faq.toml")
    assert dict(cold.origins()) == {"faq.extra": label}
    warm = ContentSource(bundled_content(), tmp_path, cache).load()
    assert warm.origin("faq.extra") == label
    assert dict(warm.origins()) == {"faq.extra": label}
    (entry,) = cache.glob("*.json")
    assert json.loads(_blobs(entry)["faq"])[1] == {"faq.extra": label}


# --- an entry is checked when read, whatever its digest says (issue 14) ----------------------


def _blobs(entry: Path) -> dict[str, bytes]:
    """An entry's blobs by kind, as its header slices them."""
    raw = entry.read_bytes()
    _, _, rest = raw.partition(b"\n")
    header, _, blobs = rest.partition(b"\n")
    return {name: blobs[offset:offset + length]
            for name, (offset, length, _) in json.loads(header).items()}


def _rewritten(entry: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Change an entry's document ({"kinds": columns by kind, "origins": by kind}) and give
    it a matching header and checksums, as a bug or a hand could."""
    blobs = _blobs(entry)
    search = blobs.pop(bundle.SEARCH, None)  # search's index (once made) is kept as it was
    documents = {name: json.loads(blob) for name, blob in blobs.items()}
    document = {"kinds": {name: doc[0] for name, doc in documents.items()},
                "origins": {name: doc[1] for name, doc in documents.items()}}
    change(document)
    entry.write_bytes(bundle.pack({
        **{name: json.dumps([columns, document["origins"].get(name, {})]).encode()
           for name, columns in document["kinds"].items()},
        **({bundle.SEARCH: search} if search is not None else {})}))


def _set(kind: str, field: str, value: Any, language: int = 0) -> Callable[[dict[str, Any]], None]:
    """Set the first record's `field` (of a text, its English, or with language=1 Spanish)."""
    def change(document: dict[str, Any]) -> None:
        column = 0
        for declared in kinds.get(kind).fields:  # type: ignore[union-attr]
            if declared.name == field:
                document["kinds"][kind][column + language][0] = value
                return
            column += 2 if declared.check is spec.text else 1  # a text: English, Spanish
        raise AssertionError(f"no field {field}")
    return change


WRONG_SHAPES: dict[str, Callable[[dict[str, Any]], None]] = {
    "a column cut short": lambda doc: doc["kinds"]["faq"][0].pop(),
    "a column too many": lambda doc: doc["kinds"]["faq"].append([]),
    "a column that is not an array": lambda doc: doc["kinds"]["faq"].__setitem__(0, {}),
    "a kind missing": lambda doc: doc["kinds"].pop("faq"),
    "an id that is a number": _set("faq", "id", 7),
    "text that is an array": _set("faq", "question", ["Q?", None]),
    "text without English": _set("faq", "answer", None),
    "Spanish that is a number": _set("faq", "answer", 5, language=1),
    "links that are a string": _set("faq", "related", "stat.merida-funding"),
    "a link that is a number": _set("faq", "related", [1]),
    "a year that is a string": _set("timeline", "year", "2008"),
    "a pillar number that is true": _set("pillars", "number", True),
    "a flag that is a number": _set("timeline", "ongoing", 1),
    "a flag that is null": _set("timeline", "ongoing", None),
    "a figure that is text": _set("stats", "value", "lots"),
    "a figure that is an integer": _set("stats", "value", 3),
    "a figure that is NaN": _set("stats", "value", float("nan")),
    "a figure below zero": _set("stats", "value", -1.0),
    "a unit binatsec cannot convert": _set("stats", "unit", "stone"),
    "an origin that is a number": lambda doc: doc["origins"].__setitem__(
        "faq", {"faq.merida-initiative": 1}),
    "an origin of no record": lambda doc: doc["origins"].__setitem__("faq", {"faq.x": "a"}),
    "an origin of another kind's record": lambda doc: doc["origins"].__setitem__(
        "stats", {"faq.merida-initiative": "a"}),
    "origins that are an array": lambda doc: doc["origins"].__setitem__("faq", []),
}


@pytest.mark.parametrize("change", list(WRONG_SHAPES), ids=str)
def test_an_entry_of_the_wrong_shape_is_refused_and_replaced(
        cache: Path, parses: list[str], corpus: Corpus, change: str) -> None:
    ContentSource(bundled_content(), cache=cache).load()
    (entry,) = cache.glob("*.json")
    _rewritten(entry, WRONG_SHAPES[change])
    parses.clear()
    again = ContentSource(bundled_content(), cache=cache).load()
    _same(again, corpus)  # found when its kind is first read (a missing kind: at lookup)
    assert dict(again.origins()) == {}
    assert parses, "the entry was refused and the TOML parsed again"
    parses.clear()
    ContentSource(bundled_content(), cache=cache).load()
    assert parses == [], "a good entry took its place"


def test_an_entry_of_the_wrong_shape_never_fails_a_command(
        cache: Path, cli: Callable[..., Any]) -> None:
    assert cli("faq", "--json").exit_code == 0
    (entry,) = cache.glob("*.json")
    _rewritten(entry, WRONG_SHAPES["a column cut short"])  # exit 70 here, before
    result = cli("faq")
    assert (result.exit_code, result.stderr) == (0, "")
    assert "Merida" in result.stdout
    assert cli("faq", "--json").exit_code == 0
    (replaced,) = cache.glob("*.json")
    assert json.loads(_blobs(replaced)["faq"])[0][0][0] == "faq.merida-initiative"


class _Hung(Exception):
    """Not an OSError: nothing in binatsec may swallow it."""


@contextmanager
def _at_most(seconds: int) -> Iterator[None]:
    """Fail, instead of hanging the suite, if the block blocks (on a FIFO, say)."""
    def hung(*_: object) -> None:
        raise _Hung(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and SIGALRM")
def test_an_entry_that_is_a_fifo_is_removed_not_waited_on(cache: Path,
                                                          parses: list[str]) -> None:
    ContentSource(bundled_content(), cache=cache).load()
    (entry,) = cache.glob("*.json")
    entry.unlink()
    os.mkfifo(entry)
    parses.clear()
    with _at_most(10):
        ContentSource(bundled_content(), cache=cache).load()
    assert parses
    assert entry.is_file() and not entry.is_fifo()


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("target", ["/dev/zero", "big"])
def test_an_entry_that_never_ends_is_not_read(cache: Path, parses: list[str],
                                             target: str) -> None:
    """A link to /dev/zero, or a file past any entry binatsec writes, is removed unread: a
    subprocess with a memory ceiling, since reading one whole would take all the memory."""
    import subprocess

    ContentSource(bundled_content(), cache=cache).load()
    (entry,) = cache.glob("*.json")
    entry.unlink()
    if target == "big":
        with entry.open("wb") as handle:
            handle.truncate(bundle.MAX_ENTRY_BYTES + 1)  # sparse: instant, and never read
    else:
        entry.symlink_to(target)
    code = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))\n"
            "from pathlib import Path\n"
            "from binatsec.corpus.loader import ContentSource\n"
            "from binatsec.corpus.resources import bundled_content\n"
            "print(len(ContentSource(bundled_content(), cache=Path(sys.argv[1])).load().faq))\n")
    done = subprocess.run([sys.executable, "-c", code, str(cache)], capture_output=True,
                          text=True, timeout=60, check=False)
    expected = str(len(ContentSource(bundled_content()).load().faq))
    assert (done.returncode, done.stdout.strip()) == (0, expected), done.stderr[-2000:]
    assert entry.is_file() and not entry.is_symlink()
    assert entry.stat().st_size < bundle.MAX_ENTRY_BYTES


def test_entries_dated_in_the_future_do_not_evict_new_ones(
        cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle, "MAX_ENTRIES", 2)
    folders = _three_folders(tmp_path)
    for folder in folders[:2]:
        ContentSource(bundled_content(), folder, cache).load()
    future = time.time() + 10 * 365 * 86400  # a clock that was wrong once, or a copy
    for entry in cache.glob("*.json"):
        os.utime(entry, (future, future))
    before = set(cache.glob("*.json"))
    ContentSource(bundled_content(), folders[2], cache).load()
    after = set(cache.glob("*.json"))
    assert len(after) == 2
    assert after - before, "the entry just written is kept"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG shortcut is Linux's")
@pytest.mark.parametrize("home", ["", "relative/home"])
def test_a_home_that_is_empty_or_relative_is_not_the_cache_home(
        home: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Path.home() with HOME='' is '/', so the cache went to /.cache: binatsec now does as
    current platformdirs does (older ones answer a relative path), and takes the home folder
    from the password file instead."""
    import pwd

    found = Folders({"HOME": home}).cache()
    home_folder = Path(pwd.getpwuid(os.getuid()).pw_dir)
    assert found == home_folder / ".cache" / "binatsec" / "corpus"
    assert found.is_absolute() and found.parts[:2] != ("/", ".cache")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG shortcut is Linux's")
def test_no_home_folder_at_all_means_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    import pwd

    def no_entry(uid: int) -> pwd.struct_passwd:
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    assert Folders({"HOME": ""}).cache() is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG spec is Linux's")
def test_a_relative_xdg_cache_home_is_ignored(tmp_path: Path) -> None:
    environ = {"XDG_CACHE_HOME": "relative/cache", "HOME": str(tmp_path)}
    assert Folders(environ).cache() == tmp_path / ".cache" / "binatsec" / "corpus"


def test_a_cache_folder_for_an_unknown_user_is_a_clear_error(cli: Callable[..., Any]) -> None:
    folders = Folders({CACHE_DIR_ENV: "~nosuchuser-binatsec/c"})
    with pytest.raises(CacheDirError, match="BINATSEC_CACHE_DIR '~nosuchuser-binatsec/c'"):
        folders.cache()
    result = cli("faq", env={CACHE_DIR_ENV: "~nosuchuser-binatsec/c"})
    assert result.exit_code == 2 and "BINATSEC_CACHE_DIR" in result.stderr


def test_a_hand_made_environment_falls_back_to_no_folder() -> None:
    """An Environment a test builds without folders keeps nothing in the real user's."""
    from binatsec.environment import NO_FOLDERS, DataDirError

    assert NO_FOLDERS.cache() is None
    with pytest.raises(DataDirError, match="set BINATSEC_DATA_DIR"):
        NO_FOLDERS.data()
