"""Pure queries over the corpus: look-ups, filters, ranking and search. No I/O here."""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable, Sequence
from functools import cache, lru_cache
from typing import TypeVar, cast

from binatsec.corpus import kinds
from binatsec.corpus import records as model
from binatsec.corpus.kinds import Kind
from binatsec.corpus.records import DEFAULT_LANGUAGE, LANGUAGES, Corpus, Record
from binatsec.frozen import Frozen, building_many
from binatsec.i18n import N_, _
from binatsec.i18n import language as i18n_language

R = TypeVar("R", bound=Record)

_WORD = re.compile(r"\w+", re.UNICODE)
_STOPWORDS = frozenset(
    "a an and are as at be by do does for from has have how in is it its of on or the this to "
    "was what when which who why with".split()
    # Spanish, folded: a query in either language drops its own little words ("un", "su" and
    # "al" stay: "UN" and "Al" are names people search for in English).
    + "de del el la las los y e o en que con por para una se es son como cual cuales cuando "
      "quien quienes donde sobre".split()
)


# What a look-up names that may not exist, and how "unknown" reads for each (binatsec.i18n).
UNKNOWN = {
    "topic": N_("unknown topic '{value}'"),
    "source": N_("unknown source '{value}'"),
    "section": N_("unknown section '{value}'"),
    "format": N_("unknown format '{value}'"),
    "schema": N_("unknown schema '{value}'"),
}


class NotFound(LookupError):
    """A look-up named something that does not exist; `suggestions` are close real values."""

    def __init__(self, what: str, value: str, choices: Sequence[str]) -> None:
        self.what = what
        self.value = value
        self.suggestions = tuple(suggest(value, choices))
        self.choices = tuple(choices)
        if self.suggestions:
            hint = _("; did you mean '{name}'?").format(name=self.suggestions[0])
        elif 0 < len(self.choices) <= 12:
            hint = _("; choose from: {choices}").format(choices=", ".join(self.choices))
        else:
            hint = ""
        super().__init__(_(UNKNOWN.get(what, "unknown {what} '{value}'"))
                         .format(what=what, value=value) + hint)


# The combining marks seen so far, as one compiled character class to delete, and every
# character already sorted into marks or not: each character is looked up once per run,
# and a text's marks go in one regular-expression pass (str.translate with a dict, or a
# generator over the characters, costs ten times as much).
_SORTED: set[str] = set()
_MARKS: list[str] = []
_DROP_MARKS: re.Pattern[str] | None = None


def fold(text: str) -> str:
    """Case- and accent-insensitive form, so 'merida' finds 'Mérida' (NFKD, combining marks
    dropped). ASCII text only needs its case folded."""
    global _DROP_MARKS
    folded = text.casefold()
    if folded.isascii():
        return folded
    import unicodedata  # a C module, but only a query needs it

    decomposed = unicodedata.normalize("NFKD", folded)
    unseen = set(decomposed) - _SORTED
    if unseen:
        _SORTED.update(unseen)
        marks = sorted(c for c in unseen if unicodedata.combining(c))
        if marks:
            _MARKS.extend(marks)
            _DROP_MARKS = re.compile("[" + "".join(map(re.escape, _MARKS)) + "]")
    return _DROP_MARKS.sub("", decomposed) if _DROP_MARKS is not None else decomposed


# Symbols that stand for a word people also type: "$3 billion" holds "dollars", "63%"
# holds "percent", and a query of "$" or "%" searches for them.
_SYMBOL_WORDS = {"$": " dollars ", "%": " percent "}


def tokens(text: str) -> list[str]:
    """The folded words of `text` (a new list: callers may extend it)."""
    found = _TOKENS.get(text)
    if found is None:
        found = _tokens(text)
        if len(_TOKENS) >= _KEEP_TOKENS:
            _TOKENS.clear()
        _TOKENS[text] = found
    return list(found)


# The words of each text already split in this run: the same text (a unit's name, a
# source's name, a sentence shared by records) is folded and split once.
_TOKENS: dict[str, list[str]] = {}
_KEEP_TOKENS = 65536


def _tokens(text: str) -> list[str]:
    folded = fold(text)
    for symbol, word in _SYMBOL_WORDS.items():
        if symbol in folded:
            folded = folded.replace(symbol, word)
    return _WORD.findall(folded)


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
    typed = fold(value)
    # Two letters swapped ("fqa") is one slip, though difflib finds it only 0.67 alike.
    swapped = [form for form in candidates if _one_swap(typed, form)]
    found = difflib.get_close_matches(typed, list(candidates), n=limit * 3, cutoff=0.75)
    return list(dict.fromkeys(candidates[f] for f in [*swapped, *found]))[:limit]


def _one_swap(typed: str, word: str) -> bool:
    """Whether `typed` is `word` with two neighbouring letters swapped."""
    if len(typed) != len(word) or typed == word:
        return False
    apart = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
    return (len(apart) == 2 and apart[1] == apart[0] + 1
            and typed[apart[0]] == word[apart[1]] and typed[apart[1]] == word[apart[0]])


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
    phrase: bool = False  # some field holds each quoted phrase of the query, words in order


_Field = tuple[str, str, float, list[str]]  # name, text in the asked language, weight, words


