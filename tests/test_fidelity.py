"""The bundled content against the article's facts, in every checkout (issue 10).

tests/fixtures/article/facts.toml holds the article's facts, not its prose: figures with
qualifier, year, unit and credited body; names as the article writes them; dates; the ties
it makes between passages; and, in article_shingles.txt, a digest of every run of eight
words, so copying is caught without the article's text. Where the article itself is at hand
(../shared/source/article.txt), the fixture is checked against it too.
"""

from __future__ import annotations

import hashlib
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from binatsec import figures
from binatsec.corpus import kinds
from binatsec.corpus.records import Corpus, Myth, Stat, Text, TimelineEvent
from binatsec.quiz import engine as quiz
from conftest import ARTICLE, ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FIXTURES = ROOT / "tests" / "fixtures" / "article"
FACTS: dict[str, Any] = tomllib.loads((FIXTURES / "facts.toml").read_text(encoding="utf-8"))
SHINGLES_FILE = FIXTURES / "article_shingles.txt"
RUN = 8  # words in a row that may not be shared with the article
# Fields that may quote the article (docs/content-spec.md): the FAQ's questions and the
# myths' statements are the article's own questions and claims.
QUOTED = {("faq", "question"), ("myths", "myth")}
# Words of degree that change a claim's strength; the ones the article never uses may not
# appear in our prose either (the article says "can cause friction", not "often"; "has
# helped lower", not "rarely" or "largely").
DEGREE = ("always never rarely seldom often usually most mostly much many all every only "
          "solely entirely completely largely mainly primarily certainly clearly proven "
          "definitely crucial strongly greatly significantly").split()


def words(text: str) -> list[str]:
    """Lowercase words, apostrophes dropped, curly or straight ("don't" = "dont")."""
    return re.findall(r"[a-z0-9]+", text.casefold().replace("’", "").replace("'", ""))


def digest(run: list[str]) -> str:
    return hashlib.sha256(" ".join(run).encode()).hexdigest()[:16]


def shingles(text: str) -> set[str]:
    found = words(text)
    return {digest(found[i:i + RUN]) for i in range(len(found) - RUN + 1)}


def prose(corpus: Corpus) -> Iterator[tuple[str, str, str]]:
    """(record id, field, English text) for every piece of prose we wrote."""
    for kind in kinds.all_kinds():
        for record in corpus.of(kind.name):
            for field, value in record._asdict().items():
                if isinstance(value, Text) and (kind.name, field) not in QUOTED:
                    yield record.id, field, value.en


@pytest.fixture(scope="module")
def bodies(corpus: Corpus) -> dict[str, str]:
    """Each name the article uses for a body, to the source record that stands for it."""
    found: dict[str, str] = {}
    for name in FACTS["names"]:
        for source in corpus.sources:
            short = source.short_name.en
            if name in (source.name.en, short) or name.endswith(short):
                found[name] = source.id
    return found


# --- figures ---------------------------------------------------------------------------------


def test_every_figure_is_the_articles_and_every_article_figure_is_here(corpus: Corpus) -> None:
    assert sorted(s.id for s in corpus.stats) == sorted(f["id"] for f in FACTS["figure"])


@pytest.mark.parametrize("fact", FACTS["figure"], ids=lambda fact: fact["id"])
def test_a_figure_keeps_value_unit_qualifier_year_and_credit(
        corpus: Corpus, bodies: dict[str, str], fact: dict[str, Any]) -> None:
    stat = corpus.get(fact["id"])
    assert isinstance(stat, Stat)
    assert (stat.value, stat.unit, stat.qualifier) == (fact["value"], fact["unit"],
                                                        fact["qualifier"])
    assert stat.year == fact.get("year")
    assert (stat.period.en if stat.period else None) == fact.get("period")
    assert stat.attribution == (bodies[fact["credited"]] if fact["credited"] else None)


