"""Quiz history: past scores and a Leitner-style review schedule, kept in one JSON file.

The file lives in the user's data folder (platformdirs; `BINATSEC_DATA_DIR` moves it). It is
only ever replaced whole and atomically, so an interrupted quiz or a full disk leaves the
previous version intact, and a quiz reads, adds to and writes it while holding a lock beside
it (history.json.lock), so quizzes run side by side all get recorded.

Reading is not repairing: whatever this version understands is shown and the rest skipped,
with one warning; when a quiz adds to the file, every entry is written back as it was found.
A file that could not be read, or was written by a newer binatsec, or is laid out in a way
this version does not know, is left as it is and the quiz is not saved. Only a file that is not
a JSON object at all is corrupt, and only a quiz about to save moves it aside (never deletes).

The schedule counts quizzes, not days: a question missed goes back to box 1 and is due in
the next quiz; each right answer moves it up a box and doubles the wait (1, 2, 4, 8, 16).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeGuard

from binatsec.frozen import Frozen

DATA_DIR_ENV = "BINATSEC_DATA_DIR"
HISTORY_FILE = "history.json"
FORMAT = 1
TOP_BOX = 5
KEEP_QUIZZES = 500  # older scores are dropped so the file stays small; the schedule stays
MAX_BYTES = 5 * 2**20  # 500 quizzes take about 150 kB; refuse to read a file far past that
LOCK_TIMEOUT = 10.0  # seconds a quiz waits for another one to finish saving
# Match these with fullmatch: `$` would also match before a final newline.
QUESTION_ID = re.compile(r"[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*#[a-z]+")
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


class DataDirError(ValueError):
    """$BINATSEC_DATA_DIR names a folder that cannot be used (a usage error)."""


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where binatsec keeps user data: $BINATSEC_DATA_DIR, else the platform's data folder.
    Raises DataDirError if $BINATSEC_DATA_DIR cannot be used (~user for no such user)."""
    env = os.environ if environ is None else environ
    value = env.get(DATA_DIR_ENV, "").strip()
    if value:
        try:
            return Path(value).expanduser()
        except RuntimeError as error:  # "Could not determine home directory."
            raise DataDirError(f"{DATA_DIR_ENV} '{value}' cannot be used: {error}") from None
    from platformdirs import user_data_dir

    return Path(user_data_dir("binatsec", appauthor=False))


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def timestamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class QuizRecord(Frozen):
    """One finished (or cut short) quiz."""

    finished_at: str
    topic: str
    seed: int
    score: int
    total: int
    planned: int
    complete: bool
    review: bool = False
    missed: tuple[str, ...] = ()


class Card(Frozen):
    """Where one question stands in the schedule; `due` and `last_missed` count quizzes."""

    box: int
    due: int
    last_missed: int | None = None


class Outcome(Frozen):
    question_id: str
    correct: bool


class History(Frozen):
    played: int = 0
    quizzes: tuple[QuizRecord, ...] = ()
    cards: Mapping[str, Card] = MappingProxyType({})

    def due(self) -> list[str]:
        """Questions due in the next quiz: missed ones first, the most recently missed first."""
        upcoming = self.played + 1
        ready = [(qid, card) for qid, card in self.cards.items() if card.due <= upcoming]
        ready.sort(key=lambda item: (item[1].box, -(item[1].last_missed or 0), item[0]))
        return [qid for qid, _ in ready]

    def record(self, quiz: QuizRecord, outcomes: Iterable[Outcome]) -> History:
        """This history with one more quiz played and its answers scheduled."""
        number = self.played + 1
        cards = dict(self.cards)
        for outcome in outcomes:
            cards[outcome.question_id] = schedule(cards.get(outcome.question_id), outcome.correct,
                                                  number)
        quizzes = (*self.quizzes, quiz)[-KEEP_QUIZZES:]
        return History(played=number, quizzes=quizzes, cards=cards)


def schedule(card: Card | None, correct: bool, quiz_number: int) -> Card:
    """The card after an answer in quiz `quiz_number`."""
    if not correct:
        return Card(box=1, due=quiz_number + 1, last_missed=quiz_number)
    box = min(TOP_BOX, (card.box if card else 1) + 1)
    last_missed = card.last_missed if card else None
    return Card(box=box, due=quiz_number + 2 ** (box - 1), last_missed=last_missed)


# --- the file -------------------------------------------------------------------------------


class Unusable(Exception):
    """The history file is there but cannot be used; `corrupt` if it is not a JSON object."""

    def __init__(self, message: str, corrupt: str = "") -> None:
        super().__init__(message)
        self.corrupt = corrupt  # why it is corrupt, or "" if it is only unreadable or too big