def _record_texts(record: Record, language: str = DEFAULT_LANGUAGE
                  ) -> list[tuple[str, str, float]]:
    """Every searchable text of a record in `language`, with its weight, as its kind
    declares them (headlines count more; a figure's sentence and an event's date too)."""
    kind = kinds.of_record(record)
    return kind.searchable(record, language) if kind else []


def _fields(record: Record, language: str) -> list[_Field]:
    """The record's searchable fields, each with its text in `language` (what a hit shows)
    and the words of that text in every language: a word of either language finds it."""
    return _bilingual(record, language)[0]


def _bilingual(record: Record, language: str) -> tuple[list[_Field], frozenset[str]]:
    """`_fields`, and the words that came from Spanish text (the ones the Spanish stemmer
    reads). Each text of each language is folded and split once; a translation that is
    absent (the English stands in) or equal to the English adds no words."""
    texts = {lang: _record_texts(record, lang) for lang in dict.fromkeys((language,
                                                                           *LANGUAGES))}
    english = texts[DEFAULT_LANGUAGE]
    fields: list[_Field] = []
    spanish: set[str] = set()
    for n, (key, value, weight) in enumerate(texts[language]):
        words = tokens(value)
        seen = {value}
        for lang, others in texts.items():
            other = others[n][1] if n < len(others) and others[n][0] == key else value
            if other in seen:
                if lang == "es" and other != english[n][1]:
                    spanish.update(words)
                continue
            seen.add(other)
            more = tokens(other)
            words += more
            if lang == "es":
                spanish.update(more)
        fields.append((key, value, weight, words))
    return fields, frozenset(spanish)


def _id_words(record: Record) -> frozenset[str]:
    return frozenset(tokens(record.id.replace("-", " ")))


Match = Callable[[str, str], bool]  # (query word, word of the content) -> found?


def _begins(term: str, word: str) -> bool:
    return word.startswith(term)


def _equal(term: str, word: str) -> bool:
    return term == word


def _holds(words: Sequence[str], phrase: Sequence[str], match: Match) -> bool:
    """Whether `words` has the phrase's words one after another, in its order."""
    size = len(phrase)
    return any(all(match(want, words[start + i]) for i, want in enumerate(phrase))
               for start in range(len(words) - size + 1))


def _score(query_tokens: Sequence[str], record: Record, fields: Sequence[_Field],
           match: Match = _begins, match_id: Match = _equal,
           phrases: Sequence[tuple[str, ...]] = (),
           matching: dict[str, frozenset[str]] | None = None) -> Ranked:
    """The record's score, and the field to show: the one that holds a quoted phrase, then
    the one that matched most words (a figure's sentence wins ties, as a figure reads best
    that way); the id when no text field matched. A text word matches a query word it
    begins with (`match`), an id word one it equals (`match_id`), unless told otherwise."""
    if not query_tokens:
        return Ranked(0.0, record)
    score = 0.0
    matched: set[str] = set()
    held: set[tuple[str, ...]] = set()
    best = ("id", record.id)
    best_rank = (False, 0, False)
    # `matching`, when given, holds the words `match` finds for each query word: the same
    # counts, taken in C.
    any_term = (frozenset().union(*[matching[t] for t in query_tokens])
                if matching is not None else None)
    for key, value, weight, words in fields:
        for term in query_tokens:
            hits = (sum(map(matching[term].__contains__, words)) if matching is not None
                    else sum(1 for w in words if match(term, w)))
            if hits:
                matched.add(term)
                score += weight * (1.0 + 0.1 * (hits - 1))
        in_order = [p for p in phrases if _holds(words, p, match)]
        held.update(in_order)
        field_rank = (bool(in_order),
                      sum(map(any_term.__contains__, words)) if any_term is not None
                      else sum(1 for w in words if any(match(t, w) for t in query_tokens)),
                      key == "sentence")
        if field_rank[1] and field_rank > best_rank:
            best, best_rank = (key, value), field_rank
    id_words = _id_words(record)
    for term in query_tokens:
        if any(match_id(term, word) for word in id_words):
            matched.add(term)
            score += 2.0
    if len(matched) < len(query_tokens):
        # Every meaningful word of the query must appear somewhere in the record.
        return Ranked(0.0, record)
    return Ranked(round(score, 3), record, *best, phrase=bool(phrases) and
                  len(held) == len(set(phrases)))


def query_terms(query: str) -> list[str]:
    words = tokens(query)
    # Single letters ("U.S." -> "u", "s") and stop words match everything; drop them.
    meaningful = [w for w in words if w not in _STOPWORDS and len(w) > 1]
    return list(dict.fromkeys(meaningful or words))


def rank(records: Sequence[Record], query: str,
         language: str = DEFAULT_LANGUAGE) -> list[Ranked]:
    """Records matching every word of the query, best first; ties keep the content order.

    Words match as typed (a word of the content that begins with them), without stems:
    `faq` and `pillars` answer from this and need no stemmer; `search` finds more."""
    terms = query_terms(query)
    chosen, matching = _rankable(records, terms)
    scored = [_score(terms, r, _fields(r, language), matching=matching) for r in chosen]
    hits = [r for r in scored if r.score > 0]
    return sorted(hits, key=lambda r: -r.score)


