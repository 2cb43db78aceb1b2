"""Quiz history: where it lives, the review schedule, atomic writes under a lock, and files
this version cannot read, does not understand in full, or must not write over."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from binatsec.environment import DATA_DIR_ENV, DataDirError, Folders
from binatsec.errors import NOT_SAVED
from binatsec.quiz import history
from binatsec.quiz.history import History, HistoryStore, Outcome, QuizRecord
from conftest import Run

NOON = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _no_wall_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever asks the history for the time here gets NOON, never the wall clock."""
    monkeypatch.setattr(history, "utc_now", lambda: NOON)


def _quiz(score: int = 1, total: int = 2, missed: tuple[str, ...] = ()) -> QuizRecord:
    return QuizRecord(finished_at="2024-05-01T12:00:00Z", topic="all", seed=7, score=score,
                      total=total, planned=total, complete=True, missed=missed)


class Warnings(list[str]):
    def __call__(self, message: str) -> None:
        self.append(message)


@pytest.fixture
def warnings() -> Warnings:
    return Warnings()


@pytest.fixture
def store(tmp_path: Path, warnings: Warnings) -> HistoryStore:
    return HistoryStore(tmp_path / "data", warn=warnings, clock=lambda: NOON)


# --- where ----------------------------------------------------------------------------------


def test_the_environment_moves_the_data_folder(tmp_path: Path) -> None:
    assert Folders({DATA_DIR_ENV: str(tmp_path)}).data() == tmp_path
    default = Folders({}).data()
    assert default.name == "binatsec"
    assert default.is_absolute()


def test_a_data_folder_for_an_unknown_user_is_a_clear_error(cli: Callable[..., Run]) -> None:
    with pytest.raises(DataDirError, match="BINATSEC_DATA_DIR '~nosuchuser-x/y'"):
        Folders({DATA_DIR_ENV: "~nosuchuser-x/y"}).data()
    result = cli("quiz", "history", env={DATA_DIR_ENV: "~nosuchuser-x/y"})
    assert result.exit_code == 2 and "BINATSEC_DATA_DIR '~nosuchuser-x/y'" in result.stderr


# --- the schedule: FSRS, by time ---------------------------------------------------------


def test_a_miss_is_due_at_once_and_a_right_answer_days_later() -> None:
    missed = history.schedule(None, correct=False, at=NOON)
    assert (missed.state, missed.due, missed.last_missed) == ("learning", "2024-05-01T12:00:00Z",
                                                              "2024-05-01T12:00:00Z")
    assert missed.missed_last
    right = history.schedule(None, correct=True, at=NOON)
    assert right.state == "review" and not right.missed_last
    assert history.moment_of(right.due) - NOON >= DAY  # days, not "the next quiz"
    assert right == history.schedule(None, correct=True, at=NOON)  # no fuzz, no wall clock


def test_each_right_answer_on_time_puts_the_question_off_for_longer() -> None:
    card = history.schedule(None, correct=True, at=NOON)
    waits = []
    for _ in range(5):
        waits.append(history.moment_of(card.due) - history.moment_of(card.last_review or ""))
        card = history.schedule(card, correct=True, at=history.moment_of(card.due))
    assert waits == sorted(waits) and len(set(waits)) == len(waits)
    assert waits[-1] > 30 * DAY
    lapsed = history.schedule(card, correct=False, at=history.moment_of(card.due))
    assert lapsed.state == "relearning" and lapsed.due == lapsed.last_review
    assert lapsed.last_missed == lapsed.last_review
    relearned = history.schedule(lapsed, correct=True,
                                 at=history.moment_of(lapsed.due) + timedelta(hours=1))
    assert relearned.state == "review" and relearned.last_missed == lapsed.last_missed
    assert not relearned.missed_last


def test_quick_quizzes_make_only_their_misses_due() -> None:
    """The issue: three quick quizzes made 13 questions due, right answers included."""
    played = History()
    ids = [f"faq.q{n}#answer" for n in range(13)]
    for number in range(3):
        at = NOON + timedelta(minutes=5 * number)
        outcomes = [Outcome(qid, correct=qid != ids[number]) for qid in ids]
        played = played.record(_quiz(), outcomes, at)
    later = NOON + timedelta(minutes=20)
    # The first two misses were answered right since; only the last is due.
    assert played.due(later) == [ids[2]]
    days_later = played.due(later + 2 * DAY)  # ... and the rest days later, the miss first
    assert days_later[0] == ids[2] and sorted(days_later) == sorted(ids)
    assert played.played == 3


def test_due_questions_missed_most_recently_come_first() -> None:
    played = History()
    played = played.record(_quiz(), [Outcome("faq.a#answer", False),
                                      Outcome("myth.b#myth", True)], NOON)
    played = played.record(_quiz(), [Outcome("stat.c#figure", False),
                                      Outcome("faq.d#answer", False)], NOON + DAY)
    assert played.played == 2
    # Misses first, the newest first (ties by id); myth.b is due only days after NOON.
    assert played.due(NOON + DAY) == ["faq.d#answer", "stat.c#figure", "faq.a#answer"]
    soon = played.upcoming(NOON + DAY)
    assert [ids for _, ids in soon] == [["myth.b#myth"]]
    day = history.moment_of(played.cards["myth.b#myth"].due)
    assert soon[0][0] == day.strftime("%Y-%m-%d")
    assert played.due(day)[-1] == "myth.b#myth"  # known ones come after the misses
    played = played.record(_quiz(), [Outcome(qid, True) for qid in played.cards], day)
    assert played.due(day) == []
    assert all(day < history.moment_of(card.due) for card in played.cards.values())


