"""Quiz history: past scores and a review schedule by time (FSRS), kept in one JSON file.

The file lives in the user's data folder (`environment.Folders.data`: `BINATSEC_DATA_DIR`,
else platformdirs'). It is only ever replaced whole and atomically, so an interrupted quiz or
a full disk leaves the previous version intact, and a quiz reads, adds to and writes it
while holding a lock beside it (history.json.lock), so quizzes run side by side all get
recorded.

Reading is not repairing: whatever this version understands is shown and the rest skipped,
with one warning; when a quiz adds to the file, every entry is written back as it was found.
A file that could not be read, or was written by a newer binatsec, or is laid out in a way
this version does not know, is left as it is and the quiz is not saved. Only a file that is not
a JSON object at all is corrupt, and only a quiz about to save moves it aside (never deletes).

What is written stays well inside what is read (see `bounded`): at most KEEP_QUIZZES scores
and KEEP_CARDS cards, and never more than WRITE_BYTES, a quarter of the MAX_BYTES a read
takes. The file, and its lock, are opened only if they are regular files, so a FIFO or a
terminal in their place is refused at once instead of waited on.

The schedule is FSRS (the Free Spaced Repetition Scheduler that Anki uses, from the `fsrs`
package, imported only when a quiz is saved or an old file converted): a question missed is
due again at once, and each right answer puts it off for longer, by days, not by quizzes.
Every time comes from a clock the caller can replace (tests never read the wall clock).

Format 2 keeps each question's FSRS card; format 1 (binatsec 0.1's Leitner boxes, counted in
quizzes) is still read, its cards converted by replaying their run of right answers, and the
file is written back in format 2 with every old quiz kept.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, TypeGuard

from binatsec.frozen import Frozen
from binatsec.quiz import ALL

if TYPE_CHECKING:
    import fsrs

HISTORY_FILE = "history.json"
FORMAT = 2  # 2: FSRS cards, by time; 1: Leitner boxes, by quiz count (read and converted)
State = Literal["learning", "review", "relearning"]
STATES: tuple[State, ...] = ("learning", "review", "relearning")  # FSRS's states 1, 2, 3
# A question missed is due again at once (the next quiz, however soon), not after FSRS's
# default learning steps of minutes; a right answer goes straight to days.
NO_WAIT = timedelta(0)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
KEEP_QUIZZES = 500  # older scores are dropped so the file stays small
# A card takes about 300 bytes written, so 2,500 cards and 500 ten-question scores come to
# about 1 MB; past the cap, the cards a save drops first are those of questions the content
# in use lacks, then the longest unreviewed (see `bounded`).
KEEP_CARDS = 2_500
MAX_BYTES = 5 * 2**20  # the most a read takes in: a file past this is refused, never parsed
# The most a save writes, checked on the encoded file: a quarter of what a read accepts, so
# whatever binatsec writes it reads back, with room for entries it keeps without knowing them.
WRITE_BYTES = MAX_BYTES // 4
LOCK_TIMEOUT = 10.0  # seconds a quiz waits for another one to finish saving
# Match these with fullmatch: `$` would also match before a final newline.
QUESTION_ID = re.compile(r"[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*#[a-z]+")
OLD_TOP_BOX = 5  # the highest Leitner box format 1 ever wrote
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _now() -> datetime:
    return utc_now()  # looked up when called, so a test can replace utc_now


def timestamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def moment_of(stamp: str) -> datetime:
    """The time a STAMP names (UTC, whole seconds)."""
    return datetime.fromisoformat(stamp.removesuffix("Z") + "+00:00")


def whole_seconds(moment: datetime) -> datetime:
    """`moment` in UTC without its fraction of a second, as the file keeps times."""
    return moment.astimezone(timezone.utc).replace(microsecond=0)


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
    lang: str = "en"  # the language it was played in; entries from before it was kept: "en"


class Card(Frozen):
    """Where one question stands on the review schedule: an FSRS card, its times as STAMPs.

    `last_missed` is when it was last answered wrongly; the last answer was wrong when that
    is also its `last_review`."""

    state: State
    due: str
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    last_review: str | None = None
    last_missed: str | None = None

    @property
    def missed_last(self) -> bool:
        return self.last_missed is not None and self.last_missed == self.last_review


class Outcome(Frozen):
    question_id: str
    correct: bool


class History(Frozen):
    """What the history file holds."""

    played: int = 0
    quizzes: tuple[QuizRecord, ...] = ()
    cards: Mapping[str, Card] = MappingProxyType({})

    def due(self, now: datetime) -> list[str]:
        """Questions due at `now`: those whose last answer was wrong first, the most recently
        missed first; then the rest, the longest due first."""
        moment = timestamp(now)
        ready = sorted((qid, card) for qid, card in self.cards.items() if card.due <= moment)
        missed = [item for item in ready if item[1].missed_last]
        missed.sort(key=lambda item: item[1].last_missed or "", reverse=True)
        others = sorted((item for item in ready if not item[1].missed_last),
                        key=lambda item: (item[1].due, item[0]))
        return [qid for qid, _ in (*missed, *others)]

    def upcoming(self, now: datetime) -> list[tuple[str, list[str]]]:
        """Questions due after `now`, by the UTC day they fall due: (YYYY-MM-DD, ids),
        soonest first."""
        moment = timestamp(now)
        later = sorted((card.due, qid) for qid, card in self.cards.items() if card.due > moment)
        days: dict[str, list[str]] = {}
        for due, qid in later:
            days.setdefault(due[:10], []).append(qid)
        return list(days.items())

    def record(self, quiz: QuizRecord, outcomes: Iterable[Outcome], at: datetime) -> History:
        """This history with one more quiz played and its answers, given at `at`, scheduled."""
        cards = dict(self.cards)
        for outcome in outcomes:
            cards[outcome.question_id] = schedule(cards.get(outcome.question_id),
                                                  outcome.correct, at)
        quizzes = (*self.quizzes, quiz)[-KEEP_QUIZZES:]
        return History(played=self.played + 1, quizzes=quizzes, cards=cards)


@cache
def _scheduler() -> fsrs.Scheduler:
    from fsrs import Scheduler

    # No fuzzing: it draws from the global random generator, and the same answers at the
    # same times must give the same schedule.
    return Scheduler(learning_steps=(NO_WAIT,), relearning_steps=(NO_WAIT,),
                     enable_fuzzing=False)


def _to_fsrs(card: Card) -> fsrs.Card:
    from fsrs import Card as FsrsCard
    from fsrs import State as FsrsState

    return FsrsCard(card_id=0, state=FsrsState(STATES.index(card.state) + 1), step=card.step,
                    stability=card.stability, difficulty=card.difficulty,
                    due=moment_of(card.due),
                    last_review=moment_of(card.last_review) if card.last_review else None)


def _from_fsrs(card: fsrs.Card, last_missed: str | None) -> Card:
    return Card(state=STATES[int(card.state) - 1], due=timestamp(card.due), step=card.step,
                stability=card.stability, difficulty=card.difficulty,
                last_review=timestamp(card.last_review) if card.last_review else None,
                last_missed=last_missed)


def schedule(card: Card | None, correct: bool, at: datetime) -> Card:
    """The card after an answer at `at` (a new card if the question was never asked)."""
    from fsrs import Card as FsrsCard
    from fsrs import Rating

    at = whole_seconds(at)
    current = _to_fsrs(card) if card is not None else FsrsCard(card_id=0, due=at)
    reviewed, _ = _scheduler().review_card(current, Rating.Good if correct else Rating.Again,
                                           at)
    last_missed = card.last_missed if card is not None else None
    return _from_fsrs(reviewed, last_missed if correct else timestamp(at))


def replayed(right: int, missed_first: bool, at: datetime,
             missed_at: datetime | None = None) -> Card:
    """A card whose last `right` answers were right, each given when it was due (after a miss
    if `missed_first`), the last at `at`: how a format 1 card is converted."""
    from fsrs import Card as FsrsCard
    from fsrs import Rating

    at = whole_seconds(at)
    card = FsrsCard(card_id=0, due=EPOCH)
    for rating in [Rating.Again] * missed_first + [Rating.Good] * right:
        card, _ = _scheduler().review_card(card, rating, card.due)
    assert card.last_review is not None
    shifted = _from_fsrs(card, None)._replace(due=timestamp(at + (card.due - card.last_review)),
                                               last_review=timestamp(at))
    if missed_at is not None:
        return shifted._replace(last_missed=timestamp(whole_seconds(missed_at)))
    return shifted


# --- the file -------------------------------------------------------------------------------


class Unusable(Exception):
    """The history file is there but cannot be used; `corrupt` if it is not a JSON object."""

    def __init__(self, message: str, corrupt: str = "") -> None:
        super().__init__(message)
        self.corrupt = corrupt  # why it is corrupt, or "" if it is only unreadable or too big


class Reading(Frozen):
    """What the history file holds: the part this version understands, and all of it as found.

    `quizzes`, `cards` and `others` are the file's own entries, understood or not, so a quiz
    that adds to the file writes every one of them back unchanged (the cards of a format 1
    file that this version converted are written converted). `refusal` says why a quiz must
    not write over the file at all ("" when it may)."""

    history: History
    quizzes: tuple[Any, ...] = ()
    cards: Mapping[str, Any] = MappingProxyType({})
    others: Mapping[str, Any] = MappingProxyType({})
    skipped: int = 0
    refusal: str = ""
    converted: bool = False  # a format 1 file, its cards converted to this format's

    def with_quiz(self, quiz: QuizRecord, outcomes: Iterable[Outcome],
                  at: datetime) -> dict[str, Any]:
        """The document to write: this file with one more quiz, played at `at`, scheduled."""
        outcomes = list(outcomes)
        history = self.history.record(quiz, outcomes, at)
        cards = dict(self.cards)
        renewed = list(history.cards) if self.converted else [o.question_id for o in outcomes]
        for qid in renewed:  # a card answered now replaces whatever stood in its place
            cards[qid] = card_document(history.cards[qid])
        return {
            "format": FORMAT,
            "played": history.played,
            "quizzes": [*self.quizzes, quiz_document(quiz)][-KEEP_QUIZZES:],
            "cards": {qid: cards[qid] for qid in sorted(cards)},
            **self.others,
        }


def quiz_document(quiz: QuizRecord) -> dict[str, Any]:
    return quiz._asdict() | {"missed": list(quiz.missed)}


def card_document(card: Card) -> dict[str, Any]:
    return card._asdict()


def to_document(history: History) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "played": history.played,
        "quizzes": [quiz_document(q) for q in history.quizzes],
        "cards": {qid: card_document(card) for qid, card in sorted(history.cards.items())},
    }


def encode(document: Mapping[str, Any]) -> bytes:
    """The file's bytes: indented UTF-8 JSON. A string the file held with a lone surrogate
    (kept verbatim from a hand edit) has no UTF-8 form, so then every non-ASCII character is
    written as a \\u escape instead: the same data, and still readable."""
    try:
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(document, indent=2) + "\n").encode("ascii")


class Bounded(Frozen):
    """A document ready to write, and what was dropped to keep it within bounds."""

    data: bytes
    scores: int = 0  # the oldest scores
    unreadable: int = 0  # cards this version does not understand
    outside: int = 0  # cards of questions the content in use lacks
    unreviewed: int = 0  # other cards, the longest unreviewed first
    reviewed_by: str = ""  # the latest last review among those (a STAMP)

    def summary(self) -> str:
        """What was dropped, in words; "" if nothing."""
        parts = []
        cards = self.unreadable + self.outside + self.unreviewed
        if cards:
            why = []
            if self.unreadable:
                why.append(f"{self.unreadable:,} this version cannot read")
            if self.outside:
                why.append(f"{self.outside:,} not in this content")
            if self.unreviewed:
                last = f" on or before {self.reviewed_by[:10]}" if self.reviewed_by else ""
                why.append(f"{self.unreviewed:,} last reviewed{last}")
            parts.append(f"the review schedule of {cards:,} question{'s' if cards != 1 else ''} "
                         f"({', '.join(why)})")
        if self.scores:
            parts.append(f"{self.scores:,} old score{'s' if self.scores != 1 else ''}")
        return " and ".join(parts)


def bounded(document: Mapping[str, Any], in_content: Callable[[str], bool] | None = None,
            answered: Collection[str] = ()) -> Bounded | None:
    """`document` encoded within bounds: at most KEEP_CARDS cards and WRITE_BYTES bytes.

    Cards go first, in this order: those this version does not understand, those whose
    question `in_content` says the content in use lacks (None: it has them all), then the
    rest; within each, the longest unreviewed first; the cards of questions `answered` in the
    quiz being saved go last whatever their times say (a clock set wrong once can leave
    reviews dated in the future). Binatsec does not remember every folder it was used with,
    so a card is dropped for being outside the content only when the file must shrink:
    switching between two folders loses nothing until the cap. Past the byte budget, the
    oldest scores go before any more cards (a score is the past; a card decides what is asked
    next), never the newest. None if even that cannot make it fit (entries this version keeps
    as found, or the newest quiz alone, are too large)."""
    trim = _Trim(document, in_content, answered)
    while len(trim.cards) > KEEP_CARDS:
        trim.drop_card()
    data = encode(trim.document())
    while len(data) > WRITE_BYTES:
        excess, freed = len(data) - WRITE_BYTES, 0
        while freed < excess and len(trim.quizzes) > 1:
            freed += trim.drop_score()
        while freed < excess and trim.cards:
            freed += trim.drop_card()
        if not freed:
            return None
        data = encode(trim.document())
    return Bounded(data, scores=trim.scores, unreadable=trim.dropped[_NOT_UNDERSTOOD],
                   outside=trim.dropped[_OUTSIDE],
                   unreviewed=trim.dropped[_IN_CONTENT] + trim.dropped[_ANSWERED],
                   reviewed_by=trim.reviewed_by)


class _Trim:
    """A document's scores and cards, dropped from one at a time by `bounded`."""

    def __init__(self, document: Mapping[str, Any], in_content: Callable[[str], bool] | None,
                 answered: Collection[str]) -> None:
        self.source = document
        self.in_content = in_content
        self.answered = answered
        self.quizzes = list(document.get("quizzes", []))
        self.cards = dict(document.get("cards", {}))
        self.scores = 0
        self.dropped = [0, 0, 0, 0]  # cards dropped, by rank
        self.reviewed_by = ""
        self._order: list[tuple[int, str, str]] | None = None  # sorted only if needed

    def document(self) -> dict[str, Any]:
        return {**self.source, "quizzes": self.quizzes, "cards": self.cards}

    def drop_score(self) -> int:
        self.scores += 1
        return _entry_size(self.quizzes.pop(0))

    def drop_card(self) -> int:
        if self._order is None:
            self._order = sorted((self._rank(qid, item) for qid, item in self.cards.items()),
                                 reverse=True)
        rank, last_review, qid = self._order.pop()  # sorted backwards: pop() takes the first
        self.dropped[rank] += 1
        if rank >= _IN_CONTENT:
            self.reviewed_by = max(self.reviewed_by, last_review)
        return _entry_size(self.cards.pop(qid), qid)

    def _rank(self, qid: str, item: Any) -> tuple[int, str, str]:
        """Where a card stands in the order cards are dropped: the smallest first."""
        card = _card(qid, item)
        if card is None:
            return _NOT_UNDERSTOOD, "", qid
        if qid in self.answered:
            return _ANSWERED, card.last_review or "", qid
        outside = self.in_content is not None and not self.in_content(qid)
        return _OUTSIDE if outside else _IN_CONTENT, card.last_review or "", qid


