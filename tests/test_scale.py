"""Work that must grow with the records, not with records x records (issue 19).

Nothing here is timed: each test counts the passes a step makes over the corpus, or checks
that a shortcut taken for speed gives exactly what the plain way gives."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binatsec import queries
from binatsec.corpus import bundle, kinds, loader
from binatsec.corpus.records import Corpus, Record


class CountingCorpus(Corpus):
    """A corpus that counts how often each kind is asked for."""

    __slots__ = ("asked",)

    def __init__(self, source: Corpus) -> None:
        super().__init__(dict(source.kinds()), origins=source.origins())
        self.asked: Counter[str] = Counter()

    def of(self, kind: str) -> tuple[Record, ...]:
        self.asked[kind] += 1
        return super().of(kind)


def _scaled(corpus: Corpus, copies: int) -> Corpus:
    """The corpus with every record repeated `copies` times under new ids (links kept)."""
    scaled: dict[str, list[Record]] = {}
    for name, records in corpus.kinds().items():
        made: list[Record] = list(records)
        for copy in range(1, copies):
            made += [record._replace(id=f"{record.id}-c{copy}")  # type: ignore[attr-defined]
                     for record in records if kinds.get(name) and kinds.named(name).prefix]
        scaled[name] = made
    return Corpus(scaled)


@pytest.mark.parametrize("copies", [1, 4])
def test_figures_for_every_record_reads_the_figures_once(corpus: Corpus, copies: int) -> None:
    counting = CountingCorpus(_scaled(corpus, copies))
    for record in counting.records():
        queries.figures_for(counting, record.id, getattr(record, "related", ()))
    assert counting.asked["stats"] <= 1


@pytest.mark.parametrize("copies", [1, 4])
def test_checking_links_reads_each_linked_kind_once(corpus: Corpus, copies: int) -> None:
    counting = CountingCorpus(_scaled(corpus, copies))
    origins = {record.id: "x.toml" for record in counting.records()}
    counting.asked.clear()
    found = list(loader.check_corpus(counting, origins))
    assert [p for p in found if p.rule in ("BC008", "BC009")] == []
    # One pass over each kind for its links, plus one listing of each kind a link names.
    linked = {field.link for kind in kinds.all_kinds() for field in kind.links}
    assert all(count <= 1 + len(linked) + 2 for count in counting.asked.values())


def test_of_record_follows_the_registry(corpus: Corpus) -> None:
    stat = corpus.stats[0]
    assert kinds.of_record(stat) is kinds.named("stats")
    assert kinds.of_record(corpus.categories[0]) is kinds.named("categories")
    fake = stat._replace(id="nosuchkind.x")
    assert kinds.of_record(fake) is None


def test_tokens_are_fresh_lists() -> None:
    first = queries.tokens("Fentanyl pills, $3 billion")
    first.append("changed")
    assert queries.tokens("Fentanyl pills, $3 billion") == ["fentanyl", "pills", "dollars",
                                                            "3", "billion"]


def _words(corpus: Corpus) -> list[str]:
    found: set[str] = set()
    for record in list(corpus.records())[:60]:
        kind = kinds.of_record(record)
        if kind is not None:
            for _, text, _ in kind.searchable(record, "en"):
                found.update(queries._tokens(text))
    return sorted(word for word in found if len(word) > 2)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), language=st.sampled_from(["en", "es"]))
def test_remembered_tokens_give_the_same_hits(corpus: Corpus, data: st.DataObject,
                                              language: str) -> None:
    words = data.draw(st.lists(st.sampled_from(_words(corpus)), min_size=1, max_size=3))
    query = " ".join(words)
    sections = [(kind.name, corpus.of(kind.name)) for kind in kinds.sections()]
    warm = queries.find(sections, query, language, corpus)
    queries._TOKENS.clear()
    cold = queries.find(sections, query, language, corpus)
    assert [(h.section, h.record.id, h.score, h.field, h.spans) for h in warm.hits] == [
        (h.section, h.record.id, h.score, h.field, h.spans) for h in cold.hits]
    assert (warm.corrections, warm.suggestions) == (cold.corrections, cold.suggestions)


# --- search's index, kept with the validated corpus ------------------------------------------


def _plain(corpus: Corpus) -> Corpus:
    """The corpus's records in a corpus of their own, which keeps no index."""
    return Corpus(dict(corpus.kinds()), origins=corpus.origins())