def test_upcoming_groups_questions_by_the_day_they_fall_due() -> None:
    card = history.schedule(None, correct=True, at=NOON)
    cards = {"faq.a#answer": card, "faq.b#answer": card._replace(due="2024-05-09T01:00:00Z"),
             "faq.c#answer": card._replace(due="2024-05-09T00:30:00Z"),
             "faq.d#answer": card._replace(due="2024-05-01T11:00:00Z")}
    shown = History(cards=cards)
    assert shown.due(NOON) == ["faq.d#answer"]
    assert shown.upcoming(NOON) == [(card.due[:10], ["faq.a#answer"]),
                                    ("2024-05-09", ["faq.c#answer", "faq.b#answer"])]


def test_only_the_newest_scores_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history, "KEEP_QUIZZES", 3)
    played = History()
    for score in range(5):
        played = played.record(_quiz(score=score, total=5), [], NOON)
    assert [q.score for q in played.quizzes] == [2, 3, 4]
    assert played.played == 5


def test_fsrs_is_imported_only_to_schedule(tmp_path: Path) -> None:
    code = ("import sys\n"
            "from binatsec.quiz import history\n"
            "from binatsec.cli import quiz\n"
            "from binatsec.cli.app import app\n"
            "app(['quiz', 'history', '--json'], standalone_mode=False)\n"
            "assert 'fsrs' not in sys.modules, 'history read'\n"
            "app(['quiz', '--json', '--answers', 'a', '--count', '1', '--topic', 'pillars'], "
            "standalone_mode=False)\n"
            "print('fsrs' in sys.modules, file=sys.stderr)\n")
    env = {**os.environ, "BINATSEC_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, check=True)
    assert done.stderr.strip() == "True"  # saving the quiz needed it


# --- the file -------------------------------------------------------------------------------


def test_no_file_is_an_empty_history(store: HistoryStore, warnings: Warnings) -> None:
    assert store.load() == History()
    assert warnings == []
    assert not store.folder.exists()  # reading never creates anything


def test_saved_history_reads_back_the_same(store: HistoryStore, warnings: Warnings) -> None:
    saved = History().record(_quiz(missed=("faq.a#answer",)), [Outcome("faq.a#answer", False),
                                                                Outcome("faq.b#answer", True)],
                             NOON)
    assert store.save(saved)
    assert store.load() == saved
    assert json.loads(store.path.read_text(encoding="utf-8"))["format"] == history.FORMAT
    assert [p.name for p in store.folder.iterdir()] == ["history.json"]  # no temp files left
    assert warnings == []


def test_add_reads_the_latest_file_before_writing(store: HistoryStore) -> None:
    assert store.add(_quiz(score=1), [Outcome("faq.a#answer", True)])
    assert store.add(_quiz(score=2), [Outcome("faq.a#answer", False)], at=NOON + DAY)
    loaded = store.load()
    assert [q.score for q in loaded.quizzes] == [1, 2]
    card = loaded.cards["faq.a#answer"]
    assert card.state == "relearning" and card.missed_last
    assert card.due == card.last_missed == "2024-05-02T12:00:00Z"


def test_a_failed_write_leaves_the_old_file_whole(
        store: HistoryStore, warnings: Warnings, monkeypatch: pytest.MonkeyPatch) -> None:
    assert store.add(_quiz(score=1), [])
    before = store.path.read_bytes()

    def full_disk(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    assert store.add(_quiz(score=2), []) is False
    assert store.path.read_bytes() == before
    # No temporary file is left; the lock file beside the history stays, as locks do.
    assert sorted(p.name for p in store.folder.iterdir()) == ["history.json",
                                                              "history.json.lock"]
    assert len(warnings) == 1
    assert "cannot save quiz history" in warnings[0] and "No space left" in warnings[0]


def test_an_unwritable_folder_is_a_warning_not_a_crash(tmp_path: Path,
                                                       warnings: Warnings) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    store = HistoryStore(blocker / "data", warn=warnings)
    assert store.save(History()) is False
    assert warnings and "your score was not recorded" in warnings[0]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "history.json.lock"}


def _write(store: HistoryStore, content: bytes | dict[str, object]) -> bytes:
    data = content if isinstance(content, bytes) else json.dumps(content).encode("utf-8")
    store.folder.mkdir(parents=True, exist_ok=True)
    store.path.write_bytes(data)
    return data


GOOD_QUIZ = {"finished_at": "2024-04-01T10:00:00Z", "topic": "myths", "seed": 3, "score": 1,
             "total": 2, "planned": 2, "complete": True, "review": False,
             "missed": ["myth.b#myth"]}
# A question missed in GOOD_QUIZ, as format 2 keeps it.
GOOD_CARD: dict[str, object] = {
    "state": "learning", "due": "2024-04-01T10:00:00Z", "step": 0, "stability": 0.212,
    "difficulty": 6.4133, "last_review": "2024-04-01T10:00:00Z",
    "last_missed": "2024-04-01T10:00:00Z"}


# --- corrupt: not a JSON object at all --------------------------------------------------------


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe garbage", b"[]", b'"text"',
                                     b"[" * 100_000])
