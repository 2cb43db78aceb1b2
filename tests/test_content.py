"""The bundled corpus against the source article: every section complete and in order, every
figure exactly as the article gives it, nothing invented, nothing pasted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from binatsec.corpus import records as model
from binatsec.corpus.records import Corpus, Stat, Text

# --- reading the article ---------------------------------------------------------------------

QUALIFIER_WORDS: dict[str, tuple[str, ...]] = {
    "over": ("over", "more than"),  # the spec records the article's "more than" as over
    "nearly": ("nearly",),
    "about": ("about",),
    "exact": (),
}
ANY_HEDGE = ("over", "more than", "nearly", "about", "almost", "around", "approximately",
             "roughly", "under", "less than")
# Exactly as the article writes its figures: "$3 billion", "3.9 million", "1,500 pounds".
FIGURE = re.compile(r"\$?\d(?:[\d,]*\d)?(?:\.\d+)?(?: (?:million|billion))?"
                    r"(?:%| kilograms| pounds)?")
NUMBER = re.compile(r"\d(?:[\d,.]*\d)?")
SENTENCE_BREAK = re.compile(r"(?<=[.!?:])(?<!\bU\.S\.)\s+")


def normalize(text: str) -> str:
    """Curly quotes straight, so the article and the content compare as text."""
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def paragraphs(article: str) -> list[str]:
    return [line.strip() for line in normalize(article).splitlines() if line.strip()]


def sentences(paragraph: str) -> list[str]:
    return SENTENCE_BREAK.split(paragraph)


def words(text: str) -> list[str]:
    """Lowercase word tokens; "U.S." and "Mexico's" count as one word each."""
    text = re.sub(r"(?<=\w)[.'](?=\w)", "", normalize(text).lower())
    return re.findall(r"[a-z0-9]+", text)


def article_amount(value: float, unit: str) -> str:
    """A stat's value in the article's own notation."""
    if value >= 1e9:
        number = f"{value / 1e9:g} billion"
    elif value >= 1e6:
        number = f"{value / 1e6:g} million"
    else:
        number = f"{int(value):,}"
    return {"usd": f"${number}", "kg": f"{number} kilograms", "lb": f"{number} pounds",
            "percent": f"{number}%"}.get(unit, number)


@dataclass(frozen=True)
class Mention:
    paragraph: str
    sentence: str
    previous: str  # the sentence before, where the article often names who reports it


def mentions(article: str, stat: Stat) -> list[Mention]:
    """Where the article gives this figure with this qualifier."""
    amount = re.escape(article_amount(stat.value, stat.unit))
    hedges = QUALIFIER_WORDS[stat.qualifier]
    if hedges:
        pattern = re.compile(rf"\b(?:{'|'.join(hedges)}) {amount}(?![\d,])", re.IGNORECASE)
    else:
        unhedged = "".join(f"(?<!{hedge} )" for hedge in ANY_HEDGE)
        pattern = re.compile(rf"(?<![\d,.$]){unhedged}{amount}(?![\d,])", re.IGNORECASE)
    found = []
    for paragraph in paragraphs(article):
        parts = sentences(paragraph)
        found.extend(Mention(paragraph, sentence, parts[n - 1] if n else "")
                     for n, sentence in enumerate(parts) if pattern.search(sentence))
    return found


def source_names(corpus: Corpus, source_id: str) -> tuple[str, str]:
    source = corpus.get(source_id)
    assert isinstance(source, model.Source), source_id
    return source.name.en, source.short_name.en


def prose(corpus: Corpus) -> Iterator[tuple[str, str, str]]:
    """(record id, field, text) for every piece of prose in every language."""
    for record in corpus.records():
        for name, value in record._asdict().items():
            if isinstance(value, Text):
                for language, text in value.as_dict().items():
                    yield record.id, f"{name}.{language}", text
            elif name in ("name", "short_name") and isinstance(value, str):
                yield record.id, name, value


# --- every section, complete and in the article's order -------------------------------------


def article_lines_between(article: str, start: str, end: str) -> list[str]:
    lines = paragraphs(article)
    return lines[lines.index(start) + 1:lines.index(end)]


def test_faq_has_the_articles_twelve_questions_in_order(corpus: Corpus, article: str) -> None:
    questions = [line for line in article_lines_between(
        article, "Frequently Asked Questions", "Myth-Busting: Clearing Up Misconceptions")
        if line.endswith("?")]
    assert len(questions) == 12
    assert [normalize(entry.question.en) for entry in corpus.faq] == questions


def test_myths_are_the_articles_eight_in_order(corpus: Corpus, article: str) -> None:
    stated = [line.removeprefix("Myth: ") for line in paragraphs(article)
              if line.startswith("Myth: ")]
    assert len(stated) == len(corpus.myths) == 8
    for myth, original in zip(corpus.myths, stated, strict=True):
        ours, theirs = set(words(myth.myth.en)), set(words(original))
        assert len(ours & theirs) / len(ours | theirs) >= 0.5, (myth.id, original)


def test_pillars_are_the_four_in_the_articles_order(corpus: Corpus, article: str) -> None:
    assert [pillar.number for pillar in corpus.pillars] == [1, 2, 3, 4]
    lines = paragraphs(article)
    positions = []
    for pillar in corpus.pillars:
        heading = f"{pillar.number}. {pillar.name.en}:".lower()
        (position,) = [n for n, line in enumerate(lines) if line.lower().startswith(heading)]
        positions.append(position)
    assert positions == sorted(positions)


def test_pillar_attribution_is_the_body_that_introduces_the_list(
    corpus: Corpus, article: str
) -> None:
    lines = paragraphs(article)
    first = next(n for n, line in enumerate(lines) if line.startswith("1. "))
    introduction = lines[first - 1]
    for pillar in corpus.pillars:
        assert pillar.attribution is not None
        assert any(name in introduction for name in source_names(corpus, pillar.attribution))


def test_three_areas_of_cooperation_in_order(corpus: Corpus, article: str) -> None:
    lines = [line.lower() for line in paragraphs(article)]
    assert len(corpus.of("cooperation")) == 3
    positions = [lines.index(area.name.en.lower()) for area in corpus.of("cooperation")]
    assert positions == sorted(positions)


def test_five_actions_in_order(corpus: Corpus, article: str) -> None:
    lines = paragraphs(article)
    assert len(corpus.of("actions")) == 5
    positions = []
    for action in corpus.of("actions"):
        (position,) = [n for n, line in enumerate(lines)
                       if line.lower().startswith(action.title.en.lower() + ":")]
        positions.append(position)
    assert positions == sorted(positions)


def test_criticisms_and_outlook_are_present(corpus: Corpus) -> None:
    assert len(corpus.of("criticisms")) == 2
    assert len(corpus.of("outlook")) == 3


def test_timeline_runs_sorted_from_1846_to_2021(corpus: Corpus) -> None:
    years = [event.year for event in corpus.timeline if event.year is not None]
    assert years == sorted(years)
    assert corpus.timeline[0].when_text() == "1846–1848"
    assert corpus.timeline[-1].last_year == 2021


def test_timeline_has_every_year_the_article_names(corpus: Corpus, article: str) -> None:
    article_years = {int(y) for y in re.findall(r"\b(1[89]\d\d|20\d\d)\b", article)}
    timeline_years = {y for e in corpus.timeline for y in (e.year, e.end_year) if y}
    assert article_years <= timeline_years
    for event in corpus.timeline:
        # An undated period is labelled in the article's own words.
        shown = event.when.en if event.when else str(event.year)
        assert shown in article, event.id


def test_every_stats_category_is_declared_and_used(corpus: Corpus) -> None:
    declared = [category.id for category in corpus.categories]
    assert declared == ["funding", "training", "seizures", "violence", "migration",
                        "military-exercises", "public-opinion"]
    assert {stat.category for stat in corpus.stats} == set(declared)


def test_every_source_is_named_in_the_article(corpus: Corpus, article: str) -> None:
    assert [s.id for s in corpus.sources] == [
        "source.us-state-department", "source.dea", "source.pew-research-center", "source.fbi"]
    for source in corpus.sources:
        assert source.name.en in article or source.short_name.en in article, source.id


# --- figures exactly as the article has them -------------------------------------------------


def test_article_notation_matches_the_examples() -> None:
    assert article_amount(3_900_000, "count") == "3.9 million"
    assert article_amount(3_000_000_000, "usd") == "$3 billion"
    assert article_amount(10_000, "kg") == "10,000 kilograms"
    assert article_amount(1_500, "lb") == "1,500 pounds"
    assert article_amount(63, "percent") == "63%"


def test_every_stat_appears_in_the_article_with_its_qualifier_year_and_subject(
    corpus: Corpus, article: str
) -> None:
    for stat in corpus.stats:
        found = mentions(article, stat)
        assert found, f"{stat.id}: no '{stat.qualifier} {article_amount(stat.value, stat.unit)}'"

        def fits(mention: Mention, stat: Stat = stat) -> bool:
            if stat.year is not None and str(stat.year) not in mention.paragraph:
                return False
            if stat.period is not None and not all(
                    n in mention.paragraph for n in NUMBER.findall(stat.period.en)):
                return False
            # The figure is about what the stat says it is about: the words its label and
            # its wording share ("heroin", "seized") are the article's words around it.
            subject = {w for w in words(stat.what.en) if len(w) >= 5} & set(words(stat.label.en))
            return bool(subject) and subject <= set(words(mention.paragraph))

        assert any(fits(m) for m in found), (stat.id, found)


def test_attributions_name_the_source_beside_the_figure(corpus: Corpus, article: str) -> None:
    for stat in corpus.stats:
        found = mentions(article, stat)
        all_sources = [n for s in corpus.sources for n in (s.name.en, s.short_name.en)]
        if stat.attribution is None:
            # Credited to nobody: the article names no source in the figure's sentence.
            assert any(not any(n in m.sentence for n in all_sources) for m in found), stat.id
        else:
            # Credited near the figure: in its sentence or the one just before.
            names = source_names(corpus, stat.attribution)
            assert any(any(n in m.sentence or n in m.previous for n in names)
                       for m in found), stat.id


def test_every_figure_in_the_article_is_a_stat(corpus: Corpus, article: str) -> None:
    ours = {article_amount(stat.value, stat.unit) for stat in corpus.stats}
    for paragraph in paragraphs(article):
        body = re.sub(r"^\d\. ", "", paragraph)  # the numbered pillar list
        for figure in FIGURE.findall(body):
            if re.fullmatch(r"1[89]\d\d|20\d\d", figure):
                continue  # a year: the timeline test covers those
            if re.fullmatch(r"\d+", figure) and re.search(rf"\b{figure}th\b", body):
                continue  # "20th century"
            assert figure in ours, f"the article's {figure!r} has no stat ({paragraph[:60]}...)"


def test_stat_values_are_plain_numbers_in_their_unit(corpus: Corpus) -> None:
    for stat in corpus.stats:
        assert stat.value == int(stat.value) or stat.unit != "count", stat.id
        if stat.unit == "percent":
            assert 1 < stat.value <= 100, f"{stat.id}: a share is in percent (63, not 0.63)"


def test_stats_support_a_timeline_event_or_faq_of_the_same_year(corpus: Corpus) -> None:
    for stat in corpus.stats:
        assert stat.supports, f"{stat.id} supports nothing"
        for target_id in stat.supports:
            target = corpus.get(target_id)
            assert target is not None, target_id
            if isinstance(target, model.TimelineEvent) and stat.year is not None:
                assert target.year <= stat.year <= target.last_year, (stat.id, target_id)


# --- nothing invented, nothing pasted --------------------------------------------------------


def test_every_number_in_prose_appears_in_the_article(corpus: Corpus, article: str) -> None:
    article_numbers = set(NUMBER.findall(article))
    # Spanish has no "billion" in everyday use: the article's "$3 billion" is written
    # "3,000 millones de dólares", so its thousands of millions count as the article's too.
    spanish_numbers = article_numbers | {
        f"{round(float(n.replace(',', '')) * 1000):,}"
        for n in re.findall(r"(\d[\d,.]*) billion", article)}
    for record_id, field, text in prose(corpus):
        allowed = spanish_numbers if field.endswith(".es") else article_numbers
        for number in NUMBER.findall(text):
            assert number in allowed, f"{record_id} {field}: {number!r} is invented"


def states_figure(text: str, stat: Stat) -> bool:
    """Whether `text` gives the figure as the article does: its hedge, then its amount."""
    amount = re.escape(article_amount(stat.value, stat.unit))
    hedges = QUALIFIER_WORDS[stat.qualifier]
    if hedges:
        pattern = rf"\b(?:{'|'.join(hedges)}) {amount}(?![\d,])"
    else:
        unhedged = "".join(f"(?<!{hedge} )" for hedge in ANY_HEDGE)
        pattern = rf"(?<![\d,.$]){unhedged}{amount}(?![\d,])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def linked_stats(corpus: Corpus, record_id: str) -> list[Stat]:
    record = corpus.get(record_id)
    related = getattr(record, "related", ())
    return [stat for stat in corpus.stats if stat.id in related or record_id in stat.supports]


def credits_stated(corpus: Corpus, text: str, stat: Stat) -> bool:
    """Whether `text` names the body the article credits for the figure, if any."""
    if stat.attribution is None:
        return True
    return any(name in text for name in source_names(corpus, stat.attribution))


def test_figures_live_in_stats_not_in_prose(corpus: Corpus) -> None:
    """A figure is written only in stats.toml, from where its sentence is generated. The one
    exception (docs/content-spec.md): a FAQ answer about a figure states it, with the
    article's hedge and credit, and links the figure's [[stat]]."""
    for record_id, field, text in prose(corpus):
        for stat in corpus.stats:
            figure = re.sub(r" (kilograms|pounds)$|%$|^\$", "",
                            article_amount(stat.value, stat.unit))
            pattern = rf"(?<![\d,.]){re.escape(figure)}(?![\d,])"
            if not re.search(pattern, text) or re.fullmatch(r"1[89]\d\d|20\d\d", figure):
                continue
            if (field.startswith("answer.") and record_id.startswith("faq.")
                    and stat in linked_stats(corpus, record_id)):
                assert states_figure(text, stat), (
                    f"{record_id} {field} writes {figure!r} without the article's hedge "
                    f"('{stat.qualifier}'): say it as the article does")
                assert credits_stated(corpus, text, stat), (
                    f"{record_id} {field} gives {stat.id} without the body the article "
                    "credits for it")
                continue
            pytest.fail(f"{record_id} {field} writes the figure {figure!r}; it belongs "
                        "in stats.toml, from where the sentence is generated")


def test_a_faq_answer_about_an_amount_states_it(corpus: Corpus) -> None:
    """"How much money ...?" is answered with the amount, not "the article gives the
    total": a question about an amount states a figure it links, hedged and credited."""
    asked = [entry for entry in corpus.faq
             if entry.question.en.lower().startswith(("how much", "how many"))]
    assert asked, "the article asks how much money went into the Merida Initiative"
    for entry in asked:
        stated = [stat for stat in linked_stats(corpus, entry.id)
                  if states_figure(entry.answer.en, stat)
                  and credits_stated(corpus, entry.answer.en, stat)]
        assert stated, f"{entry.id}: the answer does not state the figure it is about"


