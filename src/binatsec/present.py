"""Records as plain JSON-ready data, and the versioned envelope every --json document uses.

The human renderer and the JSON output are built from the same queries; this module is the
JSON half and must never import Rich.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from binatsec import __version__, figures, model
from binatsec.loader import Problem
from binatsec.model import DEFAULT_LANGUAGE, Corpus, Text
from binatsec.queries import figures_for, source_of

SCHEMA_VERSION = "1.0"

JSON = dict[str, Any]


def envelope(command: str, language: str = DEFAULT_LANGUAGE, **payload: Any) -> JSON:
    """The document every command prints with --json: version first, then its payload."""
    return {"schema_version": SCHEMA_VERSION, "binatsec_version": __version__,
            "command": command, "language": language, **payload}


def _plain(value: object, language: str) -> Any:
    if isinstance(value, Text):
        return value.get(language)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def record(item: model.Record, language: str = DEFAULT_LANGUAGE) -> JSON:
    """A record's own fields, with text in the chosen language; None stays null."""
    return {name: _plain(value, language) for name, value in item._asdict().items()}


def stat(item: model.Stat, corpus: Corpus, language: str = DEFAULT_LANGUAGE,
         unit: str | None = None) -> JSON:
    """A statistic with its generated wording, its source's name, and any unit conversion."""
    data = record(item, language)
    target = unit or item.unit
    # Always present (null when not converted) so every stat has the same keys.
    data["converted_from"] = None
    if target != item.unit:
        data["value"] = _plain(round(figures.convert(item.value, item.unit, target), 3), language)
        data["unit"] = target
        data["converted_from"] = {"value": _plain(item.value, language), "unit": item.unit}
    source = source_of(item, corpus)
    data["attribution_name"] = source.name if source is not None else None
    data["text"] = figures.figure_text(item, target)
    data["sentence"] = figures.sentence(item, language, target)
    return data


def with_figures(item: model.Record, corpus: Corpus, language: str) -> JSON:
    """A record plus the statistics linked to it."""
    data = record(item, language)
    linked = figures_for(corpus, item.id, getattr(item, "related", ()))
    data["figures"] = [stat(s, corpus, language) for s in linked]
    return data


def timeline_event(item: model.TimelineEvent, corpus: Corpus, language: str) -> JSON:
    data = with_figures(item, corpus, language)
    data["when"] = item.when_text(language)
    return data


def items(records: Iterable[model.Record], language: str = DEFAULT_LANGUAGE) -> list[JSON]:
    return [record(r, language) for r in records]


def corpus_document(corpus: Corpus, sections: Sequence[str],
                    language: str = DEFAULT_LANGUAGE) -> JSON:
    """The whole corpus, section by section, for export."""
    out: JSON = {}
    for name in sections:
        if name == "stats":
            out["categories"] = items(corpus.categories, language)
            out["stats"] = [stat(s, corpus, language) for s in corpus.stats]
        elif name == "timeline":
            # `when` reads the same as in `binatsec timeline --json`: the label, span or year.
            out[name] = [record(e, language) | {"when": e.when_text(language)}
                         for e in corpus.timeline]
        else:
            out[name] = items(getattr(corpus, name), language)
    return out


def problem(item: Problem) -> JSON:
    return {"rule": item.rule, "file": item.file, "line": item.line, "column": item.column,
            "record_id": item.record_id, "key": item.key, "message": item.message}