def test_a_corrupt_file_is_reported_by_reading_and_moved_aside_only_by_a_save(
        store: HistoryStore, warnings: Warnings, content: bytes) -> None:
    _write(store, content)
    assert store.load() == History()
    assert len(warnings) == 1
    assert "is corrupt" in warnings[0] and "left it as it is" in warnings[0]
    assert _files(store.folder) == {"history.json": content}  # reading moves nothing
    warnings.clear()
    assert store.add(_quiz(), [])
    aside = store.folder / "history.json.corrupt-20240501T120000Z"
    assert aside.read_bytes() == content
    assert len(warnings) == 1
    assert "is corrupt" in warnings[0] and aside.name in warnings[0]
    assert store.load().played == 1  # ... and the quiz went on: a new, valid file


def test_a_second_corrupt_file_does_not_overwrite_the_first(store: HistoryStore) -> None:
    _write(store, b"first")
    assert store.add(_quiz(), [])
    store.path.write_text("second", encoding="utf-8")
    assert store.add(_quiz(), [])
    asides = sorted(p.name for p in store.folder.glob("history.json.corrupt-*"))
    assert asides == ["history.json.corrupt-20240501T120000Z",
                      "history.json.corrupt-20240501T120000Z-2"]
    contents = {(store.folder / name).read_text(encoding="utf-8") for name in asides}
    assert contents == {"first", "second"}


def test_a_corrupt_file_that_cannot_be_moved_aside_is_not_written_over(
        store: HistoryStore, warnings: Warnings, monkeypatch: pytest.MonkeyPatch) -> None:
    content = _write(store, b"{not json")

    def refuse(self: Path, target: Path) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "rename", refuse)
    assert store.add(_quiz(), []) is False
    assert _files(store.folder) == {"history.json": content}
    assert len(warnings) == 1 and "this quiz was not saved" in warnings[0]


# --- format 1: counted in quizzes, converted --------------------------------------------------


def _v1_quiz(day: int, seed: int) -> dict[str, object]:
    return GOOD_QUIZ | {"finished_at": f"2024-04-0{day}T10:00:00Z", "seed": seed}


V1 = {"format": 1, "played": 3,
      "quizzes": [_v1_quiz(1, 1), _v1_quiz(2, 2), _v1_quiz(3, 3)],
      "cards": {
          "myth.b#myth": {"box": 1, "due": 4, "last_missed": 3},  # missed in quiz 3
          "faq.a#answer": {"box": 3, "due": 7, "last_missed": None},  # right in quizzes 2, 3
          "stat.c#figure": {"box": 2, "due": 4, "last_missed": 1},  # missed in 1, right in 2
          "x": {"box": 1, "due": 2}},  # not a question id: kept as it is
      "note": "kept by hand"}


def test_a_format_1_history_is_read_and_its_cards_converted(store: HistoryStore,
                                                            warnings: Warnings) -> None:
    before = _write(store, V1)
    loaded = store.load()
    assert [q.seed for q in loaded.quizzes] == [1, 2, 3] and loaded.played == 3
    assert warnings == [f"quiz history {store.path}: skipped 1 entry this version does not "
                        "understand"]
    assert store.path.read_bytes() == before  # reading converts in memory only
    third, second, first = (datetime(2024, 4, day, 10, tzinfo=timezone.utc) for day in (3, 2, 1))
    myth = loaded.cards["myth.b#myth"]
    assert myth.state == "learning" and myth.missed_last
    assert myth.due == myth.last_review == "2024-04-03T10:00:00Z"
    # Two right answers in a row, the last in quiz 3: FSRS's card for that run.
    assert loaded.cards["faq.a#answer"] == history.replayed(2, False, third)
    faq = loaded.cards["faq.a#answer"]
    assert faq.state == "review" and faq.last_review == "2024-04-03T10:00:00Z"
    assert history.moment_of(faq.due) > third + DAY
    stat = loaded.cards["stat.c#figure"]
    assert stat == history.replayed(1, True, second, first)
    assert (stat.last_review, stat.last_missed) == ("2024-04-02T10:00:00Z",
                                                    "2024-04-01T10:00:00Z")
    # Review order holds: the question missed in the last quiz first.
    assert loaded.due(NOON)[0] == "myth.b#myth"


