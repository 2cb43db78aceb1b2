"""Every JSON document binatsec prints, built here and only here, from a result.

One document per command: the versioned envelope first (schema_version, binatsec_version,
command, lang), then the payload; snake_case keys; numbers as plain numbers in the unit
named beside them; never NaN or Infinity; control characters escaped. The JSON Schemas in
schemas/ describe these documents and the tests hold them to it. Never imports Rich.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from binatsec import __version__, figures, results
from binatsec.corpus import kinds
from binatsec.corpus.problems import Problem
from binatsec.corpus.records import LANGUAGES, Corpus, Record, Stat, Text
from binatsec.frozen import Frozen
from binatsec.queries import credited_with, figures_for, source_of
from binatsec.textsafety import UNSAFE

# 3.0: search lists its entries under `items`, as every other listing, and the envelope names
# its language `lang` (schemas/README.md lists every change). `python -m
# binatsec.devtools.generate` writes it into common.schema.json.
SCHEMA_VERSION = "3.0"

if TYPE_CHECKING:
    from binatsec.quiz.history import QuizRecord

JSON = dict[str, Any]

# json.dumps escapes C0 controls but writes DEL, the C1 range (a raw U+009B is a CSI that some
# UTF-8 terminals obey), bidi controls and invisible format characters raw. Outside strings
# JSON is plain ASCII, so these can only sit inside strings, where \u escapes mean exactly
# the same text: the text stays verbatim for scripts, and harmless in a terminal.
_RAW_CONTROL = re.compile(UNSAFE)
_NON_ASCII = re.compile("[^\x00-\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # what UTF-8 cannot encode


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # JSON spells characters beyond the BMP as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def dumps(document: Mapping[str, Any], ascii_only: bool = False) -> str:
    """A JSON document with every control character escaped, so it can't drive a terminal,
    and valid UTF-8: a lone surrogate (bytes that were not UTF-8 in an argument or a file
    name) becomes U+FFFD. Raises ValueError on NaN or Infinity, which lint keeps out."""
    return "".join(pieces(document, ascii_only))


class Stream(Frozen):
    """A list in a document that is made as it is written and never held whole: an export's
    sections (tens of thousands of records at scale). `make` gives its `size` items."""

    make: Callable[[], Iterator[Any]]
    size: int


def pieces(document: Mapping[str, Any], ascii_only: bool = False) -> Iterator[str]:
    """`dumps(document)` in pieces, written as made: the same text, where a top-level value
    may be a `Stream`. json.dumps writes every value; only the top object's keys and each
    stream's brackets are put around them here, as json.dumps with indent=2 lays them out
    (a JSON string holds no raw newline, so indenting a value is indenting its lines)."""
    if not document:
        yield _safe("{}\n", ascii_only)
        return
    entries = list(document.items())
    cut = _cut(entries)
    yield "{"
    if cut is None:
        yield from _members(entries, 0, ascii_only)
    else:
        yield from _in_two(entries, cut, ascii_only)
    yield "\n}\n"


def _cut(entries: list[tuple[str, Any]]) -> int | None:
    """Where the second process's half of `entries` starts, or None: one process writes."""
    from binatsec import forked

    sizes = [value.size if isinstance(value, Stream) else 0 for _, value in entries]
    total = sum(sizes)
    if not forked.worth_splitting(total):
        return None
    done = 0
    for n, size in enumerate(sizes):
        if done + size / 2 >= total / 2:  # the member that crosses the middle starts it
            return n if n else None
        done += size
    return None  # pragma: no cover - the loop always crosses the middle


def _in_two(entries: list[tuple[str, Any]], cut: int, ascii_only: bool) -> Iterator[str]:
    """The members of `entries`, those from `cut` on written by a forked child meanwhile
    (to a file, read back here), or by this process if the child failed."""
    from binatsec import forked

    def second_half() -> Iterator[str]:
        return _members(entries[cut:], cut, ascii_only)

    child = forked.writing_text(second_half)
    try:
        yield from _members(entries[:cut], 0, ascii_only)
        yield from forked.text_of(child, second_half)
    finally:
        child.end()