# The FAQ questions and the myth statements are the article's own, quoted on purpose:
# they are what a reader looks up, and a quiz asks a myth as the article states it.
QUOTED_FIELDS = ("question.", "myth.")
LONGEST_SHARED_RUN = 6


def shared_runs(text: str, article_words: list[str], length: int) -> set[tuple[str, ...]]:
    ours = words(text)
    theirs = {tuple(article_words[i:i + length])
              for i in range(len(article_words) - length + 1)}
    return {tuple(ours[i:i + length]) for i in range(len(ours) - length + 1)} & theirs


def test_no_prose_copies_a_run_of_the_article(corpus: Corpus, article: str) -> None:
    article_words = words(article)
    for record_id, field, text in prose(corpus):
        if field.startswith(QUOTED_FIELDS):
            continue
        runs = shared_runs(text, article_words, LONGEST_SHARED_RUN + 1)
        assert not runs, f"{record_id} {field} copies the article: {' '.join(min(runs))!r}"


def test_no_prose_pastes_a_whole_sentence_of_the_article(corpus: Corpus, article: str) -> None:
    pasted = [" ".join(words(s)) for p in paragraphs(article) for s in sentences(p)
              if len(words(s)) >= 7]
    for record_id, field, text in prose(corpus):
        if field.startswith(QUOTED_FIELDS):
            continue
        ours = " " + " ".join(words(text)) + " "
        for sentence in pasted:
            assert f" {sentence} " not in ours, f"{record_id} {field} pastes: {sentence!r}"


def test_the_copy_checks_catch_a_pasted_sentence(article: str) -> None:
    pasted = "In 2020, the U.S. and Mexico found over 10,000 kilograms of methamphetamine."
    assert shared_runs(pasted, words(article), LONGEST_SHARED_RUN + 1)
    assert not shared_runs("Fentanyl, methamphetamine and heroin are the main targets.",
                           words(article), LONGEST_SHARED_RUN + 1)
