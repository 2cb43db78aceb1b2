"""Search across sections: each hit shows the line that matched, found in one pass."""

from __future__ import annotations

import pytest

from binatsec import figures, queries
from binatsec.corpus.records import Corpus


def test_a_year_hit_on_an_event_shows_its_date_not_its_id(corpus: Corpus) -> None:
    hits = queries.search([("timeline", corpus.timeline)], "2019")
    assert hits
    for hit in hits:
        assert hit.text != hit.record.id
        assert (hit.field, hit.text) == ("when", "2019")
        assert hit.spans == ((0, 4),)


def test_each_record_is_read_once_per_search(corpus: Corpus,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    sentence = figures.sentence

    def counted(stat, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(stat.id)
        return sentence(stat, *args, **kwargs)

    monkeypatch.setattr(figures, "sentence", counted)
    hits = queries.search([("stats", corpus.stats)], "fentanyl")
    assert hits and all(hit.field == "sentence" for hit in hits)
    assert sorted(calls) == sorted(s.id for s in corpus.stats)


def test_the_best_field_is_the_one_with_most_matches(corpus: Corpus) -> None:
    hits = queries.search([("faq", corpus.faq)], "merida initiative")
    best = hits[0]
    assert best.field in ("question", "answer")
    assert len(best.spans) >= 2
    assert best.text == getattr(best.record, best.field).en