def _members(entries: list[tuple[str, Any]], start: int, ascii_only: bool) -> Iterator[str]:
    """The top object's members `entries`, the first being member number `start`."""
    for n, (key, value) in enumerate(entries, start):
        lead = f"{',' if n else ''}\n  {_dumps(key)}: "
        if not isinstance(value, Stream):
            yield _safe(lead + _dumps(value, 1), ascii_only)
            continue
        items = value.make()
        first = next(items, _NOTHING)
        if first is _NOTHING:
            yield _safe(lead + "[]", ascii_only)
            continue
        yield _safe(f"{lead}[\n    {_dumps(first, 2)}", ascii_only)
        for item in items:
            yield _safe(f",\n    {_dumps(item, 2)}", ascii_only)
        yield "\n  ]"


_NOTHING = object()


def _dumps(value: Any, depth: int = 0) -> str:
    """`value` as json.dumps writes it with indent=2, its lines indented `depth` levels."""
    text = json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)
    return text.replace("\n", "\n" + "  " * depth) if depth and "\n" in text else text


def _safe(text: str, ascii_only: bool) -> str:
    """`text` (whole JSON values, so no character is cut) with lone surrogates made U+FFFD,
    every character outside ASCII escaped if `ascii_only`, and raw controls escaped."""
    if not text.isascii():
        if _SURROGATE.search(text):
            from binatsec.textsafety import without_surrogates

            text = without_surrogates(text)
        if ascii_only:
            # What json.dumps(..., ensure_ascii=True) writes: outside strings JSON is ASCII,
            # so each other character is in a string, where it is spelled as its \u escape.
            text = _NON_ASCII.sub(_json_escape, text)
    if text.isascii():  # checked in C: of the raw controls, only DEL can be left in ASCII
        return text.replace("\x7f", "\\u007f") if "\x7f" in text else text
    return _RAW_CONTROL.sub(_json_escape, text) if _RAW_CONTROL.search(text) else text


ALL = "all"  # `--lang all`: every text field as {"en": ..., "es": ...}


def envelope(command: str, language: str, **payload: Any) -> JSON:
    """The start of every document: versions first, then the command's payload."""
    return {"schema_version": SCHEMA_VERSION, "binatsec_version": __version__,
            "command": command, "lang": language, **payload}


def in_language(make: Callable[[str], Any], language: str) -> Any:
    """What `make` words in `language`; for `all`, in each language side by side."""
    if language == ALL:
        return {code: make(code) for code in LANGUAGES}
    return make(language)


# --- records ---------------------------------------------------------------------------------


def _json_value(value: object, language: str) -> Any:
    if isinstance(value, Text):
        return in_language(value.get, language)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


BUNDLED = "bundled"  # a record's origin when it is the article's, not the user's


def record(item: Record, language: str, corpus: Corpus) -> JSON:
    """A record's own fields, with text in the chosen language (None stays null), and its
    origin: "bundled" for the article's, else the user's file it comes from."""
    data = {name: _json_value(value, language) for name, value in item._asdict().items()}
    data["origin"] = corpus.origin(item.id) or BUNDLED
    kind = kinds.of_record(item)
    # What the kind works out reads the same everywhere (an event's `when`: the content's
    # label, the span or the year), so JSON carries it in place of the stored field.
    data.update((value.name, in_language(partial(value.value, item), language))
                for value in (kind.derived if kind else ()) if value.in_json)
    return data


def stat(item: Stat, corpus: Corpus, language: str, unit: str | None = None) -> JSON:
    """A statistic with its generated wording, its source's name, and any unit conversion."""
    data = record(item, language, corpus)
    target = unit or item.unit
    # Always present (null when not converted) so every stat has the same keys.
    data["converted_from"] = None
    if target != item.unit:
        # The value with the precision the text claims ("nearly 680 kg": two significant
        # figures, as the article's figures are round), and the exact conversion beside the
        # article's own figure.
        data["value"] = _json_value(figures.shown_value(item, target), language)
        data["unit"] = target
        data["converted_from"] = {
            "value": _json_value(item.value, language), "unit": item.unit,
            "exact_value": round(figures.convert(item.value, item.unit, target), 3)}
    source = source_of(item, corpus)
    data["attribution_name"] = (in_language(source.name.get, language)
                                if source is not None else None)
    data["text"] = in_language(lambda code: figures.figure_text(item, target, code), language)
    data["sentence"] = in_language(lambda code: figures.sentence(item, code, target), language)
    return data