def test_a_figures_sentence_reads_as_one_clause(corpus: Corpus) -> None:
    """The year in brackets closes the figure's own phrase: "...killings in Mexico, the peak
    year (2017)" read as if Mexico were the year."""
    for stat in corpus.stats:
        sentence = figures.sentence(stat)
        assert not re.search(r", [^,()]*\(\d{4}\)$", sentence), sentence
        assert "," not in stat.what.en, stat.id


# --- names, dates, credits ----------------------------------------------------------------


def test_every_body_is_named_as_the_article_names_it(corpus: Corpus) -> None:
    names = FACTS["names"]
    for source in corpus.sources:
        assert source.name.en in names, source.id
        assert any(source.short_name.en in name for name in names), source.id


@pytest.mark.parametrize("fact", FACTS["date"], ids=lambda fact: fact["id"])
def test_every_date_is_the_articles(corpus: Corpus, fact: dict[str, Any]) -> None:
    event = corpus.get(fact["id"])
    assert isinstance(event, TimelineEvent)
    if "undated" in fact:
        assert event.year is None and event.end_year is None and event.when is not None
    else:
        assert (event.year, event.end_year) == (fact["year"], fact.get("end_year"))
    # What the article describes as ongoing is marked, so no date question implies that it
    # began (or happened only) in the year of the one instance the article dates; its title
    # names that instance, without the year (a field) or a figure (stats.toml).
    assert event.ongoing is fact.get("ongoing", False)
    if event.ongoing:
        assert not re.search(r"\d", event.title.en), event.title.en


def test_every_event_is_dated_as_the_article_dates_it(corpus: Corpus) -> None:
    assert sorted(e.id for e in corpus.timeline) == sorted(f["id"] for f in FACTS["date"])


def test_credits_are_read_once_and_applied_everywhere(corpus: Corpus,
                                                     bodies: dict[str, str]) -> None:
    """The State Department names the four pillars; the figures inside a pillar's example
    are the article's own. A pillar's quiz says what is credited, not the example."""
    for pillar in corpus.pillars:
        assert pillar.attribution == bodies[FACTS["credits"][pillar.id]]
        question = quiz.question_for(corpus, f"{pillar.id}#summary", random.Random(1))
        assert question is not None
        assert "pillars" in question.credit, question.credit
    officers = corpus.get("stat.police-officers-trained")
    assert isinstance(officers, Stat) and officers.attribution is None


# --- myths: a fact beside each myth ----------------------------------------------------------

MYTH_IDS = [myth["id"] for myth in tomllib.loads(
    (ROOT / "content" / "myths.toml").read_text(encoding="utf-8"))["myth"]]
# How a reply to a claim opens ("Not quite, according to the article", "That is a huge
# oversimplification"): a fact the quiz shows on its own, to a player who never saw the
# myth, opens like none of these.
REPLY_OPENINGS = ("not ", "not,", "no,", "no.", "no ", "nope", "that is", "that's", "thats",
                  "this is", "it is", "it's", "yes", "actually", "in fact", "on the contrary",
                  "wrong", "false", "true", "quite", "rather", "far from", "according to",
                  "the article", "the reality", "in reality")
FACT_LENGTH = (0.6, 1.8)  # a fact's length as a share of its myth's: neither is given away
SENTENCE_END = re.compile(r"(?<!\bU\.S)[.!?](?=\s)")


@pytest.mark.parametrize("myth_id", MYTH_IDS)
def test_a_myths_fact_is_a_plain_statement_of_its_length(corpus: Corpus, myth_id: str) -> None:
    """Myth or fact is not won by form (issue 16): the fact is one short declarative
    sentence like the myth, not the long reply that corrects it."""
    myth = corpus.get(myth_id)
    assert isinstance(myth, Myth)
    claim, fact = myth.myth.en, myth.fact.en
    assert not fact.casefold().startswith(REPLY_OPENINGS), f"{myth_id}: opens as a reply"
    ratio = len(fact) / len(claim)
    assert FACT_LENGTH[0] <= ratio <= FACT_LENGTH[1], f"{myth_id}: {ratio:.2f} the myth's length"
    assert fact.endswith(".") and not SENTENCE_END.search(fact), f"{myth_id}: not one sentence"
    assert fact[:1].isupper() and not fact.endswith("?"), myth_id
    assert words(fact) not in (words(claim), words(myth.reality.en)), myth_id