_NOT_UNDERSTOOD, _OUTSIDE, _IN_CONTENT, _ANSWERED = 0, 1, 2, 3


def _entry_size(item: Any, key: str | None = None) -> int:
    """About how many bytes an entry of 'quizzes' or 'cards' takes in the file: its JSON,
    indented two levels deeper, its key and separator. `bounded` checks the real size."""
    text = json.dumps(item, indent=2)
    size = len(text) + 4 * (text.count("\n") + 1) + 2
    return size + (len(json.dumps(key)) + 2 if key is not None else 0)


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _matches(pattern: re.Pattern[str], value: Any) -> bool:
    if not isinstance(value, str) or pattern.fullmatch(value) is None:
        return False
    if pattern is STAMP:  # the right shape, and a time that exists ("2026-13-45" is not)
        try:
            moment_of(value)
        except ValueError:
            return False
    return True


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
                      review=bool(item.get("review", False)), missed=tuple(missed),
                      lang=_language_of(item.get("lang")))


def _language_of(value: Any) -> str:
    """The language a quiz was played in, as kept: English when not kept (older entries) or
    not one this version knows."""
    from binatsec.corpus.records import DEFAULT_LANGUAGE, LANGUAGES

    return value if isinstance(value, str) and value in LANGUAGES else DEFAULT_LANGUAGE