class Reading(Frozen):
    """What the history file holds: the part this version understands, and all of it as found.

    `quizzes`, `cards` and `others` are the file's own entries, understood or not, so a quiz
    that adds to the file writes every one of them back unchanged. `refusal` says why a quiz
    must not write over the file at all ("" when it may)."""

    history: History
    quizzes: tuple[Any, ...] = ()
    cards: Mapping[str, Any] = MappingProxyType({})
    others: Mapping[str, Any] = MappingProxyType({})
    skipped: int = 0
    newer: int = 0
    refusal: str = ""

    def with_quiz(self, quiz: QuizRecord, outcomes: Iterable[Outcome]) -> dict[str, Any]:
        """The document to write: this file with one more quiz played and scheduled."""
        outcomes = list(outcomes)
        history = self.history.record(quiz, outcomes)
        cards = dict(self.cards)
        for outcome in outcomes:  # a card answered now replaces whatever stood in its place
            cards[outcome.question_id] = history.cards[outcome.question_id]._asdict()
        return {
            "format": FORMAT,
            "played": history.played,
            "quizzes": [*self.quizzes, quiz_document(quiz)][-KEEP_QUIZZES:],
            "cards": {qid: cards[qid] for qid in sorted(cards)},
            **self.others,
        }


def quiz_document(quiz: QuizRecord) -> dict[str, Any]:
    return quiz._asdict() | {"missed": list(quiz.missed)}


def to_document(history: History) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "played": history.played,
        "quizzes": [quiz_document(q) for q in history.quizzes],
        "cards": {qid: card._asdict() for qid, card in sorted(history.cards.items())},
    }


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _matches(pattern: re.Pattern[str], value: Any) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def _quiz(item: Any, topics: frozenset[str]) -> QuizRecord | None:
    """One entry of 'quizzes', or None if this version does not understand it."""
    if not isinstance(item, dict):
        return None
    missed, topic = item.get("missed"), item.get("topic")
    seed, score, total, planned = (item.get(name) for name in ("seed", "score", "total",
                                                               "planned"))
    if (not isinstance(missed, list) or not all(_matches(QUESTION_ID, m) for m in missed)
            or not isinstance(topic, str) or topic not in topics
            or not _matches(STAMP, item.get("finished_at"))
            or not (_whole(seed) and _whole(score) and _whole(total) and _whole(planned))):
        return None
    return QuizRecord(finished_at=item["finished_at"], topic=topic, seed=seed, score=score,
                      total=total, planned=planned, complete=bool(item.get("complete")),
                      review=bool(item.get("review", False)), missed=tuple(missed))


def _card(qid: str, item: Any) -> Card | None:
    """One entry of 'cards', or None if this version does not understand it."""
    if not isinstance(item, dict) or not _matches(QUESTION_ID, qid):
        return None
    box, due, last_missed = item.get("box"), item.get("due"), item.get("last_missed")
    if not _whole(box) or not _whole(due) or not (last_missed is None or _whole(last_missed)):
        return None
    return Card(box=box, due=due, last_missed=last_missed)


def read_document(document: Mapping[str, Any]) -> Reading:
    """Everything in a parsed history object that this version understands, in one pass."""
    from binatsec.corpus import kinds

    topics = frozenset((*kinds.quiz_topics(), "all"))
    layout: list[str] = []
    skipped = 0
    version = document.get("format")
    if not _whole(version) or version < 1:
        layout.append("no format number binatsec knows")
    quizzes_found = document.get("quizzes", [])
    if not isinstance(quizzes_found, list):
        layout.append("'quizzes' is not a list")
        quizzes_found, skipped = [], skipped + 1
    cards_found = document.get("cards", {})
    if not isinstance(cards_found, dict):
        layout.append("'cards' is not an object")
        cards_found, skipped = {}, skipped + 1
    played = document.get("played", len(quizzes_found))
    if not _whole(played):
        layout.append("'played' is not a whole number")
        played, skipped = len(quizzes_found), skipped + 1
    quizzes = []
    for item in quizzes_found:
        quiz = _quiz(item, topics)
        if quiz is None:
            skipped += 1
        else:
            quizzes.append(quiz)
    cards = {}
    for qid, item in cards_found.items():
        card = _card(qid, item)
        if card is None:
            skipped += 1
        else:
            cards[qid] = card
    newer = version if _whole(version) and version > FORMAT else 0
    refusal = ""
    if newer:
        refusal = f"is from a newer binatsec (format {newer}; this one writes {FORMAT})"
    elif layout:
        refusal = f"is not laid out as this binatsec writes it ({'; '.join(layout)})"
    others = {key: value for key, value in document.items()
              if key not in ("format", "played", "quizzes", "cards")}
    # Only the newest KEEP_QUIZZES are shown, as only they are kept: a hand-made file of
    # thousands is read in one pass but never drawn whole.
    return Reading(History(played=played, quizzes=tuple(quizzes[-KEEP_QUIZZES:]), cards=cards),
                   quizzes=tuple(quizzes_found), cards=cards_found, others=others,
                   skipped=skipped, newer=newer, refusal=refusal)


def from_document(document: Any) -> History:
    """What this version understands of a parsed history (see read_document)."""
    return read_document(document if isinstance(document, dict) else {}).history


