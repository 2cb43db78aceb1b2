"""Load the whole corpus: the bundled files with a user's folder layered over them, checked.

The only reader of content files. Every run loads every file, so a record always sees the
records it links to; a corpus that passed every check is kept by the hash of its files
(`bundle`), so that costs a parse only when the content changed. Every problem is reported
with the file, the line, the record id, the key and a numbered rule (docs/content-spec.md).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import closing
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from binatsec.corpus import bundle, kinds, reading
from binatsec.corpus.records import Corpus, Record
from binatsec.frozen import Frozen, building_many

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from binatsec.corpus.problems import Problem
    from binatsec.corpus.spec import Field

# The checks themselves (validate, problems) are imported only when the content has to be
# checked: a run whose content is unchanged reads the validated bundle instead.


class Layer(Frozen):
    """One content file as read: which file it is, where it came from, and its bytes."""

    file: str  # the content file's name without .toml
    label: str  # how problems name it: "faq.toml" (bundled) or the user's path
    raw: bytes
    bundled: bool = True


def _layer(base: list[Record], extra: Iterable[Record]) -> list[Record]:
    """Records from a user's folder replace bundled ones with the same id, or come after."""
    merged = list(base)
    position = {record.id: n for n, record in enumerate(merged)}
    for record in extra:
        if record.id in position:
            merged[position[record.id]] = record
        else:
            position[record.id] = len(merged)
            merged.append(record)
    return merged


def _links(record: Record, kind: kinds.Kind) -> Iterator[tuple[Field, str]]:
    for field in kind.links:
        value = getattr(record, field.name, None)
        if isinstance(value, str):
            yield field, value
        elif isinstance(value, tuple):
            for target in value:
                yield field, target


def _unjudged(target: str, unread: Mapping[str, str | None]) -> bool:
    """Whether a link to `target` cannot be judged: it is of a kind whose file could not be
    parsed, and that file's text may declare it (the id is in it, as a word), or could not
    be read at all. A link the broken file cannot hold is judged now, so a syntax error in
    one file hides no dangling link in another."""
    target_kind = kinds.of_prefix(target.split(".", 1)[0])
    if target_kind is None or target_kind.file not in unread:
        return False
    text = unread[target_kind.file]
    if text is None:
        return True
    import re

    return re.search(rf"(?<![\w.-]){re.escape(target)}(?![\w-])", text) is not None


def check_corpus(corpus: Corpus, origin: Mapping[str, str], broken: Iterable[str] = (),
                 unread: Mapping[str, str | None] | Collection[str] = ()) -> Iterator[Problem]:
    """Rules across records and files: links, declared categories, numbering.

    `broken` holds the ids of records that failed their own checks: they exist, so links to
    them are not dangling, and this still runs, so one lint run lists every problem. The
    corpus may hold such records as stand-ins (validate.StandIn): their links are checked,
    and a rule over their kind runs, unless it needs a field one of them lacks. `unread`
    gives the files that could not be parsed, with their text (None: not read at all):
    links into them are judged where that text cannot declare the target (`_unjudged`).
    """
    from binatsec.corpus.problems import Problem
    from binatsec.corpus.validate import MissingField

    unread = unread if isinstance(unread, Mapping) else dict.fromkeys(unread)
    broken = set(broken)
    ids = {record.id for record in corpus.records()} | broken
    declared_of: dict[str, tuple[list[str], set[str]]] = {}  # each linked kind's ids, once
    for kind in kinds.all_kinds():
        for record in corpus.of(kind.name):
            for field, target in _links(record, kind):
                if unread and _unjudged(target, unread):
                    continue
                if field.link == "any":
                    if target == record.id or target not in ids:
                        reason = ("links to itself" if target == record.id
                                  else f"links to unknown id '{target}'")
                        yield Problem("BC009", origin.get(record.id, "?"), reason,
                                      record_id=record.id, key=field.name)
                    continue
                link = field.link or ""
                if link not in declared_of:
                    listed = [r.id for r in corpus.of(link)]
                    declared_of[link] = (listed, set(listed))
                declared, declared_set = declared_of[link]
                if target not in declared_set and target not in broken:
                    yield Problem("BC008", origin.get(record.id, "?"),
                                  f"unknown {field.name} '{target}' (declared: "
                                  f"{', '.join(declared)})", record_id=record.id, key=field.name)
        if kind.file in unread:
            continue  # rules over the whole kind wait for the file that holds some of it
        for check in kind.corpus_checks:
            try:
                found = list(check(corpus))
            except MissingField:
                continue  # it needs a field a broken record lacks: it waits for the fix
            for rule, message, record_id, key in found:
                yield Problem(rule, origin.get(record_id or "", f"{kind.file}.toml"), message,
                              record_id=None, key=key)