def _rankable(records: Sequence[Record], terms: Sequence[str]
              ) -> tuple[Sequence[Record], dict[str, frozenset[str]] | None]:
    """The records that may match every term as `rank` matches them (a word of their text
    that begins with it, a word of their id equal to it), in order, and the words of their
    texts each term begins: those the corpus's search index names when `records` are a kind
    of a corpus that keeps one; else every record, and None."""
    from binatsec.corpus.records import owners

    owned, index = None, None
    for owned in owners(records) if terms else ():
        index = _index_of(owned[0])
        if isinstance(index, dict):
            break
    if owned is None or not isinstance(index, dict):
        return records, None
    indexed = owned[0].of(owned[1])
    try:
        section = _Section(owned[1], indexed, index.get(owned[1]), DEFAULT_LANGUAGE)
        held: set[int] | None = None
        matching: dict[str, frozenset[str]] = {}
        for term in terms:
            matching[term] = frozenset(word for word in section.words
                                       if word.startswith(term))
            here = section.named(term)
            for word in matching[term]:
                here.update(_unpacked(section.words[word], len(indexed)))
            held = here if held is None else held & here
    except (ValueError, KeyError, TypeError, IndexError, OverflowError):
        return records, None  # a damaged index: read every record
    if records is indexed:
        return [records[n] for n in sorted(held or ())], matching
    chosen = {id(indexed[n]) for n in held or ()}  # `records` in their own order
    return [record for record in records if id(record) in chosen], matching


def look_up(kind: Kind, records: Sequence[R], query: str,
            language: str = DEFAULT_LANGUAGE) -> list[R]:
    """The records a query names, the same way for every kind: an id (whole, or after its
    dot; any case) names one, and so does a number where the kind is numbered (a pillar's);
    otherwise words find the records that match, best first.

    When the best match clearly leads, only it is returned; close runners-up are kept so an
    ambiguous query shows every plausible answer.
    """
    exact = resolve_id(query, records, kind.prefix or "")
    if exact is not None:
        return [cast("R", exact)]
    numbered = _numbered(kind, records, query)
    if numbered:
        return numbered
    ranked = rank(records, query, language)
    if not ranked:
        return []
    best = ranked[0].score
    return [cast("R", r.record) for r in ranked if r.score >= best * 0.75]


def timeline_between(events: Sequence[model.TimelineEvent], start: int | None,
                     end: int | None) -> list[model.TimelineEvent]:
    """Events overlapping [start, end], oldest first (`records.in_time_order`). An undated
    period has no year to match, so a range leaves it out."""
    return [event for event in model.in_time_order(events)
            if (start is None and end is None) or (
                event.year is not None
                and (start is None or (event.last_year or event.year) >= start)
                and (end is None or event.year <= end))]


MAX_TYPED_DIGITS = 6


def typed_number(text: str) -> int | None:
    """A whole number as a person types it: ASCII digits only (not '²' or '٣', which
    str.isdigit accepts) and at most MAX_TYPED_DIGITS of them; None for anything else."""
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) <= MAX_TYPED_DIGITS:
        return int(text)
    return None


def _numbered(kind: Kind, records: Sequence[R], text: str) -> list[R]:
    """The records whose number (the kind's `lookup_number` field) is the one typed."""
    number = typed_number(text) if kind.lookup_number else None
    if number is None:
        return []
    return [r for r in records if getattr(r, kind.lookup_number, None) == number]


def find_one(kind: Kind, records: Sequence[R], wanted: str,
             language: str = DEFAULT_LANGUAGE) -> R:
    """The one record a query names: by its number where the kind is numbered (a pillar's
    1-4), its id or short id, else the words that match best. NotFound names what was
    looked for ("pillar number", "pillar"), with the close choices."""
    text = wanted.strip()
    if kind.lookup_number and text.isascii() and text.isdigit():
        numbered = _numbered(kind, records, text)
        if numbered:
            return numbered[0]
        raise NotFound(f"{kind.noun} {kind.lookup_number}", text,
                       [str(getattr(r, kind.lookup_number)) for r in records])
    found = look_up(kind, records, text, language)
    if found:
        return found[0]
    raise NotFound(kind.noun, text, [r.id for r in records])


def stats_in(corpus: Corpus, kind: Kind,
             wanted: str | None) -> tuple[list[model.Stat], str | None]:
    """The figures (records of `kind`) a query names: a category (its id in any case, or
    words of its name), a figure's id, or words of the figures themselves; and the category
    id it named, if it named one. Categories are the kind its one-kind link names."""
    chosen = cast("tuple[model.Stat, ...]", corpus.of(kind.name))
    if wanted is None or not wanted.strip():
        return list(chosen), None
    text = wanted.strip()
    link = next(field for field in kind.links if field.link != "any")
    groups = kinds.named(link.link or "")
    ids = [group.id for group in corpus.of(groups.name)]
    category = text.casefold() if text.casefold() in ids else None
    if category is None:
        figures_named = look_up(kind, chosen, text)
        if figures_named:
            return figures_named, None
        named_groups = look_up(groups, corpus.of(groups.name), text)
        if not named_groups:
            raise NotFound(groups.noun, text, ids)
        category = named_groups[0].id
    return [s for s in chosen if getattr(s, link.name) == category], category


# The one wording for a figure the article credits to no one: said so that it cannot be read
# as "this figure is not in the article".
UNNAMED_SOURCE = N_("the article names no source for this figure")
UNNAMED_SHORT = N_("none named")  # the same, where a table cell has room for two words