def test_every_myth_has_its_fact_test(corpus: Corpus) -> None:
    assert [myth.id for myth in corpus.myths] == MYTH_IDS


@pytest.mark.parametrize("record_id,said", FACTS["author_views"],
                         ids=[view[0] for view in FACTS["author_views"]])
def test_the_authors_own_views_are_credited_to_the_author(corpus: Corpus, record_id: str,
                                                          said: str) -> None:
    """The author's judgements ("this teamwork is vital") are told apart from what the
    article reports: the record that carries each says whose view it is."""
    record = corpus.get(record_id)
    assert record is not None, record_id
    texts = [value.en for value in record._asdict().values() if isinstance(value, Text)]
    assert any("the article's author" in text.casefold() for text in texts), (record_id, said)


# --- links ---------------------------------------------------------------------------------


def _links(corpus: Corpus) -> set[tuple[str, str]]:
    found = set()
    for kind in kinds.all_kinds():
        for record in corpus.of(kind.name):
            for field in kind.links:
                value = getattr(record, field.name)
                targets = value if isinstance(value, tuple) else (value,) if value else ()
                if field.link == "any" and field.name != "attribution":
                    found |= {tuple(sorted((record.id, target))) for target in targets}
    return found  # type: ignore[return-value]


def test_every_link_is_a_tie_the_article_makes(corpus: Corpus) -> None:
    ties = {tuple(sorted(pair)) for pair in FACTS["ties"]}
    assert sorted(_links(corpus) - ties) == []


# --- wording --------------------------------------------------------------------------------


def test_no_run_of_eight_words_is_copied_from_the_article(corpus: Corpus) -> None:
    article = set(SHINGLES_FILE.read_text(encoding="utf-8").split())
    copied = [(record_id, field) for record_id, field, text in prose(corpus)
              if shingles(text) & article]
    assert copied == []


def test_no_word_of_degree_the_article_never_uses(corpus: Corpus) -> None:
    allowed = set(FACTS["degree_words_in_article"])
    stronger = {(record_id, word) for record_id, _, text in prose(corpus)
                for word in words(text) if word in DEGREE and word not in allowed}
    assert sorted(stronger) == []


# --- the fixture against the article, where the article is at hand ---------------------------


@pytest.fixture(scope="module")
def article() -> str:
    if not ARTICLE.is_file():
        pytest.skip(f"source article not found at {ARTICLE}")
    return ARTICLE.read_text(encoding="utf-8").replace("’", "'")


def test_the_fixture_names_and_figures_are_in_the_article(article: str) -> None:
    for name in FACTS["names"]:
        assert name in article, name
    for fact in FACTS["figure"]:
        assert fact["article"] in article, fact["id"]
        if fact["credited"]:
            assert fact["credited"] in article
    for fact in FACTS["date"]:
        assert fact.get("undated", str(fact.get("year"))) in article, fact["id"]
    for _, said in FACTS["author_views"]:
        assert said in article, said


def test_the_shingles_are_the_articles(article: str) -> None:
    assert set(SHINGLES_FILE.read_text(encoding="utf-8").split()) == shingles(article), (
        "regenerate with: python tests/test_fidelity.py ../shared/source/article.txt")


def test_the_degree_words_are_the_articles(article: str) -> None:
    assert sorted(FACTS["degree_words_in_article"]) == sorted(
        set(DEGREE) & set(words(article)))


if __name__ == "__main__":  # regenerate the shingles from the article
    text = Path(sys.argv[1]).read_text(encoding="utf-8")
    SHINGLES_FILE.write_text("\n".join(sorted(shingles(text))) + "\n", encoding="utf-8")
    print(f"{len(shingles(text))} shingles written to {SHINGLES_FILE}")