def _positive(value: Any) -> TypeGuard[float]:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and value > 0)


def _card(qid: str, item: Any) -> Card | None:
    """One entry of 'cards' (format 2), or None if this version does not understand it."""
    if not isinstance(item, dict) or not _matches(QUESTION_ID, qid):
        return None
    state, due, step = item.get("state"), item.get("due"), item.get("step")
    stability, difficulty = item.get("stability"), item.get("difficulty")
    last_review, last_missed = item.get("last_review"), item.get("last_missed")
    if (state not in STATES or not _matches(STAMP, due)
            or not all(s is None or _matches(STAMP, s) for s in (last_review, last_missed))):
        return None
    # What FSRS needs of each state: a step while learning, a memory once reviewed.
    memory: tuple[float, float] | tuple[None, None]
    if _positive(stability) and _positive(difficulty):
        memory = (float(stability), float(difficulty))
    elif stability is None and difficulty is None and state == "learning":
        memory = (None, None)
    else:
        return None
    if (step is None) != (state == "review") or not (step is None or _whole(step)):
        return None
    return Card(state=state, due=str(due), step=step, stability=memory[0],
                difficulty=memory[1], last_review=last_review, last_missed=last_missed)


class _OldCards:
    """Format 1 cards (Leitner boxes counted in quizzes), converted to FSRS cards.

    A card in box 1 was missed last: due at once. A card in box b > 1 was answered right
    b - 1 times in a row (after a miss, if it was ever missed): it gets the card FSRS gives
    that run of answers, each given when due, the last at the time of the quiz it was given
    in. A quiz's time is its 'finished_at' in the file; a quiz dropped from the file takes the
    time of the newest one (or 1970 if none is left), which makes its cards due now."""

    def __init__(self, quizzes: Sequence[Any], played: int) -> None:
        self.times = [moment_of(q["finished_at"])
                      if isinstance(q, dict) and _matches(STAMP, q.get("finished_at")) else None
                      for q in quizzes]
        self.first = played - len(quizzes) + 1  # the number of the oldest quiz kept
        self.latest = max((t for t in self.times if t is not None), default=EPOCH)

    def time_of(self, number: int) -> datetime | None:
        index = number - self.first
        return self.times[index] if 0 <= index < len(self.times) else None

    def convert(self, qid: str, item: Any) -> Card | None:
        if not isinstance(item, dict) or not _matches(QUESTION_ID, qid):
            return None
        box, due, last_missed = item.get("box"), item.get("due"), item.get("last_missed")
        if not _whole(box) or not _whole(due) or not (last_missed is None
                                                       or _whole(last_missed)):
            return None
        if not 1 <= box <= OLD_TOP_BOX:  # format 1 never wrote another box
            return None
        missed_at = self.time_of(last_missed) if last_missed is not None else None
        if box <= 1:
            at = self.time_of(last_missed if last_missed is not None else due - 1)
            stamp = timestamp(at or self.latest)
            return Card(state="learning", due=stamp, step=0, last_review=stamp,
                        last_missed=stamp)
        at = self.time_of(due - 2 ** (box - 1)) or self.latest
        return replayed(box - 1, last_missed is not None, at, missed_at)