def source_of(stat: model.Stat | model.Pillar, corpus: Corpus) -> model.Source | None:
    """The source the article credits for a figure (or a pillar), or None when it names none."""
    source = corpus.get(stat.attribution) if stat.attribution else None
    return source if isinstance(source, model.Source) else None


def attribution_text(source: model.Source | None, language: str | None = None) -> str:
    """How a figure's credit reads, the same wherever it is shown, in the run's language (the
    source's name in `language`, by default the run's)."""
    if source is None:
        return _(UNNAMED_SOURCE)
    return _("per the {source}, as cited in the article").format(
        source=source.name.get(language or i18n_language()))


# The field by which a record credits another (a figure or a pillar its source). Credits are
# links both ways: a source lists what it is credited with.
CREDIT_FIELD = "attribution"
HEADLINE_WEIGHT = 3.0  # what Kind.searchable weighs a headline (and a source's short name)


class _Links:
    """The links that point at each record, worked out once per corpus (a pass over the
    figures, and one over the records that credit anything), so that showing every record
    with its figures costs time in proportion to the links, not figures x records."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._figures: tuple[model.Stat, ...] | None = None
        self._position: dict[str, int] = {}
        self._to: dict[str, list[int]] = {}
        self._credits: dict[str, list[Record]] | None = None

    def figures(self, record_id: str, related: Iterable[str]) -> list[model.Stat]:
        if self._figures is None:
            self._figures = self.corpus.stats
            for index, stat in enumerate(self._figures):
                self._position[stat.id] = index
                targets = [*stat.supports, *([stat.attribution] if stat.attribution else [])]
                for target in dict.fromkeys(targets):
                    self._to.setdefault(target, []).append(index)
        found = set(self._to.get(record_id, ()))
        found.update(self._position[r] for r in related if r in self._position)
        return [self._figures[index] for index in sorted(found)]

    def credits(self, record_id: str) -> list[Record]:
        if self._credits is None:
            self._credits = {}
            for kind in kinds.all_kinds():
                if not any(field.name == CREDIT_FIELD for field in kind.fields):
                    continue
                for record in self.corpus.of(kind.name):
                    credited = getattr(record, CREDIT_FIELD, None)
                    if isinstance(credited, str):
                        self._credits.setdefault(credited, []).append(record)
        return list(self._credits.get(record_id, ()))


_LINKS: dict[int, _Links] = {}  # by the corpus's identity; a run has one corpus, tests a few
_KEEP_LINKS = 8


def _links(corpus: Corpus) -> _Links:
    found = _LINKS.get(id(corpus))
    if found is None or found.corpus is not corpus:
        if len(_LINKS) >= _KEEP_LINKS:
            _LINKS.clear()
        found = _LINKS[id(corpus)] = _Links(corpus)
    return found


def figures_for(corpus: Corpus, record_id: str, related: Iterable[str] = ()) -> list[model.Stat]:
    """Statistics linked to a record either way: it names them, they support it, or they
    credit it (a source's figures), in the content's order."""
    return _links(corpus).figures(record_id, related)


def credited_with(corpus: Corpus, record_id: str) -> list[Record]:
    """Every record that credits `record_id` (its `attribution` names it): a source's
    figures and pillars, in the registry's order of kinds, then the content's."""
    return _links(corpus).credits(record_id)


def credit_names(record: Record, corpus: Corpus, language: str = DEFAULT_LANGUAGE) -> list[str]:
    """The names of the record `record` credits, as they are searched: the texts that its
    kind weighs as a headline (a source's name and its short name)."""
    credited_id = getattr(record, CREDIT_FIELD, None)
    credited = corpus.get(credited_id) if isinstance(credited_id, str) else None
    kind = kinds.of_record(credited) if credited is not None else None
    if credited is None or kind is None:
        return []
    return [text for _, text, weight in kind.searchable(credited, language)
            if weight >= HEADLINE_WEIGHT]


def unit_names(record: Record) -> tuple[str, ...]:
    """The words a figure's unit is searched by ("pounds" for lb)."""
    from binatsec.figures import UNIT_NAMES

    unit = getattr(record, "unit", None)
    return UNIT_NAMES.get(unit, ()) if isinstance(unit, str) else ()


@cache
def _unit_words() -> frozenset[str]:
    from binatsec.figures import UNIT_NAMES

    words = {word for names in UNIT_NAMES.values() for name in names for word in tokens(name)}
    return frozenset(words | {stem(word) for word in words})


# --- search across sections -----------------------------------------------------------------
#
# A query word finds the words of the content that begin with it ("fent" finds fentanyl) and,
# through Snowball's English stemmer, its other forms both ways (opioids finds "opioid",
# "opioid" finds "opioids"); the words of Spanish text also through Snowball's Spanish one
# ("incautaciones" finds "incautación"). Every record is searched in both languages, whatever
# the language shown: a hit shows its text in the language asked for, where it has one. Case
# and accents never count ("merida" finds "Mérida"). A word the content does not hold as
# typed is replaced by one it holds: of the same stem (heroine -> heroin), else the closest
# spelling (fentanul -> fentanyl); the caller says so. Quoted words ('"human smuggling"', or
# one argument with a space) are a phrase: the records that hold its words in that order
# come first.

# How alike (difflib's ratio) a word must be to be searched instead of the one typed, and to
# be offered when nothing matched. A four-letter word with one letter wrong is 0.75 alike:
# offered, not searched ('guns' is not 'runs').
CORRECTION_CUTOFF = 0.8
SUGGESTION_CUTOFF = 0.7
MAX_GUESSED = 5  # more words than this not in the content: guess none (a pasted sentence)
MAX_SUGGESTIONS = 5
_PHRASE = r'["“”]([^"“”]*)(?:["“”]|$)'  # compiled by the first search, not at start-up


class Hit(Frozen):
    section: str
    record: Record
    score: float
    title: str
    field: str
    text: str
    spans: tuple[tuple[int, int], ...]


class Findings(Frozen):
    """What a search found, and how it read the query."""

    hits: list[Hit]  # best first (the first `limit` of them, if find was given one)
    corrections: tuple[tuple[str, str], ...] = ()  # (a word as typed, folded; the one searched)
    suggestions: tuple[str, ...] = ()  # words of the content close to those it lacks
    total: int = 0  # every hit, `hits` or not

    def searched_for(self, typed: str) -> str | None:
        """`typed` with each replaced word swapped for the one searched; None when the
        query was searched as typed."""
        if not self.corrections:
            return None
        swaps = dict(self.corrections)
        return _WORD.sub(lambda m: swaps.get(fold(m.group()), m.group()), typed)


_STEMMERS = {"en": "english", "es": "spanish"}  # Snowball's name for each language


@cache
def _stemmer(language: str = DEFAULT_LANGUAGE) -> Callable[[str], str]:
    # Only search loads it (some 13 ms): faq, pillars and every other command never do.
    import snowballstemmer  # type: ignore[import-untyped]

    return cast("Callable[[str], str]", snowballstemmer.stemmer(_STEMMERS[language]).stemWord)


@lru_cache(maxsize=8192)
def stem(word: str, language: str = DEFAULT_LANGUAGE) -> str:
    """A folded word's stem, by Snowball's stemmer for `language`: 'opioids' -> 'opioid',
    'incautaciones' -> 'incaut' in Spanish."""
    return _stemmer(language)(word)


def quote_phrases(arguments: Sequence[str]) -> str:
    """The query from the command line's arguments: one that holds several words (the shell
    kept "human smuggling" together) is quoted, so it is searched as a phrase; an argument
    with quotes of its own is left as typed."""
    parts = []
    for argument in arguments:
        text = argument.strip()
        quoted = len(text.split()) > 1 and not any(q in text for q in '"“”')
        parts.append(f'"{text}"' if quoted else text)
    return " ".join(parts).strip()


def _phrases(query: str) -> list[tuple[str, ...]]:
    """The query's quoted runs of two words or more, each as its folded words."""
    runs = (tuple(tokens(match.group(1))) for match in re.finditer(_PHRASE, query))
    return list(dict.fromkeys(run for run in runs if len(run) > 1))


class _Entry(Frozen):
    section: str
    record: Record
    fields: list[_Field]
    id_words: frozenset[str]
    words: frozenset[str]  # every word of its texts, in every language
    spanish: frozenset[str] = frozenset()  # the words of its Spanish texts


def _entry(section: str, record: Record, language: str, corpus: Corpus | None) -> _Entry:
    fields, spanish = _bilingual(record, language)
    fields = _with_aliases(fields, record, corpus, language)
    return _Entry(section, record, fields, _id_words(record),
                  frozenset().union(*[field[3] for field in fields]), spanish)


def _with_aliases(fields: list[_Field], record: Record, corpus: Corpus | None,
                  language: str) -> list[_Field]:
    """A record's fields with the words people also find it by, which its text does not
    hold: its unit's names ("pounds" for "1,500 lb") and the names of the body it credits
    ("Pew" for a figure credited to the Pew Research Center). They join the words of the
    field a hit shows (a figure's sentence, else the headline), not its text."""
    aliases = _alias_words(record, corpus, language)
    if not aliases or not fields:
        return fields
    at = next((n for n, field in enumerate(fields) if field[0] == "sentence"), 0)
    key, value, weight, words = fields[at]
    return [*fields[:at], (key, value, weight, [*words, *aliases]), *fields[at + 1:]]


def _alias_words(record: Record, corpus: Corpus | None, language: str) -> list[str]:
    """The words of `_with_aliases`: its unit's names, the names of the body it credits."""
    return [word for name in (*unit_names(record),
                              *(credit_names(record, corpus, language) if corpus else ()))
            for word in tokens(name)]


class _Vocabulary:
    """The words of the records searched, and which of them a query word finds."""

    def __init__(self, counts: dict[str, int], id_words: frozenset[str],
                 spanish: frozenset[str]) -> None:
        self.counts = counts  # each word of the texts: how many records hold it
        self.id_words = id_words
        self.spanish = spanish
        # Stemming keeps a word's first letter, so only words with the same first letter
        # can share a stem: each query word stems a few dozen words, not the whole content.
        self.by_initial: dict[str, list[str]] = {}
        for word in dict.fromkeys([*self.counts, *sorted(self.id_words)]):
            self.by_initial.setdefault(word[:1], []).append(word)
        self._found: dict[str, tuple[frozenset[str], frozenset[str]]] = {}

    @classmethod
    def of_entries(cls, entries: Sequence[_Entry]) -> _Vocabulary:
        counts: dict[str, int] = {}
        for entry in entries:
            for word in entry.words:
                counts[word] = counts.get(word, 0) + 1
        return cls(counts, frozenset(w for entry in entries for w in entry.id_words),
                   frozenset(w for entry in entries for w in entry.spanish))

    def holds(self, term: str) -> bool:
        """Whether the content has `term` as typed: a word that begins with it, or an id's word."""
        return term in self.id_words or any(word.startswith(term) for word in self.counts)

    def _same_stem(self, term: str) -> list[str]:
        """Words with the term's stem: by the English stemmer, and for the words of Spanish
        texts by the Spanish one too ('incautaciones' finds 'incautación')."""
        wanted = stem(term)
        wanted_es = stem(term, "es") if self.spanish else None
        return [w for w in self.by_initial.get(term[:1], ())
                if stem(w) == wanted or (w in self.spanish and stem(w, "es") == wanted_es)]

    def found(self, term: str) -> tuple[frozenset[str], frozenset[str]]:
        """The text words and the id words `term` finds: text words that begin with it, id
        words equal to it, and words of either with its stem."""
        if term not in self._found:
            same = self._same_stem(term)
            text = {w for w in self.counts if w.startswith(term)}
            text.update(w for w in same if w in self.counts)
            ids = {w for w in same if w in self.id_words}
            if term in self.id_words:
                ids.add(term)
            self._found[term] = (frozenset(text), frozenset(ids))
        return self._found[term]

    def _closest_first(self, term: str, words: Iterable[str]) -> list[str]:
        import difflib  # already loaded by Click, so free

        def likeness(word: str) -> tuple[float, int, str]:
            ratio = difflib.SequenceMatcher(None, term, word).ratio()
            return (-round(ratio, 3), -self.counts.get(word, 0), word)

        return sorted(words, key=likeness)

    def close(self, term: str, cutoff: float, limit: int = 3) -> list[str]:
        """Words of the content spelled like `term`, closest first (then the commonest).

        Only words with its first letter, which people seldom get wrong, and no numbers: a
        year or a figure that is not there is not a typo for another one."""
        import difflib

        if any(c.isdigit() for c in term):
            return []
        words = [w for w in self.by_initial.get(term[:1], ())
                 if len(w) > 2 and w not in _STOPWORDS and not any(c.isdigit() for c in w)]
        near = difflib.get_close_matches(term, words, n=limit * 2, cutoff=cutoff)
        return self._closest_first(term, near)[:limit]

    def correction(self, term: str) -> str | None:
        """The content's word to search for instead of `term`, which it lacks: one with the
        same stem (heroine -> heroin), else the closest spelling (fentanul -> fentanyl)."""
        same = self._same_stem(term)
        if same:
            return self._closest_first(term, same)[0]
        near = self.close(term, CORRECTION_CUTOFF, limit=1)
        return near[0] if near else None


_Found = dict[str, tuple[frozenset[str], frozenset[str]]]  # term -> (text words, id words)


class _Searched:
    """The records a search reads: their words, and those that hold every query word."""

    def vocabulary(self) -> _Vocabulary:
        raise NotImplementedError

    def candidates(self, terms: Sequence[str], found: _Found) -> Iterable[_Entry]:
        """The records that hold every term (in some form `found` gives), in order."""
        raise NotImplementedError


class _Scan(_Searched):
    """Every record read: what a search does without an index."""

    def __init__(self, entries: list[_Entry]) -> None:
        self.entries = entries

    def vocabulary(self) -> _Vocabulary:
        return _Vocabulary.of_entries(self.entries)

    def candidates(self, terms: Sequence[str], found: _Found) -> Iterable[_Entry]:
        return [entry for entry in self.entries
                if all(not (found[t][0].isdisjoint(entry.words)
                            and found[t][1].isdisjoint(entry.id_words)) for t in terms)]


# --- search's index, kept with the validated corpus ------------------------------------------
#
# For each kind: every word of its records' texts (in both languages: the words a search in
# either reads), the words of their ids, the words its figures are also found by in each
# language (`_alias_words`), each with the positions of the records that hold it; and the
# words of Spanish text. A search then reads the records that hold its words, not every
# record. Positions are kept as deltas in the narrowest array that holds them, in base64,
# and decoded only for the words a query finds.

INDEX_VERSION = 1


def _packed(positions: list[int]) -> str:
    import base64
    import sys
    from array import array
    from operator import sub

    deltas = [positions[0], *map(sub, positions[1:], positions)]
    top = max(deltas)
    code = "B" if top < 2**8 else "H" if top < 2**16 else "I" if top < 2**32 else "Q"
    packed = array(code, deltas)
    if sys.byteorder == "big":  # pragma: no cover - stored little-endian everywhere
        packed.byteswap()
    return code + base64.b64encode(packed.tobytes()).decode("ascii")


def _unpacked(text: str, size: int) -> list[int]:
    """The positions `_packed` wrote, each below `size`; ValueError if damaged."""
    import base64
    import sys
    from array import array
    from itertools import accumulate

    if type(text) is not str or text[:1] not in ("B", "H", "I", "Q"):
        raise ValueError("search index: not positions")
    packed = array(text[0], base64.b64decode(text[1:], validate=True))
    if sys.byteorder == "big":  # pragma: no cover
        packed.byteswap()
    positions = list(accumulate(packed))
    if not positions or positions[-1] >= size:
        raise ValueError("search index: a position of no record")
    return positions


@building_many()
def build_index(corpus: Corpus) -> bytes:
    """Search's index of `corpus` (see above), as the validated bundle keeps it."""
    import json

    index: dict[str, object] = {"version": INDEX_VERSION}
    for kind in kinds.all_kinds():
        words: dict[str, list[int]] = {}
        ids: dict[str, list[int]] = {}
        aliases: dict[str, dict[str, list[int]]] = {lang: {} for lang in LANGUAGES}
        spanish: set[str] = set()
        records = corpus.of(kind.name)
        for n, record in enumerate(records):
            fields, its_spanish = _bilingual(record, DEFAULT_LANGUAGE)
            spanish.update(its_spanish)
            for table, held in ((words, frozenset().union(*[f[3] for f in fields])),
                                (ids, _id_words(record))):
                for word in held:
                    at = table.get(word)
                    if at is None:
                        table[word] = [n]
                    else:
                        at.append(n)
            if fields:  # `_with_aliases` adds none to a record with no text to show
                for lang, table in aliases.items():
                    for word in dict.fromkeys(_alias_words(record, corpus, lang)):
                        table.setdefault(word, []).append(n)
        index[kind.name] = {
            "size": len(records),
            "words": {word: _packed(at) for word, at in words.items()},
            "ids": {word: _packed(at) for word, at in ids.items()},
            "aliases": {lang: {word: _packed(at) for word, at in table.items()}
                        for lang, table in aliases.items()},
            "spanish": sorted(spanish)}
    return json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _count(text: str) -> int:
    """How many positions `_packed` wrote in `text`, without decoding them."""
    from array import array

    size = (len(text) - 1) // 4 * 3 - (len(text) - len(text.rstrip("=")))
    return size // array(text[:1]).itemsize


class _Section:
    """One kind's part of the index, for the records of `records`."""

    def __init__(self, name: str, records: Sequence[Record], part: object,
                 language: str) -> None:
        if (type(part) is not dict or part.get("size") != len(records)
                or type(part.get("words")) is not dict or type(part.get("ids")) is not dict
                or type(part.get("aliases")) is not dict
                or type(part["aliases"].get(language)) is not dict
                or type(part.get("spanish")) is not list):
            raise ValueError(f"search index: {name}: not as build_index writes it")
        self.name, self.records = name, records
        self.words: dict[str, str] = part["words"]
        self.ids: dict[str, str] = part["ids"]
        self.aliases: dict[str, str] = part["aliases"][language]
        self.spanish = frozenset(part["spanish"])

    def counts(self) -> dict[str, int]:
        counts = {word: _count(at) for word, at in self.words.items()}
        for word in self.aliases:
            counts[word] = len(self.holding(word))
        return counts

    def holding(self, word: str) -> set[int]:
        """The positions of the records whose texts (or aliases) hold `word`."""
        size = len(self.records)
        found = set(_unpacked(self.words[word], size)) if word in self.words else set()
        if word in self.aliases:
            found.update(_unpacked(self.aliases[word], size))
        return found

    def named(self, word: str) -> set[int]:
        """The positions of the records whose id holds `word`."""
        return set(_unpacked(self.ids[word], len(self.records))) if word in self.ids else set()


class _Indexed(_Searched):
    """The records of some kinds of a corpus, read through the corpus's index."""

    def __init__(self, sections: list[_Section], language: str, corpus: Corpus) -> None:
        self.sections, self.language, self.corpus = sections, language, corpus

    def vocabulary(self) -> _Vocabulary:
        counts: dict[str, int] = {}
        for section in self.sections:
            for word, count in section.counts().items():
                counts[word] = counts.get(word, 0) + count
        return _Vocabulary(counts, frozenset(w for s in self.sections for w in s.ids),
                           frozenset(w for s in self.sections for w in s.spanish))

    def candidates(self, terms: Sequence[str], found: _Found) -> Iterable[_Entry]:
        if not terms:
            return []
        chosen: list[_Entry] = []
        for section in self.sections:
            held: set[int] | None = None
            for term in terms:
                texts, ids = found[term]
                here: set[int] = set()
                for word in texts:
                    here |= section.holding(word)
                for word in ids:
                    here |= section.named(word)
                held = here if held is None else held & here
                if not held:
                    break
            chosen += [_entry(section.name, section.records[n], self.language, self.corpus)
                       for n in sorted(held or ())]
        return chosen


_INDEXES: weakref.WeakKeyDictionary[Corpus, object] = weakref.WeakKeyDictionary()


def _index_of(corpus: Corpus) -> object:
    """The corpus's decoded index (a dict by kind), or None when it keeps none; decoded
    once, and kept as long as the corpus."""
    import json

    if corpus in _INDEXES:
        return _INDEXES[corpus]
    blob = corpus.extra("search")
    index = None
    if blob is not None:
        try:
            with building_many():  # a dict of every word: as many objects as the records
                index = json.loads(blob)
        except (ValueError, RecursionError):
            index = None
        if type(index) is not dict or index.get("version") != INDEX_VERSION:
            index = None
    _INDEXES[corpus] = index
    return index


def _indexed(sections: Sequence[tuple[str, Sequence[Record]]], language: str,
             corpus: Corpus | None) -> _Indexed | None:
    """The sections read through the corpus's index, when each is a kind of it (exactly
    `corpus.of(name)`) and it keeps one; None otherwise."""
    if corpus is None or not sections:
        return None
    if any(corpus.of(name) is not records for name, records in sections):
        return None
    index = _index_of(corpus)
    if not isinstance(index, dict):
        return None
    try:
        parts = [_Section(name, records, index.get(name), language)
                 for name, records in sections]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return _Indexed(parts, language, corpus)


def match_spans(text: str, terms: Sequence[str],
                match: Match = _begins) -> tuple[tuple[int, int], ...]:
    """Where query words occur in `text`, for highlighting: the typed part of a word they
    begin, the whole of a word they find otherwise (another form of it)."""
    spans: list[tuple[int, int]] = []
    # ASCII text folds to text of the same length: fold it once, not word by word.
    ascii_text = text.isascii()
    for found in _WORD.finditer(text.casefold() if ascii_text else text):
        word = found.group() if ascii_text else fold(found.group())
        for term in terms:
            if match(term, word):
                # Folding can change length (ß -> ss); highlight the whole word then.
                typed = word.startswith(term) and len(word) == len(found.group())
                spans.append((found.start(), found.start() + len(term) if typed else found.end()))
                break
    return tuple(spans)


def find(sections: Sequence[tuple[str, Sequence[Record]]], query: str,
         language: str = DEFAULT_LANGUAGE, corpus: Corpus | None = None,
         limit: int | None = None) -> Findings:
    """Every record in `sections` that has every word of the query (in some form), best
    first: records that hold each quoted phrase first, then by score (headlines weigh
    more); only the first `limit` hits are made (the rest are counted). Each record's texts
    are read once. A figure is also found by its unit's names and, given the `corpus`, by
    the name of the body it credits."""
    indexed = _indexed(sections, language, corpus)
    if indexed is not None:
        try:
            return _find(query, language, corpus, indexed, limit)
        except (ValueError, KeyError, TypeError, IndexError, OverflowError):
            pass  # a damaged index: read the records themselves
    entries = [_entry(section, record, language, corpus)
               for section, records in sections for record in records]
    return _find(query, language, corpus, _Scan(entries), limit)


def _find(query: str, language: str, corpus: Corpus | None, searched: _Searched,
          limit: int | None = None) -> Findings:
    vocabulary = searched.vocabulary()
    terms = query_terms(query)
    phrases = _phrases(query)
    lacking = [term for term in terms if not vocabulary.holds(term)]
    guessing = len(lacking) <= MAX_GUESSED
    # A unit's name ("percent") is a real word, not a typo: never searched or offered as
    # another word ("perfect") when the sections searched hold none.
    swaps = {term: word for term in (lacking if guessing else ())
             if term not in _unit_words() and (word := vocabulary.correction(term)) is not None}
    if swaps:
        terms = list(dict.fromkeys(swaps.get(term, term) for term in terms))
        phrases = [tuple(swaps.get(word, word) for word in phrase) for phrase in phrases]

    found = {term: vocabulary.found(term) for term in [*terms, *(w for p in phrases for w in p)]}

    def match(term: str, word: str) -> bool:
        return word in found[term][0]

    def match_id(term: str, word: str) -> bool:
        return word in found[term][1]

    def shown(term: str, word: str) -> bool:  # to highlight, in a text or in an id
        return word.startswith(term) or word in found[term][0] or word in found[term][1]

    matching = {term: found[term][0] for term in terms}
    scored = [(entry.section, _score(terms, entry.record, entry.fields, match, match_id,
                                     phrases, matching))
              for entry in searched.candidates(terms, found)]
    ranked = [(section, r) for section, r in scored if r.score > 0]
    # Records with the phrase come first: their scores are raised above every other hit's,
    # so the order still reads from the scores.
    lift = max((r.score for _, r in ranked if not r.phrase), default=0.0)
    best = sorted(((round(r.score + lift, 3) if r.phrase else r.score, section, r)
                   for section, r in ranked), key=lambda hit: -hit[0])
    # Titles and highlights only for the hits shown: a common word at scale has thousands.
    hits = [Hit(section, r.record, score, title_of(r.record, language), r.field, r.text,
                match_spans(r.text, terms, shown)) for score, section, r in best[:limit]]
    suggestions: list[str] = []
    if not best and guessing:
        # For each word the content lacks: the word searched instead, or close ones.
        suggestions = [word for term in lacking if term not in _unit_words() for word in (
            [swaps[term]] if term in swaps else vocabulary.close(term, SUGGESTION_CUTOFF))]
    return Findings(hits, tuple(swaps.items()),
                    tuple(dict.fromkeys(suggestions))[:MAX_SUGGESTIONS], len(best))


def search(sections: Sequence[tuple[str, Sequence[Record]]], query: str,
           language: str = DEFAULT_LANGUAGE, corpus: Corpus | None = None) -> list[Hit]:
    """The hits of `find`: every record in `sections` that matches all query words, best
    first (with any word the content lacks replaced by a close one it holds)."""
    return find(sections, query, language, corpus).hits


def title_of(record: Record, language: str = DEFAULT_LANGUAGE) -> str:
    """The line a record is known by: its kind's headline field."""
    kind = kinds.of_record(record)
    return kind.headline_of(record, language) if kind else record.id