@pytest.fixture(scope="module")
def indexed(corpus: Corpus) -> Corpus:
    """The corpus as the validated bundle gives it back once a command has searched it:
    with search's index."""
    plain = _plain(corpus)
    return bundle.decode(bundle.encode(plain, queries.build_index(plain)))


def _found(findings: queries.Findings) -> tuple[object, ...]:
    return ([(h.section, h.record.id, h.score, h.title, h.field, h.text, h.spans)
             for h in findings.hits], findings.corrections, findings.suggestions)


def _slices(entry: Path) -> dict[str, tuple[int, int, int]]:
    raw = entry.read_bytes()
    return bundle._header(raw[:bundle.MAX_HEADER_BYTES], len(raw))[0]


def test_the_bundle_keeps_an_index_once_a_search_asks(indexed: Corpus, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Stored without the index (the first run over a large folder need not pay for it);
    the first search makes it, searches with it and keeps it in the entry, for every later
    run; a run that reads the entry back builds it no more."""
    built: list[int] = []
    real = queries.build_index

    def counting(corpus: Corpus) -> bytes:
        built.append(1)
        return real(corpus)

    monkeypatch.setattr(queries, "build_index", counting)
    entry = tmp_path / "0123.json"
    stored = _plain(indexed)
    bundle.store("0123", stored, tmp_path)
    assert bundle.SEARCH not in _slices(entry) and not built
    assert queries._indexed([("faq", stored.faq)], "en", stored) is not None
    assert bundle.SEARCH in _slices(entry) and len(built) == 1
    again = bundle.lookup("0123", tmp_path)
    assert again is not None
    assert queries._indexed([("faq", again.faq)], "en", again) is not None
    assert len(built) == 1
    # An entry stored before any search, read back by a later run: that run makes it.
    bundle.store("4567", _plain(indexed), tmp_path)
    later = bundle.lookup("4567", tmp_path)
    assert later is not None and bundle.SEARCH not in _slices(tmp_path / "4567.json")
    sections = [(k.name, later.of(k.name)) for k in kinds.sections()]
    plain = _plain(indexed)
    assert _found(queries.find(sections, "fentanyl", "en", later)) == _found(
        queries.find([(k.name, plain.of(k.name)) for k in kinds.sections()], "fentanyl",
                     "en", plain))
    assert len(built) == 2 and bundle.SEARCH in _slices(tmp_path / "4567.json")


def test_building_the_index_reads_each_record_once(corpus: Corpus,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    calls: Counter[str] = Counter()
    real = queries._bilingual

    def counting(record: Record, language: str) -> object:
        calls[record.id] += 1
        return real(record, language)

    monkeypatch.setattr(queries, "_bilingual", counting)
    queries.build_index(_scaled(corpus, 3))
    assert calls and set(calls.values()) == {1}


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), language=st.sampled_from(["en", "es"]))
def test_the_index_finds_what_reading_every_record_finds(
        corpus: Corpus, indexed: Corpus, data: st.DataObject, language: str) -> None:
    vocabulary = _words(corpus)
    words = data.draw(st.lists(st.sampled_from(vocabulary) | st.sampled_from(
        ["fent", "opioids", "heroine", "incautaciones", "pew", "pounds", "merida", "2019",
         "fentanul", "zzzq"]), min_size=1, max_size=3))
    if data.draw(st.booleans()):
        words = [word[:3] for word in words]  # beginnings of words
    query = " ".join(words) if data.draw(st.booleans()) else f'"{" ".join(words)}"'
    names = data.draw(st.lists(st.sampled_from([k.name for k in kinds.sections()]),
                               min_size=1, unique=True))
    plain = _plain(corpus)
    assert queries._indexed([(n, indexed.of(n)) for n in names], language, indexed)
    assert _found(queries.find([(n, indexed.of(n)) for n in names], query, language,
                               indexed)) == _found(
        queries.find([(n, plain.of(n)) for n in names], query, language, plain))
    for name in names:
        kind = kinds.named(name)
        assert [r.id for r in queries.look_up(kind, indexed.of(name), query, language)] == [
            r.id for r in queries.look_up(kind, plain.of(name), query, language)]


def _damaged_entries(corpus: Corpus) -> list[bytes]:
    """Entries whose index is damaged (so its checksum fails) or well made but wrong."""
    plain = _plain(corpus)
    good = bundle.encode(plain, queries.build_index(plain))
    slices, start = bundle._header(good[:bundle.MAX_HEADER_BYTES], len(good))
    offset, length, _ = slices[bundle.SEARCH]
    at = start + offset + length // 2
    flipped = good[:at] + bytes([good[at] ^ 0x20]) + good[at + 1:]
    entries = [flipped]
    blobs = {name: good[start + o:start + o + n] for name, (o, n, _) in slices.items()}
    for wrong in (b"[]", b'{"version": 1}', b"not json", b'{"version": 1, "faq": []}',
                  json.dumps({"version": 1, **{k.name: {
                      "size": -1, "words": {"fentanyl": "B////"},
                      "ids": {}, "aliases": {"en": {}, "es": {}}, "spanish": []}
                      for k in kinds.all_kinds()}}).encode()):
        entries.append(bundle.pack({**blobs, bundle.SEARCH: wrong}))
    return entries


@pytest.mark.parametrize("case", range(6))
def test_a_damaged_index_falls_back_to_the_records(corpus: Corpus, tmp_path: Path,
                                                   case: int) -> None:
    entry = _damaged_entries(corpus)[case]
    digest = "0" * 40
    (tmp_path / f"{digest}.json").write_bytes(entry)
    plain = _plain(corpus)
    cached = bundle.lookup(digest, tmp_path)
    assert cached is not None
    for query, language in (("fentanyl", "en"), ("merida", "es"), ("fent pills", "en")):
        sections = [(k.name, cached.of(k.name)) for k in kinds.sections()]
        assert _found(queries.find(sections, query, language, cached)) == _found(
            queries.find([(k.name, plain.of(k.name)) for k in kinds.sections()], query,
                         language, plain))
        faq = kinds.named("faq")
        assert queries.look_up(faq, cached.faq, query, language) == queries.look_up(
            faq, plain.faq, query, language)
    if case == 0:  # its checksum fails: the entry goes, so the next run stores a good one
        assert not (tmp_path / f"{digest}.json").exists()


def test_a_look_up_in_a_listing_uses_the_index(indexed: Corpus) -> None:
    """A listing hands look_up its own list of the kind's records (sorted: the timeline):
    the index still chooses among them, in the listing's order."""
    plain = _plain(indexed)
    for name in ("faq", "timeline", "stats"):
        kind = kinds.named(name)
        listed = kind.in_order(indexed.of(name))
        assert queries._rankable(listed, ["merida"])[1] is not None
        for query in ("merida", "2008", "fent", "border security", "nothing-here"):
            assert queries.look_up(kind, listed, query) == queries.look_up(
                kind, kind.in_order(plain.of(name)), query)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(), _JSON, max_size=4))