def test_a_format_1_history_is_written_back_as_format_2_losing_nothing(
        store: HistoryStore, warnings: Warnings) -> None:
    _write(store, V1)
    converted = store.load().cards
    warnings.clear()
    assert store.add(_quiz(score=2), [Outcome("myth.b#myth", True)])
    assert warnings == []
    after = json.loads(store.path.read_text(encoding="utf-8"))
    assert after["format"] == history.FORMAT == 2
    assert after["played"] == 4
    assert after["quizzes"] == [*V1["quizzes"], history.quiz_document(_quiz(score=2))]
    assert after["note"] == "kept by hand"
    assert after["cards"]["x"] == {"box": 1, "due": 2}
    for qid in ("faq.a#answer", "stat.c#figure"):
        assert after["cards"][qid] == history.card_document(converted[qid])
    assert after["cards"]["myth.b#myth"] == history.card_document(
        history.schedule(converted["myth.b#myth"], correct=True, at=NOON))
    again = store.load()  # and format 2 reads back as it was written
    assert again.cards["faq.a#answer"] == converted["faq.a#answer"]


def test_format_1_cards_of_quizzes_no_longer_kept_are_due_now(store: HistoryStore) -> None:
    _write(store, V1 | {"played": 600, "cards": {"faq.a#answer": {"box": 5, "due": 30},
                                                  "myth.b#myth": {"box": 1, "due": 2,
                                                                  "last_missed": 1}}})
    loaded = store.load()
    # Quiz 1 and quiz 14 are long gone: their time is taken as the newest quiz's.
    assert loaded.cards["myth.b#myth"].last_review == "2024-04-03T10:00:00Z"
    faq = loaded.cards["faq.a#answer"]
    assert faq == history.replayed(4, False, datetime(2024, 4, 3, 10, tzinfo=timezone.utc))


# --- unreadable: never written over ---------------------------------------------------------


