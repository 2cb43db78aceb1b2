"""Pure queries over the corpus: look-ups, filters, ranking and search. No I/O here."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from binatsec import figures
from binatsec.corpus import kinds
from binatsec.corpus import records as model
from binatsec.corpus.kinds import Kind
from binatsec.corpus.records import DEFAULT_LANGUAGE, Corpus, Record, Text
from binatsec.frozen import Frozen

_WORD = re.compile(r"\w+", re.UNICODE)
_STOPWORDS = frozenset(
    "a an and are as at be by do does for from has have how in is it its of on or the this to "
    "was what when which who why with".split()
)


class NotFound(LookupError):
    """A look-up named something that does not exist; `suggestions` are close real values."""

    def __init__(self, what: str, value: str, choices: Sequence[str]) -> None:
        self.what = what
        self.value = value
        self.suggestions = tuple(suggest(value, choices))
        self.choices = tuple(choices)
        if self.suggestions:
            hint = f"; did you mean '{self.suggestions[0]}'?"
        elif 0 < len(self.choices) <= 12:
            hint = f"; choose from: {', '.join(self.choices)}"
        else:
            hint = ""
        super().__init__(f"unknown {what} '{value}'{hint}")


def fold(text: str) -> str:
    """Case- and accent-insensitive form, so 'merida' finds 'Mérida'."""
    import unicodedata  # a C module, but only a query needs it

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def suggest(value: str, choices: Iterable[str], limit: int = 3) -> list[str]:
    """Close matches for a mistyped value, best first.

    A value is compared with each choice, its short form (after the kind's dot) and each
    word of it, so 'comunity' finds 'pillar.community-engagement'.
    """
    import difflib  # only a failed look-up needs it

    candidates: dict[str, str] = {}
    for choice in choices:
        short = choice.split(".", 1)[-1]
        for form in (choice, short, *short.split("-")):
            candidates.setdefault(form, choice)
    found = difflib.get_close_matches(fold(value), list(candidates), n=limit * 3, cutoff=0.75)
    return list(dict.fromkeys(candidates[f] for f in found))[:limit]


# --- section look-ups -----------------------------------------------------------------------


def resolve_id(value: str, records: Sequence[Record], prefix: str) -> Record | None:
    """A record by full id ('faq.merida-initiative') or by its short form ('merida-initiative')."""
    wanted = value.strip().casefold()
    if "." not in wanted:
        wanted = f"{prefix}.{wanted}"
    return next((r for r in records if r.id == wanted), None)


class Ranked(Frozen):
    score: float
    record: Record
    field: str = "id"  # the field that matched best, to show for the hit
    text: str = ""  # that field's text in the asked language


def _record_texts(record: Record) -> list[tuple[str, Text, float]]:
    """The searchable text fields of a record with their weight (headlines count more)."""
    kind = kind_of(record)
    out = [item for item in (kind.text_fields(record) if kind else ())
           if not (isinstance(record, model.TimelineEvent) and item[0] == "when")]
    if isinstance(record, model.Stat):
        # People search for a figure as they would say it ("over 10,000 kg").
        out.append(("sentence", Text(en=figures.sentence(record)), 1.5))
    if isinstance(record, model.TimelineEvent):
        # An event's date is searchable as it reads ("2019", "2008–2021"), so a hit on a
        # year shows the date, not only the id it also appears in.
        out.append(("when", Text(en=record.when_text("en"), es=record.when_text("es")), 1.0))
    return out


def _score(query_tokens: Sequence[str], record: Record, language: str) -> Ranked:
    """The record's score, and the field that matched most words (a figure's sentence wins
    ties, as a figure reads best that way); the id when no text field matched."""
    if not query_tokens:
        return Ranked(0.0, record)
    id_tokens = set(tokens(record.id.replace("-", " ")))
    score = 0.0
    matched: set[str] = set()
    best = ("id", record.id)
    best_rank = (0, False)
    for key, text, weight in _record_texts(record):
        value = text.get(language)
        words = tokens(value)
        for term in query_tokens:
            hits = sum(1 for w in words if w.startswith(term))
            if hits:
                matched.add(term)
                score += weight * (1.0 + 0.1 * (hits - 1))
        field_rank = (sum(1 for w in words if any(w.startswith(t) for t in query_tokens)),
                      key == "sentence")
        if field_rank[0] and field_rank > best_rank:
            best, best_rank = (key, value), field_rank
    for term in query_tokens:
        if term in id_tokens:
            matched.add(term)
            score += 2.0
    if len(matched) < len(query_tokens):
        # Every meaningful word of the query must appear somewhere in the record.
        return Ranked(0.0, record)
    return Ranked(round(score, 3), record, *best)


def query_terms(query: str) -> list[str]:
    words = tokens(query)
    # Single letters ("U.S." -> "u", "s") and stop words match everything; drop them.
    meaningful = [w for w in words if w not in _STOPWORDS and len(w) > 1]
    return list(dict.fromkeys(meaningful or words))


def rank(records: Sequence[Record], query: str,
         language: str = DEFAULT_LANGUAGE) -> list[Ranked]:
    """Records matching every word of the query, best first; ties keep the content order."""
    terms = query_terms(query)
    scored = [_score(terms, r, language) for r in records]
    hits = [r for r in scored if r.score > 0]
    return sorted(hits, key=lambda r: -r.score)


def answer_faq(entries: Sequence[model.FaqEntry], query: str,
               language: str = DEFAULT_LANGUAGE) -> list[model.FaqEntry]:
    """An id answers exactly; otherwise the entries that match, best first.

    When the best match clearly leads, only it is returned; close runners-up are kept so an
    ambiguous query shows every plausible answer.
    """
    exact = resolve_id(query, entries, "faq")
    if isinstance(exact, model.FaqEntry):
        return [exact]
    ranked = rank(entries, query, language)
    if not ranked:
        return []
    best = ranked[0].score
    return [r.record for r in ranked
            if r.score >= best * 0.75 and isinstance(r.record, model.FaqEntry)]


def timeline_between(events: Sequence[model.TimelineEvent], start: int | None,
                     end: int | None) -> list[model.TimelineEvent]:
    """Events overlapping [start, end], oldest first.

    An undated period (only a `when` label) keeps its place in the content: it sorts with
    the dated event before it. It has no year to match, so a range leaves it out.
    """
    placed: list[tuple[tuple[int, int, int], model.TimelineEvent]] = []
    previous = (0, 0)
    for index, event in enumerate(events):
        if event.year is not None:
            previous = (event.year, event.last_year or event.year)
        placed.append(((*previous, index), event))
    chosen = [(key, event) for key, event in placed
              if (start is None and end is None) or (
                  event.year is not None
                  and (start is None or (event.last_year or event.year) >= start)
                  and (end is None or event.year <= end))]
    return [event for _, event in sorted(chosen, key=lambda item: item[0])]


MAX_TYPED_DIGITS = 6


def typed_number(text: str) -> int | None:
    """A whole number as a person types it: ASCII digits only (not '²' or '٣', which
    str.isdigit accepts) and at most MAX_TYPED_DIGITS of them; None for anything else."""
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= MAX_TYPED_DIGITS:
        return int(text)
    return None


def find_pillar(pillars: Sequence[model.Pillar], wanted: str) -> model.Pillar:
    """A pillar by number (1-4), id, short id, or words of its name."""
    text = wanted.strip()
    if text.isascii() and text.isdigit():
        number = typed_number(text)
        match = next((p for p in pillars if p.number == number), None)
        if match:
            return match
        raise NotFound("pillar number", text, [str(p.number) for p in pillars])
    exact = resolve_id(text, pillars, "pillar")
    if isinstance(exact, model.Pillar):
        return exact
    ranked = rank(pillars, text)
    if ranked and isinstance(ranked[0].record, model.Pillar):
        return ranked[0].record
    raise NotFound("pillar", text, [p.id for p in pillars])


def stats_in(corpus: Corpus, category: str | None) -> list[model.Stat]:
    if category is None:
        return list(corpus.stats)
    ids = [c.id for c in corpus.categories]
    if category not in ids:
        raise NotFound("category", category, ids)
    return [s for s in corpus.stats if s.category == category]


# The one wording for a figure the article credits to no one: said so that it cannot be read
# as "this figure is not in the article".
UNNAMED_SOURCE = "the article names no source for this figure"
UNNAMED_SHORT = "none named"  # the same, where a table cell has room for two words


def source_of(stat: model.Stat | model.Pillar, corpus: Corpus) -> model.Source | None:
    """The source the article credits for a figure (or a pillar), or None when it names none."""
    source = corpus.get(stat.attribution) if stat.attribution else None
    return source if isinstance(source, model.Source) else None


def attribution_text(source: model.Source | None) -> str:
    """How a figure's credit reads, the same wherever it is shown."""
    if source is None:
        return UNNAMED_SOURCE
    return f"per the {source.name}, as cited in the article"