def test_ascii_only_json_is_what_json_writes_with_ensure_ascii(document: dict[str, object]
                                                                ) -> None:
    """The ASCII-only path escapes characters in place instead of writing the document
    twice: the result is json.dumps's own with ensure_ascii (controls escaped as always)."""
    from binatsec.views.json import dumps

    shown = dumps(document, ascii_only=True)
    assert shown.isascii()
    assert json.loads(shown) == json.loads(dumps(document))


def _whole(document: dict[str, object]) -> str:
    """What json.dumps writes for `document`, made safe as binatsec's JSON always is."""
    from binatsec.views.json import _RAW_CONTROL, _json_escape

    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return _RAW_CONTROL.sub(_json_escape, text)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(), _JSON | st.lists(_JSON, max_size=5).map(tuple), max_size=5))
def test_a_document_written_in_pieces_is_the_document_written_whole(
        document: dict[str, object]) -> None:
    """An export is written a record at a time, its sections made as they are written
    (json.Stream): the text is json.dumps's for the same document (here, tuples stand
    for the streamed sections), byte for byte."""
    from binatsec.views.json import Stream, pieces

    streamed = {key: Stream(value.__iter__, len(value)) if isinstance(value, tuple) else value
                for key, value in document.items()}
    listed = {key: list(value) if isinstance(value, tuple) else value
              for key, value in document.items()}
    text = "".join(pieces(streamed))
    assert text == _whole(listed)
    assert json.loads(text) == json.loads(json.dumps(listed))


