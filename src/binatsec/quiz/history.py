"""Quiz history: past scores and a Leitner-style review schedule, kept in one JSON file.

The file lives in the user's data folder (platformdirs; `BINATSEC_DATA_DIR` moves it). It is
only ever replaced whole and atomically, so an interrupted quiz or a full disk leaves the
previous version intact. A file that cannot be understood is moved aside, never deleted.

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
from typing import Any

from binatsec.frozen import Frozen

DATA_DIR_ENV = "BINATSEC_DATA_DIR"
HISTORY_FILE = "history.json"
FORMAT = 1
TOP_BOX = 5
KEEP_QUIZZES = 500  # older scores are dropped so the file stays small; the schedule stays
QUESTION_ID = re.compile(r"^[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*#[a-z]+$")
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where binatsec keeps user data: $BINATSEC_DATA_DIR, else the platform's data folder."""
    env = os.environ if environ is None else environ
    value = env.get(DATA_DIR_ENV, "").strip()
    if value:
        return Path(value).expanduser()
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


class Corrupt(ValueError):
    """The history file is not what binatsec writes."""


def quiz_document(quiz: QuizRecord) -> dict[str, Any]:
    return quiz._asdict() | {"missed": list(quiz.missed)}


def to_document(history: History) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "played": history.played,
        "quizzes": [quiz_document(q) for q in history.quizzes],
        "cards": {qid: card._asdict() for qid, card in sorted(history.cards.items())},
    }


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Corrupt(f"{what} is not a whole number")
    return value


def _str(value: Any, what: str, pattern: re.Pattern[str] | None = None) -> str:
    if not isinstance(value, str) or (pattern is not None and not pattern.match(value)):
        raise Corrupt(f"{what} is not what binatsec writes")
    return value


def _topic(value: Any, what: str) -> str:
    from binatsec.corpus import kinds

    if value not in (*kinds.quiz_topics(), "all"):
        raise Corrupt(f"{what} is not a quiz topic")
    return str(value)


def from_document(document: Any) -> History:
    """A history from the parsed file; raises Corrupt on anything binatsec did not write."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Corrupt(f"not a binatsec history (format {FORMAT})")
    quizzes_data, cards_data = document.get("quizzes"), document.get("cards")
    if not isinstance(quizzes_data, list) or not isinstance(cards_data, dict):
        raise Corrupt("'quizzes' must be a list and 'cards' an object")
    quizzes = []
    for index, item in enumerate(quizzes_data):
        where = f"quiz {index + 1}"
        if not isinstance(item, dict) or not isinstance(item.get("missed"), list):
            raise Corrupt(f"{where} is malformed")
        quizzes.append(QuizRecord(
            finished_at=_str(item.get("finished_at"), f"{where} finished_at", STAMP),
            topic=_topic(item.get("topic"), f"{where} topic"),
            seed=_int(item.get("seed"), f"{where} seed"),
            score=_int(item.get("score"), f"{where} score"),
            total=_int(item.get("total"), f"{where} total"),
            planned=_int(item.get("planned"), f"{where} planned"),
            complete=bool(item.get("complete")),
            review=bool(item.get("review", False)),
            missed=tuple(_str(m, f"{where} missed", QUESTION_ID) for m in item["missed"])))
    cards = {}
    for qid, item in cards_data.items():
        if not isinstance(item, dict) or not QUESTION_ID.match(qid):
            raise Corrupt(f"card {qid!r} is malformed")
        missed = item.get("last_missed")
        cards[qid] = Card(box=_int(item.get("box"), f"card {qid} box"),
                          due=_int(item.get("due"), f"card {qid} due"),
                          last_missed=None if missed is None else _int(missed, f"card {qid}"))
    return History(played=_int(document.get("played"), "played"), quizzes=tuple(quizzes),
                   cards=cards)


class HistoryStore:
    """The history file in one folder: read it, replace it atomically, set bad files aside."""

    def __init__(self, folder: Path, warn: Callable[[str], None] | None = None,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.folder = folder
        self.path = folder / HISTORY_FILE
        self.clock = clock
        if warn is None:
            from binatsec.views.stream import say

            warn = say
        self.warn = warn

    def load(self) -> History:
        """The saved history; an empty one if there is none or it cannot be used."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return History()
        except OSError as error:
            self.warn(f"cannot read quiz history {self.path}: {error.strerror}; "
                      "carrying on without it")
            return History()
        try:
            return from_document(json.loads(raw.decode("utf-8")))
        except (ValueError, RecursionError) as error:
            reason = error if isinstance(error, Corrupt) else "not valid JSON"
            self.set_aside(str(reason))
            return History()

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
                      f"aside: {error.strerror}; carrying on without it")
            return None
        self.warn(f"quiz history {self.path} is corrupt ({reason}); moved it to "
                  f"{target.name} and starting a new one")
        return target

    def save(self, history: History) -> bool:
        """Replace the file with `history` in one step; False (and a warning) if impossible."""
        from binatsec.fileio import atomic_write

        data = json.dumps(to_document(history), ensure_ascii=False, indent=2) + "\n"
        try:
            atomic_write(self.path, data.encode("utf-8"), durable=True)
        except OSError as error:
            self.warn(f"cannot save quiz history to {self.path}: "
                      f"{error.strerror or error}; your score was not recorded")
            return False
        return True

    def add(self, quiz: QuizRecord, outcomes: Iterable[Outcome]) -> bool:
        """Record one quiz: read the latest file, add to it, write it back."""
        return self.save(self.load().record(quiz, list(outcomes)))