def figures_for(corpus: Corpus, record_id: str, related: Iterable[str] = ()) -> list[model.Stat]:
    """Statistics linked to a record either way: it names them, or they support it."""
    named = set(related)
    return [s for s in corpus.stats if s.id in named or record_id in s.supports]


# --- search across sections -----------------------------------------------------------------


class Hit(Frozen):
    section: str
    record: Record
    score: float
    title: str
    field: str
    text: str
    spans: tuple[tuple[int, int], ...]


def match_spans(text: str, terms: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """Where query words (as word prefixes) occur in `text`, for highlighting."""
    spans: list[tuple[int, int]] = []
    for match in _WORD.finditer(text):
        word = fold(match.group())
        for term in terms:
            if word.startswith(term):
                # Folding can change length (ß -> ss); highlight the whole word then.
                end = match.start() + len(term) if len(word) == len(match.group()) else match.end()
                spans.append((match.start(), end))
                break
    return tuple(spans)


def search(sections: Sequence[tuple[str, Sequence[Record]]], query: str,
           language: str = DEFAULT_LANGUAGE) -> list[Hit]:
    """Every record in `sections` that matches all query words, best first."""
    terms = query_terms(query)
    hits: list[Hit] = []
    for section, records in sections:
        for ranked in rank(records, query, language):
            hits.append(Hit(section, ranked.record, ranked.score, title_of(ranked.record, language),
                            ranked.field, ranked.text, match_spans(ranked.text, terms)))
    return sorted(hits, key=lambda h: -h.score)


def kind_of(record: Record) -> Kind | None:
    """The kind a record belongs to, by its id's prefix (categories have none)."""
    prefix, dot, _ = record.id.partition(".")
    return kinds.of_prefix(prefix) if dot else kinds.get("categories")


def title_of(record: Record, language: str = DEFAULT_LANGUAGE) -> str:
    """The line a record is known by: its kind's headline field."""
    kind = kind_of(record)
    return kind.headline_of(record, language) if kind else record.id