def with_figures(item: Record, corpus: Corpus, language: str,
                 known: dict[str, JSON] | None = None) -> JSON:
    """A record plus the statistics linked to it (a source's: those credited to it), and,
    for a kind that records credit, the ids of every record credited to it. `known` keeps
    each statistic's JSON once made, for a document that shows it again and again."""
    data = record(item, language, corpus)
    linked = figures_for(corpus, item.id, getattr(item, "related", ()))
    data["figures"] = [_figure(s, corpus, language, known) for s in linked]
    kind = kinds.of_record(item)
    if kind is not None and kind.credited:
        data["credited_with"] = [r.id for r in credited_with(corpus, item.id)]
    return data


def _figure(item: Stat, corpus: Corpus, language: str, known: dict[str, JSON] | None) -> JSON:
    if known is None:
        return stat(item, corpus, language)
    made = known.get(item.id)
    if made is None:
        made = known[item.id] = stat(item, corpus, language)
    return made


def records(items: Iterable[Record], corpus: Corpus, language: str,
            figures_too: bool = False, known: dict[str, JSON] | None = None) -> list[JSON]:
    """Records as JSON, as their kind lays them out: figures with their wording; others
    bare, or with the figures linked to them (`figures_too`), as every section command
    prints them. `known`: see with_figures."""
    return [_figure(cast("Stat", r), corpus, language, known) if _is_figure(r)
            else with_figures(r, corpus, language, known) if figures_too
            else record(r, language, corpus)
            for r in items]


def _is_figure(item: Record) -> bool:
    kind = kinds.of_record(item)
    return kind is not None and kind.layout == kinds.FIGURES


def problem(item: Problem) -> JSON:
    return {"rule": item.rule, "file": item.file, "line": item.line, "column": item.column,
            "record_id": item.record_id, "key": item.key, "message": item.message,
            "severity": item.severity}


# --- one document per result -----------------------------------------------------------------


def document(result: results.Result) -> JSON:
    """The document for any command's result."""
    language = result.language
    match result:
        case results.Overview(corpus=corpus):
            sections = [{"name": k.name, "title": k.title, "summary": k.summary,
                         "count": len(corpus.of(k.name)), "command": f"binatsec {k.name}"}
                        for k in kinds.sections()]
            return envelope("overview", language, sections=sections)
        case results.Listing():
            return _listing(result)
        case results.Figures():
            return _figures(result)
        case results.Found(query=query, hits=hits, total=total, searched_for=searched_for):
            found = [{"section": h.section, "id": h.record.id, "score": h.score,
                      "title": h.title, "field": h.field, "text": h.text,
                      "matches": [list(span) for span in h.spans]} for h in hits]
            return envelope("search", language, query=query, searched_for=searched_for,
                            total=total, count=len(found), items=found)
        case results.Export():
            return {key: list(value.make()) if isinstance(value, Stream) else value
                    for key, value in export(result).items()}
        case results.LintReport(checked=checked, problems=problems, truncated=truncated):
            errors = sum(p.is_error for p in problems)
            return envelope("lint", language, checked=checked, ok=not errors,
                            count=len(problems), errors=errors, warnings=len(problems) - errors,
                            truncated=truncated,
                            problems=[problem(p) for p in problems])
        case results.QuizOutcome():
            return _quiz(result)
        case results.QuizSheet():
            return _quiz_sheet(result)
        case results.QuizHistory(history=history, file=file, due=due, upcoming=upcoming):
            return envelope("quiz-history", language, file=file, played=history.played,
                            quizzes=[_past_quiz(q) for q in history.quizzes],
                            due_for_review=list(due),
                            upcoming=[{"date": day, "count": len(ids), "questions": list(ids)}
                                      for day, ids in upcoming])
    raise TypeError(f"no JSON document for {type(result).__name__}")  # pragma: no cover


def export(result: results.Export) -> JSON:
    """The export's document, each section a `Stream` of its records, made as written."""
    corpus, language = result.corpus, result.language
    payload: JSON = {}
    known: dict[str, JSON] = {}  # a figure shows in its section and with each record citing it
    for kind in result.sections:
        # Records read as their section commands print them, figures included
        # (categories, plain labels of the statistics, have none).
        payload[kind.name] = Stream(partial(_records_of, corpus, kind, language, known),
                                    len(corpus.of(kind.name)))
    return envelope("export", language, **payload)