def _size(count: int) -> str:
    return f"{count / 2**20:g} MB" if count >= 2**20 else f"{count} bytes"


class HistoryStore:
    """The history file in one folder: read it, add to it under a lock, set bad files aside."""

    def __init__(self, folder: Path, warn: Callable[[str], None] | None = None,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.folder = folder
        self.path = folder / HISTORY_FILE
        self.lock_path = folder / f"{HISTORY_FILE}.lock"
        self.clock = clock
        if warn is None:
            from binatsec.views.stream import say

            warn = say
        self.warn = warn

    def read(self) -> Reading:
        """The file as it is; raises Unusable if it cannot be read or is not a JSON object."""
        try:
            with self.path.open("rb") as stream:
                raw = stream.read(MAX_BYTES + 1)  # never more than the cap into memory
        except FileNotFoundError:
            return Reading(History())
        except OSError as error:
            raise Unusable(f"cannot read quiz history {self.path}: "
                           f"{error.strerror or error}") from None
        if len(raw) > MAX_BYTES:
            raise Unusable(f"quiz history {self.path} is larger than {_size(MAX_BYTES)}, "
                           "far more than binatsec writes")
        try:
            document = json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError):
            reason = "not valid JSON"
        else:
            if isinstance(document, dict):
                return read_document(document)
            reason = "not a JSON object"
        raise Unusable(f"quiz history {self.path} is corrupt ({reason})", corrupt=reason)

    def load(self) -> History:
        """What the file holds that this version understands, an empty history if nothing;
        problems are warned about, and the file is never moved or rewritten."""
        try:
            reading = self.read()
        except Unusable as problem:
            self.warn(f"{problem}; left it as it is")
            return History()
        if reading.refusal:
            self.warn(f"quiz history {self.path} {reading.refusal}; showing what this "
                      "version understands")
        if reading.skipped:
            entries = "entry" if reading.skipped == 1 else "entries"
            self.warn(f"quiz history {self.path}: skipped {reading.skipped} {entries} this "
                      "version does not understand")
        return reading.history

    def set_aside(self, reason: str) -> Path | None:
        """Move the unusable file to history.json.corrupt-<time> so nothing is lost."""
        stamp = self.clock().astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{HISTORY_FILE}.corrupt-{stamp}")
        counter = 1
        while target.exists():
            counter += 1
            target = self.path.with_name(f"{HISTORY_FILE}.corrupt-{stamp}-{counter}")
        try:
            self.path.rename(target)
        except OSError as error:
            self.warn(f"quiz history {self.path} is corrupt ({reason}) and cannot be moved "
                      f"aside: {error.strerror}; left it as it is, and this quiz was not saved")
            return None
        self.warn(f"quiz history {self.path} is corrupt ({reason}); moved it to "
                  f"{target.name} and starting a new one")
        return target

    def save(self, history: History) -> bool:
        """Replace the file with `history` in one step; False (and a warning) if impossible."""
        return self._write(to_document(history))

    def _write(self, document: Mapping[str, Any]) -> bool:
        from binatsec.fileio import atomic_write

        data = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        try:
            atomic_write(self.path, data.encode("utf-8"), durable=True)
        except OSError as error:
            self.warn(f"cannot save quiz history to {self.path}: "
                      f"{error.strerror or error}; your score was not recorded")
            return False
        return True

    def add(self, quiz: QuizRecord, outcomes: Iterable[Outcome]) -> bool:
        """Record one quiz: holding the lock, read the latest file, add to it, write it back.
        False (and one warning) if it was not recorded; the file is then left as it was."""
        outcomes = list(outcomes)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self.warn(f"cannot save quiz history to {self.path}: "
                      f"{error.strerror or error}; your score was not recorded")
            return False
        from filelock import FileLock, Timeout  # only a save needs it; start-up time matters

        lock = FileLock(self.lock_path, timeout=LOCK_TIMEOUT)
        try:
            lock.acquire()
        except Timeout:
            self.warn(f"quiz history {self.path} is still locked by another binatsec after "
                      f"{LOCK_TIMEOUT:g} s ({self.lock_path.name}); this quiz was not saved")
            return False
        except OSError as error:
            self.warn(f"cannot lock quiz history {self.lock_path}: "
                      f"{error.strerror or error}; this quiz was not saved")
            return False
        try:
            return self._add_locked(quiz, outcomes)
        finally:
            lock.release()

    def _add_locked(self, quiz: QuizRecord, outcomes: list[Outcome]) -> bool:
        try:
            reading = self.read()
        except Unusable as problem:
            if not problem.corrupt:
                self.warn(f"{problem}; left it as it is, and this quiz was not saved")
                return False
            if self.set_aside(problem.corrupt) is None:
                return False
            reading = Reading(History())
        if reading.refusal:
            self.warn(f"quiz history {self.path} {reading.refusal}; left it as it is, and "
                      "this quiz was not saved")
            return False
        return self._write(reading.with_quiz(quiz, outcomes))