class ContentSource:
    """Bundled content plus an optional user folder layered over it; `cache` is the folder
    validated corpora are kept in (the run's `Folders.cache()`; None: parse every time)."""

    def __init__(self, bundled: Traversable, overlay: Path | None = None,
                 cache: Path | None = None) -> None:
        self.bundled = bundled
        self.overlay = overlay
        self.cache = cache

    def load(self) -> Corpus:
        """Every content file, layered and checked; raises ContentError listing the problems
        (the first MAX_PROBLEMS of them)."""
        found: list[Problem] = []
        layers = self._read(found)
        digest = bundle.key([(layer.label, layer.raw) for layer in layers])
        if not found:
            # A kind of the entry found damaged when first read is parsed again from the
            # bytes the key was made of, never from files that may have changed since.
            cached = bundle.lookup(digest, self.cache, partial(self._parsed, layers, [], digest))
            if cached is not None:
                return cached
        return self._parsed(layers, found, digest)

    def _parsed(self, layers: list[Layer], found: list[Problem], digest: str) -> Corpus:
        """The corpus of `layers`, checked, then stored under `digest`; raises ContentError
        listing the problems (`found` so far, and the check's)."""
        from binatsec.corpus.problems import ContentError
        from binatsec.corpus.spec import MAX_PROBLEMS
        from binatsec.corpus.validate import Problems, TooManyProblems

        if len(found) > MAX_PROBLEMS:  # a folder of many stray files: stop at the cap here too
            raise ContentError(found[:MAX_PROBLEMS], truncated=True)
        problems = Problems(found)
        try:
            corpus = self._check(layers, problems)
        except TooManyProblems:
            raise ContentError(problems, truncated=True) from None
        if problems:
            raise ContentError(problems)
        # The files' bytes were kept to point at lines, and nothing is wrong: let them go
        # before the corpus is stored (46 MB at 70,000 records, held beside its encoding).
        layers.clear()
        bundle.store(digest, corpus, self.cache)
        return corpus

    def _read(self, problems: list[Problem]) -> list[Layer]:
        overlay_files = self._overlay_files(problems)
        layers: list[Layer] = []
        for name in kinds.files():
            file = name.removesuffix(".toml")
            places: list[tuple[Traversable, str, bool]] = [
                (self.bundled.joinpath(name), name, True)]
            if name in overlay_files:
                places.append((overlay_files[name], str(overlay_files[name]), False))
            for entry, label, bundled in places:
                raw = reading.read_bytes(entry, label, problems)
                if raw is not None:
                    layers.append(Layer(file, label, raw, bundled))
        return layers

    @building_many()
    def _check(self, layers: list[Layer], problems: list[Problem]) -> Corpus:
        from binatsec.corpus.validate import FileChecker, untranslated

        built: dict[str, list[Record]] = {kind.name: [] for kind in kinds.all_kinds()}
        # The same, with each broken record standing in for itself (validate.StandIn):
        # what the rules across records check, so none waits for another's fix.
        checked: dict[str, list[Record]] = {kind.name: [] for kind in kinds.all_kinds()}
        origin: dict[str, str] = {}
        user_labels: dict[str, str] = {}
        checkers: dict[str, FileChecker] = {}
        declared: set[str] = set()
        # Files that could not be parsed, with their text (None: nothing of it was read).
        unread: dict[str, str | None] = dict.fromkeys(
            {file.removesuffix(".toml") for file in kinds.files()}
            - {layer.file for layer in layers})
        each = reading.parse_each([(layer.raw, layer.label) for layer in layers])
        with closing(each):  # now, if a check stops early: a child parser ends
            for layer, (parsed, parse_problems) in zip(layers, each, strict=True):
                for problem in parse_problems:  # one by one: Problems stops at its cap
                    problems.append(problem)
                if parsed is None:
                    unread[layer.file] = (unread.get(layer.file) or "") + layer.raw.decode(
                        "utf-8", "replace")
                    continue
                checker = FileChecker(parsed, problems)
                if layer.bundled:  # a complete corpus has both languages; a user's layer may not
                    for problem in untranslated(parsed, kinds.in_file(layer.file)):
                        problems.append(problem)
                by_kind = checker.records(kinds.in_file(layer.file))
                # Its records are built: the parsed tables go now, not with the last file's
                # (a third of a first run's memory at scale; lines are found from the bytes).
                parsed.data = {}
                for name, records in by_kind.items():
                    origin.update((record.id, layer.label) for record in records)
                    if not layer.bundled:
                        user_labels.update((record.id, layer.label) for record in records)
                    checkers.update((record.id, checker) for record in records)
                    built[name] = _layer(built[name], records)
                    checked[name] = _layer(checked[name], records)
                for name, stand_ins in checker.stand_ins.items():
                    origin.update((record.id, layer.label) for record in stand_ins)
                    checkers.update((record.id, checker) for record in stand_ins)
                    checked[name] = _layer(checked[name], cast("list[Record]", stand_ins))
                declared |= checker.declared
        # Records from the user's folder, with their file: people and scripts must be able
        # to tell the user's content from the article's.
        corpus = Corpus(built, origins=user_labels)
        built_ids = {record.id for record in corpus.records()}
        for problem in check_corpus(Corpus(checked), origin, declared - built_ids, unread):
            checker_of = checkers.get(problem.record_id or "")
            if checker_of is not None and problem.line is None and problem.record_id:
                problem = problem._replace(line=checker_of.line_of(problem.record_id,
                                                                   problem.key))
            problems.append(problem)
        return corpus

    def warnings(self) -> Iterator[Problem]:
        """What the content may hold but should not (lint's warnings): files that cannot
        be read or parsed are left to the errors."""
        from binatsec.corpus.validate import unsafe_text_warnings

        layers = self._read([])
        for parsed, _ in reading.parse_each([(layer.raw, layer.label) for layer in layers]):
            if parsed is not None:
                yield from unsafe_text_warnings(parsed)

    def _overlay_files(self, problems: list[Problem]) -> dict[str, Path]:
        if self.overlay is None:
            return {}
        from binatsec.corpus.problems import Problem

        folder = self.overlay
        try:
            usable = folder.is_dir()
            entries = sorted(folder.iterdir()) if usable else []
        except OSError as error:  # a name too long, a folder that can't be searched, ...
            problems.append(Problem("BC012", str(folder),
                                    f"cannot be read: {error.strerror or error}"))
            return {}
        if not usable:
            problems.append(Problem("BC012", str(folder), "is not a folder of content files"))
            return {}
        names = kinds.files()
        found: dict[str, Path] = {}
        for path in entries:
            # Sub-folders are the user's business, unless one takes a content file's name:
            # that is a mistake to report (as "not a regular file"), not to pass over.
            try:
                a_folder = path.is_dir() and not path.is_symlink()
            except OSError:
                a_folder = False  # read_bytes will say what is wrong with it
            if path.name.startswith(".") or (a_folder and path.name not in names):
                continue
            if path.name not in names:
                problems.append(Problem(
                    "BC002", str(path),
                    f"unknown content file name (expected: {', '.join(names)})"))
                continue
            found[path.name] = path
        return found


def lint(source: ContentSource) -> tuple[list[Problem], bool]:
    """Every problem in a content source (up to MAX_PROBLEMS; empty when it is valid), then
    its warnings, and whether checking stopped at that cap."""
    from binatsec.corpus.problems import ContentError
    from binatsec.corpus.spec import MAX_PROBLEMS

    try:
        source.load()
    except ContentError as error:
        errors, truncated = list(error.problems), error.truncated
    else:
        errors, truncated = [], False
    warnings: list[Problem] = []
    for warning in source.warnings():
        if len(errors) + len(warnings) >= MAX_PROBLEMS:
            return errors + warnings, True
        warnings.append(warning)
    return errors + warnings, truncated