def _records_of(corpus: Corpus, kind: kinds.Kind, language: str,
                known: dict[str, JSON]) -> Iterator[JSON]:
    figures_too = kind.prefix is not None
    for item in corpus.of(kind.name):
        yield from records((item,), corpus, language, figures_too, known)


def _past_quiz(quiz: QuizRecord) -> JSON:
    """One past quiz as the contract gives it: written out here, key by key, so a change to
    the history file's own layout (storage) cannot change `quiz history --json` (a contract)."""
    return {"finished_at": quiz.finished_at, "topic": quiz.topic, "seed": quiz.seed,
            "score": quiz.score, "total": quiz.total, "planned": quiz.planned,
            "answered": quiz.total, "right": quiz.score,
            "not_reached": quiz.planned - quiz.total,
            "complete": quiz.complete, "review": quiz.review, "missed": list(quiz.missed),
            "lang": quiz.lang}


def _listing(result: results.Listing) -> JSON:
    corpus, language = result.corpus, result.language
    items = [with_figures(r, corpus, language) for r in result.records]
    # Every section echoes the query it was asked (null for none), then its own options.
    return envelope(result.command, language, query=result.query, **dict(result.options),
                    count=len(items), items=items)


def _figures(result: results.Figures) -> JSON:
    corpus, language, unit = result.corpus, result.language, result.shown_unit
    items = [stat(s, corpus, language, unit if unit and figures.convertible(s, unit) else None)
             for s in result.stats]
    shown = {s.category for s in result.stats}
    return envelope(
        result.command, language, query=result.query, category=result.category,
        source=result.source, unit=result.unit,
        chart_unit=result.shown_unit if result.chart and result.stats else None,
        not_charted=[{"id": s.id, "unit": s.unit} for s in result.left_out],
        count=len(items),
        categories=[record(c, language, corpus) for c in corpus.categories
                    if c.id in shown],
        items=items)


def _quiz(result: results.QuizOutcome) -> JSON:
    """The score, the seed, and every answered question in full."""
    play = result.play
    answered = [{
        "number": number, "id": a.question.id, "record_id": a.question.record_id,
        "topic": a.question.topic, "kind": a.question.kind, "prompt": a.question.prompt,
        "options": [{"key": o.key, "text": o.text} for o in a.question.options],
        "answer": a.given, "correct_answer": a.question.answer, "correct": a.correct,
        "explanation": a.question.explanation, "credit": a.question.credit or None,
        "read": a.question.read,
    } for number, a in enumerate(play.answered, start=1)]
    # `answered`, `right` and `not_reached` are the numbers every view gives ("1 of 2
    # answered right; 3 not reached"); `score` and `total` are the same two, kept for 2.x.
    return envelope(
        "quiz", result.language, printed=False, topic=result.topic, query=result.query,
        seed=result.seed, review=result.review,
        score=play.score, total=play.total, planned=play.planned, answered=play.total,
        right=play.score, not_reached=play.unanswered, complete=play.complete,
        ended=play.ended, saved=result.saved, questions=answered,
        unanswered=[q.id for q in play.questions[play.total:]],
        missed=[a.question.id for a in play.missed], read=play.reading())


def _quiz_sheet(result: results.QuizSheet) -> JSON:
    """`quiz --print --json`: every question with its options, and the answer key: what a
    script needs to prepare --answers (`play` is the command to give them to)."""
    questions = [{
        "number": number, "id": q.id, "record_id": q.record_id, "topic": q.topic,
        "kind": q.kind, "prompt": q.prompt, "multiple_choice": q.multiple_choice,
        "options": [{"key": o.key, "text": o.text} for o in q.options],
    } for number, q in enumerate(result.questions, start=1)]
    key = [{
        "number": number, "id": q.id, "answer": q.answer, "answer_text": q.answer_text,
        "explanation": q.explanation, "credit": q.credit or None, "ids": [q.record_id],
        "read": q.read,
    } for number, q in enumerate(result.questions, start=1)]
    return envelope(
        "quiz", result.language, printed=True, topic=result.topic, query=result.query,
        seed=result.seed, review=result.review, play=result.play, planned=len(questions),
        questions=questions, answer_key=key)