@pytest.mark.parametrize("ascii_only", [False, True])
@pytest.mark.parametrize("child", ["works", "fails"])
def test_an_export_written_in_two_processes_is_the_same(
        corpus: Corpus, monkeypatch: pytest.MonkeyPatch, ascii_only: bool, child: str) -> None:
    """From forked.RECORDS_TO_SPLIT records a forked child writes the second half of the
    sections: the same text, whether it does or fails (then this process writes that half
    too)."""
    from binatsec import forked, formats, results
    from binatsec.views import json as json_view

    if not forked.available():
        pytest.skip("an export is split only on Linux with two cores or more")
    export = results.Export(corpus=corpus, format=formats.named("json"),
                            sections=kinds.sections(), language="es", ascii_only=ascii_only)
    alone = "".join(json_view.pieces(json_view.export(export), ascii_only))
    monkeypatch.setattr(forked, "RECORDS_TO_SPLIT", 0)
    document = json_view.export(export)
    assert json_view._cut(list(document.items()))  # split, somewhere past the first
    if child == "fails":
        monkeypatch.setattr(forked.Child, "_run", staticmethod(lambda *args: os._exit(3)))
    assert "".join(json_view.pieces(document, ascii_only)) == alone


def test_an_export_is_written_as_it_is_made(corpus: Corpus) -> None:
    """The first piece is out before the last record is made into JSON: the export is
    never held whole (70,000 records are 60 MB of JSON)."""
    from binatsec import formats, results
    from binatsec.views import json as json_view

    made: list[str] = []
    real = json_view.records

    def counting(items: object, *args: object, **kwargs: object) -> object:
        found = real(items, *args, **kwargs)  # type: ignore[arg-type]
        made.extend(item["id"] for item in found)
        return found

    export = results.Export(corpus=corpus, format=formats.named("json"),
                            sections=kinds.sections(), language="en")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(json_view, "records", counting)
        written = json_view.pieces(json_view.export(export))
        next(written), next(written)
        assert len(made) < len(list(corpus.records())) // 10
        rest = "".join(written)
    assert len(made) == sum(len(corpus.of(k.name)) for k in kinds.sections())
    assert rest.endswith("\n}\n")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["", " ", "\t", "text", "more  ", "  lead", "#", "\u3000"])
                | st.text(max_size=6), max_size=12))
def test_markdown_written_in_pieces_is_the_text_joined_and_stripped(lines: list[str]) -> None:
    """Markdown is written a piece at a time (views.documents.text_of_lines): the same text
    as joining its lines, dropping what trails, and ending with one newline."""
    from binatsec.views.documents import _LINES_A_PIECE, text_of_lines

    assert "".join(text_of_lines(lines)) == "\n".join(lines).rstrip() + "\n"
    many = lines * (_LINES_A_PIECE // max(len(lines), 1) + 2)
    assert "".join(text_of_lines(many)) == "\n".join(many).rstrip() + "\n"