def read_document(document: Mapping[str, Any]) -> Reading:
    """Everything in a parsed history object that this version understands, in one pass."""
    from binatsec.quiz import topics as registry

    topics = frozenset((*registry.names(), ALL))
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
    old = _whole(version) and version == 1
    read_card = _OldCards(quizzes_found, played).convert if old else _card
    cards = {}
    for qid, item in cards_found.items():
        card = read_card(qid, item)
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
                   skipped=skipped, refusal=refusal, converted=old)


class HistoryStore:
    """The history file in one folder: read it, add to it under a lock, set bad files aside."""

    def __init__(self, folder: Path, warn: Callable[[str], None] | None = None,
                 clock: Callable[[], datetime] = _now) -> None:
        self.folder = folder
        self.path = folder / HISTORY_FILE
        self.lock_path = folder / f"{HISTORY_FILE}.lock"
        self.clock = clock
        if warn is None:
            from binatsec.streams import say

            warn = say
        self.warn = warn

    def read(self) -> Reading:
        """The file as it is; raises Unusable if it cannot be read or is not a JSON object."""
        from binatsec.fileio import FileTooLarge, RefusedFile, read_regular_file, size_in_words

        try:
            raw = read_regular_file(self.path, MAX_BYTES)
        except FileNotFoundError:
            return Reading(History())
        except FileTooLarge:
            raise Unusable(f"quiz history {self.path} is larger than "
                           f"{size_in_words(MAX_BYTES)}, more than binatsec reads or writes "
                           "(move it away to start a new one)") from None
        except RefusedFile as refused:
            raise Unusable(f"quiz history {self.path} {refused.strerror}") from None
        except OSError as error:
            raise Unusable(f"cannot read quiz history {self.path}: "
                           f"{self._reason(error)}") from None
        try:
            document = json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError):
            reason = "not valid JSON"
        else:
            if isinstance(document, dict):
                return read_document(document)
            reason = "not a JSON object"
        raise Unusable(f"quiz history {self.path} is corrupt ({reason})", corrupt=reason)

    def _reason(self, error: OSError) -> str:
        """Why the file or its folder cannot be used, in words: 'F is not a folder' where the
        system says 'File exists' or 'Not a directory'."""
        if isinstance(error, (FileExistsError, NotADirectoryError)):
            for folder in (self.folder, *self.folder.parents):
                if folder.exists() and not folder.is_dir():
                    return f"{folder} is not a folder"
        return error.strerror or str(error)

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

    def holds(self, quiz: QuizRecord) -> bool:
        """Whether the file records `quiz`: what a save cut short by Ctrl-C achieved."""
        try:
            return quiz_document(quiz) in self.read().quizzes
        except Unusable:
            return False

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

    def _write(self, document: Mapping[str, Any],
               in_content: Callable[[str], bool] | None = None,
               answered: Collection[str] = ()) -> bool:
        from binatsec.fileio import atomic_write, size_in_words

        kept = bounded(document, in_content, answered)
        if kept is None:
            self.warn(f"quiz history {self.path} would be larger than "
                      f"{size_in_words(WRITE_BYTES)}, the most binatsec writes, even after "
                      "dropping every card and old score; left it as it is, and this quiz "
                      "was not saved")
            return False
        try:
            atomic_write(self.path, kept.data, durable=True)
        except OSError as error:
            self.warn(f"cannot save quiz history to {self.path}: "
                      f"{self._reason(error)}; your score was not recorded")
            return False
        dropped = kept.summary()
        if dropped:
            self.warn(f"quiz history {self.path}: to stay within {KEEP_CARDS:,} questions and "
                      f"{size_in_words(WRITE_BYTES)}, dropped {dropped}")
        return True

    def add(self, quiz: QuizRecord, outcomes: Iterable[Outcome], at: datetime | None = None,
            in_content: Callable[[str], bool] | None = None) -> bool:
        """Record one quiz, its answers given at `at` (else now, by the store's clock): holding
        the lock, read the latest file, add to it, write it back within bounds (`in_content`
        says which question ids the content in use has: see `bounded`). False (and one
        warning) if it was not recorded; the file is then left as it was."""
        from binatsec.fileio import RefusedFile, ensure_regular_file

        outcomes = list(outcomes)
        when = at if at is not None else self.clock()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self.warn(f"cannot save quiz history to {self.path}: "
                      f"{self._reason(error)}; your score was not recorded")
            return False
        # Checked before filelock sees it: filelock would wait out LOCK_TIMEOUT on a folder
        # where no file can be made (/proc/self/fd) and blame another binatsec, and would
        # open a device for writing.
        try:
            ensure_regular_file(self.lock_path)
        except RefusedFile as refused:
            self.warn(f"cannot lock quiz history: {self.lock_path} {refused.strerror}; "
                      "this quiz was not saved")
            return False
        except OSError as error:
            self.warn(f"cannot lock quiz history: cannot create {self.lock_path}: "
                      f"{self._reason(error)}; this quiz was not saved")
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
            return self._add_locked(quiz, outcomes, when, in_content)
        finally:
            lock.release()

    def _add_locked(self, quiz: QuizRecord, outcomes: list[Outcome], at: datetime,
                    in_content: Callable[[str], bool] | None) -> bool:
        from binatsec.fileio import remove_leftovers

        # Every save holds the lock, so no copy being written now can be another's: any
        # there are the litter of saves killed (SIGKILL, SIGTERM, SIGHUP) before the rename.
        remove_leftovers(self.path)
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
        return self._write(reading.with_quiz(quiz, outcomes, at), in_content,
                           {outcome.question_id for outcome in outcomes})