def _unreadable(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    """Opening `target` fails as it would without permission (tests run as root)."""
    real_open = os.open

    def open_(path: str | Path, flags: int, *args: int, **kwargs: object) -> int:
        if Path(path) == target:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", open_)


def test_an_unreadable_file_is_kept_and_the_quiz_not_saved(
        store: HistoryStore, warnings: Warnings, monkeypatch: pytest.MonkeyPatch) -> None:
    assert store.add(_quiz(score=1), [Outcome("faq.a#answer", True)])
    before = _files(store.folder)
    _unreadable(monkeypatch, store.path)
    assert store.load() == History()
    assert warnings == [f"cannot read quiz history {store.path}: Permission denied; "
                        "left it as it is"]
    warnings.clear()
    assert store.add(_quiz(score=2), []) is False
    assert len(warnings) == 1
    assert "cannot read" in warnings[0] and "this quiz was not saved" in warnings[0]
    monkeypatch.undo()
    assert _files(store.folder) == before


def test_a_quiz_on_an_unreadable_history_reports_saved_false(
        cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        run_environ: dict[str, str]) -> None:
    folder = tmp_path / "cli-data"
    run_environ[DATA_DIR_ENV] = str(folder)
    store = HistoryStore(folder, warn=lambda message: None)
    assert store.add(_quiz(), [])
    before = store.path.read_bytes()
    _unreadable(monkeypatch, store.path)
    result = cli("quiz", "--topic", "myths", "--count", "2", "--seed", "5", "--answers", "m,m",
                 "--json")
    assert result.exit_code == NOT_SAVED  # not 0: a script must learn it was not recorded
    document = json.loads(result.stdout)
    assert document["saved"] is False and document["total"] == 2  # the result still printed
    assert len(result.stderr.splitlines()) == 1
    assert "cannot read quiz history" in result.stderr and "not saved" in result.stderr
    assert "carrying on" not in result.stderr
    monkeypatch.undo()
    assert store.path.read_bytes() == before


# --- reading is not repairing ---------------------------------------------------------------


def test_entries_this_version_does_not_understand_are_skipped_and_kept_verbatim(
        store: HistoryStore, warnings: Warnings) -> None:
    unknown_topic = GOOD_QUIZ | {"topic": "ghosts", "seed": 4}
    odd_quizzes = [unknown_topic, {"topic": "all"}, "a note",
                   GOOD_QUIZ | {"finished_at": "2024-04-01T10:00:00Z\n"}]
    odd_cards = {"x": GOOD_CARD, "faq.a#answer": {"box": "1"},
                 "faq.b#answer\n": GOOD_CARD, "stat.c#figure": [1],
                 "stat.d#figure": GOOD_CARD | {"state": "review"},  # a review has no step
                 "stat.e#figure": GOOD_CARD | {"stability": -1.0}}
    content: dict[str, object] = {
        "format": 2, "played": 4, "quizzes": [GOOD_QUIZ, *odd_quizzes],
        "cards": {"myth.b#myth": GOOD_CARD, **odd_cards},
        "note": "kept by hand"}
    before = _write(store, content)
    loaded = store.load()
    assert [q.seed for q in loaded.quizzes] == [3]
    assert list(loaded.cards) == ["myth.b#myth"] and loaded.played == 4
    assert warnings == [f"quiz history {store.path}: skipped 10 entries this version does "
                        "not understand"]
    assert store.path.read_bytes() == before  # reading rewrites nothing, moves nothing
    assert not list(store.folder.glob("*.corrupt-*"))
    warnings.clear()
    assert store.add(_quiz(score=2), [Outcome("myth.b#myth", True),
                                      Outcome("faq.a#answer", False)])
    assert warnings == []
    after = json.loads(store.path.read_text(encoding="utf-8"))
    assert after["played"] == 5
    assert after["quizzes"] == [GOOD_QUIZ, *odd_quizzes, history.quiz_document(_quiz(score=2))]
    # Every card is kept as found, except the ones this quiz answered (they are scheduled anew).
    assert {qid: card for qid, card in after["cards"].items()
            if qid not in ("faq.a#answer", "myth.b#myth")} == {
        qid: card for qid, card in odd_cards.items() if qid != "faq.a#answer"}
    assert after["cards"]["faq.a#answer"] == history.card_document(
        history.schedule(None, correct=False, at=NOON))
    relearned = history.schedule(history.Card(**GOOD_CARD), correct=True, at=NOON)
    assert after["cards"]["myth.b#myth"] == history.card_document(relearned)
    assert relearned.last_missed == GOOD_CARD["last_missed"]
    assert after["note"] == "kept by hand"
    assert not list(store.folder.glob("*.corrupt-*"))


def test_a_history_from_a_newer_binatsec_is_read_but_never_written_over(
        store: HistoryStore, warnings: Warnings) -> None:
    content = {"format": 3, "played": 2, "quizzes": [GOOD_QUIZ, {"new": "shape"}],
               "cards": {"myth.b#myth": GOOD_CARD}, "streak": 9}
    before = _write(store, content)
    loaded = store.load()
    assert [q.seed for q in loaded.quizzes] == [3] and loaded.played == 2
    assert len(warnings) == 2
    assert "newer binatsec (format 3; this one writes 2)" in warnings[0]
    assert "skipped 1 entry this version does not understand" in warnings[1]
    warnings.clear()
    assert store.add(_quiz(), []) is False
    assert len(warnings) == 1
    assert "newer binatsec" in warnings[0] and "this quiz was not saved" in warnings[0]
    assert _files(store.folder) == {"history.json": before}


@pytest.mark.parametrize("content", [
    {"format": 1, "played": 0, "quizzes": "none", "cards": {}},
    {"format": 1, "played": -1, "quizzes": [], "cards": {}},
    {"format": 1, "played": 0, "quizzes": [], "cards": []},
    {"played": 1, "quizzes": [GOOD_QUIZ], "cards": {}},
    {"format": "1", "played": 1, "quizzes": [GOOD_QUIZ], "cards": {}},
])
def test_a_layout_this_version_does_not_know_is_read_but_never_written_over(
        store: HistoryStore, warnings: Warnings, content: dict[str, object]) -> None:
    before = _write(store, content)
    loaded = store.load()
    assert [q.seed for q in loaded.quizzes] == ([3] if content["quizzes"] == [GOOD_QUIZ]
                                                else [])
    assert warnings and "is not laid out as this binatsec writes it" in warnings[0]
    warnings.clear()
    assert store.add(_quiz(), []) is False
    assert len(warnings) == 1 and "this quiz was not saved" in warnings[0]
    assert _files(store.folder) == {"history.json": before}


def test_quiz_history_only_reads(cli: Callable[..., Run], tmp_path: Path,
                                 run_environ: dict[str, str]) -> None:
    folder = tmp_path / "cli-data"
    run_environ[DATA_DIR_ENV] = str(folder)
    store = HistoryStore(folder, warn=lambda message: None)
    newer = _write(store, {"format": 3, "played": 1, "quizzes": [GOOD_QUIZ | {"topic": "x"}],
                           "cards": {}})
    shown = cli("quiz", "history", "--json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["quizzes"] == []
    assert "newer binatsec" in shown.stderr and "skipped 1 entry" in shown.stderr
    played = cli("quiz", "--topic", "myths", "--count", "2", "--seed", "5", "--answers", "m,m",
                 "--json")
    assert played.exit_code == NOT_SAVED and json.loads(played.stdout)["saved"] is False
    assert _files(folder) == {"history.json": newer}
    corrupt = _write(store, b"{not json")
    shown = cli("quiz", "history")
    assert shown.exit_code == 0 and "is corrupt" in shown.stderr
    assert _files(folder) == {"history.json": corrupt}  # left where it is


# --- bounded reading ------------------------------------------------------------------------


def test_a_file_over_the_size_cap_is_refused_and_kept(
        store: HistoryStore, warnings: Warnings, monkeypatch: pytest.MonkeyPatch) -> None:
    assert store.add(_quiz(), [])
    size = store.path.stat().st_size
    monkeypatch.setattr(history, "MAX_BYTES", size)
    assert store.load().played == 1  # at the cap: still read
    monkeypatch.setattr(history, "MAX_BYTES", size - 1)
    before = _files(store.folder)
    assert store.load() == History()
    assert len(warnings) == 1 and f"is larger than {size - 1} bytes" in warnings[0]
    warnings.clear()
    assert store.add(_quiz(), []) is False
    assert len(warnings) == 1 and "this quiz was not saved" in warnings[0]
    assert _files(store.folder) == before


def test_the_largest_file_read_is_parsed_quickly_and_shown_in_part(
        store: HistoryStore, warnings: Warnings) -> None:
    quizzes = [GOOD_QUIZ | {"seed": n} for n in range(20_000)]
    data = _write(store, {"format": 1, "played": 20_000, "quizzes": quizzes, "cards": {}})
    assert len(data) < history.MAX_BYTES
    started = time.perf_counter()
    loaded = store.load()
    assert time.perf_counter() - started < 3  # about 0.1 s: one pass, no quadratic work
    assert loaded.played == 20_000 and warnings == []
    assert [q.seed for q in loaded.quizzes] == list(range(20_000 - history.KEEP_QUIZZES, 20_000))


# --- ids match whole ------------------------------------------------------------------------


@pytest.mark.parametrize("tail", ["\n", "\r\n", "!", " "])
def test_ids_and_stamps_must_match_whole(store: HistoryStore, warnings: Warnings,
                                         tail: str) -> None:
    _write(store, {"format": 2, "played": 3, "quizzes": [
        GOOD_QUIZ | {"finished_at": "2024-04-01T10:00:00Z" + tail},
        GOOD_QUIZ | {"missed": ["myth.b#myth" + tail]},
        GOOD_QUIZ | {"seed": 8}],
        "cards": {"myth.b#myth" + tail: GOOD_CARD, "myth.c#myth": GOOD_CARD}})
    loaded = store.load()
    assert [q.seed for q in loaded.quizzes] == [8]
    assert list(loaded.cards) == ["myth.c#myth"]
    assert warnings == [f"quiz history {store.path}: skipped 3 entries this version does "
                        "not understand"]


# --- saving under a lock --------------------------------------------------------------------


def test_a_lock_held_too_long_is_a_warning_and_nothing_is_saved(
        store: HistoryStore, warnings: Warnings, monkeypatch: pytest.MonkeyPatch) -> None:
    from filelock import FileLock

    assert store.add(_quiz(score=1), [])
    before = _files(store.folder)
    monkeypatch.setattr(history, "LOCK_TIMEOUT", 0.2)
    with FileLock(store.lock_path):
        assert store.add(_quiz(score=2), []) is False
    assert len(warnings) == 1
    assert "still locked" in warnings[0] and "this quiz was not saved" in warnings[0]
    assert _files(store.folder) == before
    assert store.add(_quiz(score=3), [])  # free again
    assert [q.score for q in store.load().quizzes] == [1, 3]


PARALLEL = 16


def test_quizzes_saved_at_the_same_time_are_all_recorded(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("binatsec")
    if not script.is_file():
        pytest.skip(f"no installed console script at {script}")
    folder = tmp_path / "parallel"
    env = {k: v for k, v in os.environ.items() if k != "BINATSEC_CONTENT_DIR"}
    env["BINATSEC_DATA_DIR"] = str(folder)
    runs = [subprocess.Popen([str(script), "quiz", "--topic", "myths", "--count", "2",
                              "--seed", str(seed), "--answers", "m,m", "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
            for seed in range(1, PARALLEL + 1)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0] * PARALLEL, [err for _, err in outputs]
    assert all(json.loads(out)["saved"] is True for out, _ in outputs)
    assert all(err == b"" for _, err in outputs)
    saved = json.loads((folder / "history.json").read_text(encoding="utf-8"))
    assert saved["played"] == PARALLEL
    assert sorted(q["seed"] for q in saved["quizzes"]) == list(range(1, PARALLEL + 1))
    assert sorted(p.name for p in folder.iterdir()) == ["history.json", "history.json.lock"]


# --- bounded writing: what binatsec writes, it reads (issue 14) ----------------------------


def _card_at(day: int) -> dict[str, object]:
    """A card last reviewed `day` days after 2024-01-01 (a later day: reviewed more lately)."""
    stamp = history.timestamp(datetime(2024, 1, 1, tzinfo=timezone.utc) + day * DAY)
    return GOOD_CARD | {"due": stamp, "last_review": stamp, "last_missed": stamp}


def _in_bundled(qid: str) -> bool:
    return not qid.startswith("faq.gone-")


def test_a_history_grown_past_the_card_cap_is_written_back_within_bounds(
        store: HistoryStore, warnings: Warnings) -> None:
    """The issue: cards were never trimmed, so a large folder of one's own content grew the
    file past the read bound; from then on no quiz was saved."""
    gone = {f"faq.gone-{n}#answer": _card_at(n % 100) for n in range(4_000)}
    kept = {f"faq.kept-{n}#answer": _card_at(n % 100) for n in range(7_000)}
    kept["faq.new#answer"] = _card_at(400)  # reviewed "later" than now: the clock was wrong
    content = _write(store, {"format": 2, "played": 1, "quizzes": [GOOD_QUIZ],
                             "cards": gone | kept})
    assert len(content) < history.MAX_BYTES  # readable: binatsec 0.1 wrote files like it
    assert store.add(_quiz(), [Outcome("faq.new#answer", False)], in_content=_in_bundled)
    written = store.path.read_bytes()
    assert len(written) <= history.WRITE_BYTES <= history.MAX_BYTES // 4
    cards = json.loads(written)["cards"]
    assert len(cards) == history.KEEP_CARDS
    assert "faq.new#answer" in cards  # what was just answered stays
    assert not any(qid.startswith("faq.gone-") for qid in cards)  # outside the content: first
    # ... then the longest unreviewed: every card kept was reviewed after every card dropped.
    dropped = set(kept) - set(cards)
    assert max(kept[qid]["last_review"] for qid in dropped) <= min(  # type: ignore[type-var]
        kept[qid]["last_review"] for qid in cards if qid in kept)
    assert warnings == [f"quiz history {store.path}: to stay within 2,500 questions and 1.25 MB, "
                        f"dropped the review schedule of 8,501 questions (4,000 not in this "
                        f"content, 4,501 last reviewed on or before "
                        f"{max(kept[q]['last_review'] for q in dropped)[:10]})"]  # type: ignore[index]
    assert store.read().skipped == 0  # and binatsec reads back all it wrote


def test_cards_go_in_order_not_understood_then_outside_the_content_then_the_oldest(
        store: HistoryStore, warnings: Warnings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history, "KEEP_CARDS", 3)
    _write(store, {"format": 2, "played": 0, "quizzes": [], "cards": {
        "faq.kept-old#answer": _card_at(1), "faq.kept-mid#answer": _card_at(5),
        "faq.gone-new#answer": _card_at(9), "faq.kept-new#answer": _card_at(8),
        "faq.odd#answer": {"state": "unknown"}}})
    assert store.add(_quiz(), [Outcome("faq.kept-now#answer", True)], in_content=_in_bundled)
    cards = json.loads(store.path.read_bytes())["cards"]
    assert sorted(cards) == ["faq.kept-mid#answer", "faq.kept-new#answer", "faq.kept-now#answer"]
    assert len(warnings) == 1 and "the review schedule of 3 questions (1 this version cannot " \
        "read, 1 not in this content, 1 last reviewed on or before 2024-01-02)" in warnings[0]


def test_cards_outside_the_content_are_kept_while_there_is_room(store: HistoryStore,
                                                                  warnings: Warnings) -> None:
    """Binatsec doesn't remember every folder it was used with: switching between two must
    lose nothing until the file has to shrink."""
    _write(store, {"format": 2, "played": 0, "quizzes": [],
                   "cards": {"faq.gone-a#answer": _card_at(1)}})
    assert store.add(_quiz(), [Outcome("faq.b#answer", True)], in_content=_in_bundled)
    assert sorted(store.load().cards) == ["faq.b#answer", "faq.gone-a#answer"]
    assert warnings == []


def test_past_the_byte_budget_old_scores_go_before_cards_and_never_the_newest(
        store: HistoryStore, warnings: Warnings, monkeypatch: pytest.MonkeyPatch) -> None:
    missed = [f"faq.q{n}#answer" for n in range(400)]  # a long quiz, every answer wrong
    _write(store, {"format": 2, "played": 5, "quizzes": [GOOD_QUIZ | {"seed": n,
                                                                     "missed": missed}
                                                         for n in range(5)],
                   "cards": {"faq.a#answer": _card_at(1)}})
    monkeypatch.setattr(history, "WRITE_BYTES", 30_000)  # room for about two such quizzes
    assert store.add(_quiz(missed=tuple(missed)), [])
    written = store.path.read_bytes()
    assert len(written) <= 30_000
    saved = json.loads(written)
    assert [q["seed"] for q in saved["quizzes"]][-1] == 7  # the quiz just played
    assert len(saved["quizzes"]) < 6 and list(saved["cards"]) == ["faq.a#answer"]
    assert saved["played"] == 6  # the count of quizzes ever played is not trimmed
    assert len(warnings) == 1 and "old scores" in warnings[0]


def test_a_document_that_cannot_fit_is_not_written(store: HistoryStore, warnings: Warnings,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    before = _write(store, {"format": 2, "played": 0, "quizzes": [], "cards": {},
                            "notes": "x" * 2_000})  # kept verbatim, never dropped
    monkeypatch.setattr(history, "WRITE_BYTES", 1_000)
    assert store.add(_quiz(), [Outcome("faq.a#answer", True)]) is False
    assert store.path.read_bytes() == before
    assert len(warnings) == 1 and "would be larger than 1,000 bytes" in warnings[0]
    assert "this quiz was not saved" in warnings[0]


def test_a_lone_surrogate_kept_from_the_file_is_written_back_escaped(
        store: HistoryStore) -> None:
    """Kept verbatim, it has no UTF-8 form: writing it raised UnicodeEncodeError (exit 70)."""
    _write(store, b'{"format": 2, "played": 0, "quizzes": [], "cards": {}, "note": "\\ud800"}')
    assert store.add(_quiz(), [])
    assert json.loads(store.path.read_bytes())["note"] == "\ud800"


# --- no hangs, no litter, no lies (issue 14) ----------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("name", ["history.json", "history.json.lock"])
def test_a_fifo_in_place_of_the_history_or_its_lock_is_refused_at_once(
        store: HistoryStore, warnings: Warnings, name: str) -> None:
    store.folder.mkdir(parents=True)
    os.mkfifo(store.folder / name)
    started = time.perf_counter()
    if name == "history.json":
        assert store.load() == History()
        assert warnings == [f"quiz history {store.path} is a FIFO (named pipe), not a regular "
                            "file; left it as it is"]
        warnings.clear()
    assert store.add(_quiz(), []) is False
    assert time.perf_counter() - started < 2
    assert len(warnings) == 1 and "is a FIFO (named pipe), not a regular file" in warnings[0]
    assert "this quiz was not saved" in warnings[0]
    assert stat.S_ISFIFO((store.folder / name).lstat().st_mode)  # left as it was


def test_a_link_in_place_of_the_lock_is_named_as_one(store: HistoryStore,
                                                     warnings: Warnings) -> None:
    store.folder.mkdir(parents=True)
    store.lock_path.symlink_to("/dev/stdin")
    assert store.add(_quiz(), []) is False
    assert warnings == [f"cannot lock quiz history: {store.lock_path} is a symbolic link, not a "
                        "regular file; this quiz was not saved"]


def test_a_folder_where_no_lock_can_be_made_says_why_at_once(tmp_path: Path,
                                                             warnings: Warnings) -> None:
    """BINATSEC_DATA_DIR=/proc/self/fd waited 10 s and blamed "another binatsec"."""
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o500)
    store = HistoryStore(folder, warn=warnings)
    started = time.perf_counter()
    try:
        if os.access(folder, os.W_OK):  # root writes anywhere: use a folder no one can
            store = HistoryStore(Path("/proc/self/fd"), warn=warnings)
            if not store.folder.is_dir():
                pytest.skip("needs /proc or a non-root user")
        assert store.add(_quiz(), []) is False
    finally:
        folder.chmod(0o700)
    assert time.perf_counter() - started < 2
    assert len(warnings) == 1 and "another binatsec" not in warnings[0]
    assert warnings[0].startswith(f"cannot lock quiz history: cannot create {store.lock_path}: ")


@pytest.mark.parametrize("nested", [False, True], ids=["file", "under-a-file"])
def test_a_data_folder_that_is_a_file_is_named_as_not_a_folder(tmp_path: Path,
                                                               warnings: Warnings,
                                                               nested: bool) -> None:
    """It said 'File exists' (or 'Not a directory')."""
    blocker = tmp_path / "data"
    blocker.write_text("not a folder", encoding="utf-8")
    store = HistoryStore(blocker / "sub" if nested else blocker, warn=warnings)
    assert store.add(_quiz(), []) is False
    assert store.load() == History()
    assert warnings == [
        f"cannot save quiz history to {store.path}: {blocker} is not a folder; your score was "
        "not recorded",
        f"cannot read quiz history {store.path}: {blocker} is not a folder; left it as it is"]


def test_copies_left_by_killed_saves_are_removed_by_the_next(store: HistoryStore) -> None:
    """SIGKILL, SIGTERM or SIGHUP between writing the copy and renaming it left it forever."""
    assert store.add(_quiz(score=1), [])
    litter = [store.folder / f".history.json-{tag}.tmp" for tag in ("k9x_a1b2", "zz")]
    for path in litter:
        path.write_bytes(store.path.read_bytes())
    others = {".other.json-abc.tmp": b"x", "history.json.corrupt-20240101T000000Z": b"y"}
    for name, data in others.items():
        (store.folder / name).write_bytes(data)
    assert store.add(_quiz(score=2), [])
    assert not any(path.exists() for path in litter)
    assert {name: (store.folder / name).read_bytes() for name in others} == others


def test_a_killed_save_leaves_nothing_the_next_save_keeps(tmp_path: Path) -> None:
    """A real SIGKILL mid-write: the old file is whole and the next save tidies up."""
    folder = tmp_path / "killed"
    code = ("import os, signal, sys\n"
            "from pathlib import Path\n"
            "from binatsec import fileio\n"
            "from binatsec.quiz.history import HistoryStore, QuizRecord\n"
            # Killed at the fsync before the rename: the copy is written whole, not renamed.
            "def fsync(*args, **kwargs):\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n"
            "os.fsync = fsync\n"
            "store = HistoryStore(Path(sys.argv[1]), warn=print)\n"
            "store.add(QuizRecord(finished_at='2024-05-01T12:00:00Z', topic='all', seed=1,"
            " score=1, total=1, planned=1, complete=True), [])\n")
    killed = subprocess.run([sys.executable, "-c", code, str(folder)], check=False, timeout=60)
    assert killed.returncode == -9
    assert [p.name.endswith(".tmp") for p in folder.iterdir()].count(True) == 1
    store = HistoryStore(folder, warn=lambda message: None)
    assert store.add(_quiz(), [])
    assert sorted(p.name for p in folder.iterdir()) == ["history.json", "history.json.lock"]


def test_no_home_folder_at_all_is_a_clear_error_naming_the_variable(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    def no_home(*args: object, **kwargs: object) -> str:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(platformdirs, "user_data_dir", no_home)
    with pytest.raises(DataDirError, match="set BINATSEC_DATA_DIR"):
        Folders({}).data()
