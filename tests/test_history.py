"""Quiz history: where it lives, the review schedule, atomic writes and corrupt files."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from binatsec.quiz import history
from binatsec.quiz.history import Card, History, HistoryStore, Outcome, QuizRecord

NOON = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)


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
    assert history.data_dir({"BINATSEC_DATA_DIR": str(tmp_path)}) == tmp_path
    default = history.data_dir({})
    assert default.name == "binatsec"
    assert default.is_absolute()


# --- the schedule ---------------------------------------------------------------------------


def test_a_miss_goes_back_to_box_one_and_is_due_next_quiz() -> None:
    card = history.schedule(Card(box=4, due=20, last_missed=None), correct=False, quiz_number=9)
    assert card == Card(box=1, due=10, last_missed=9)


def test_each_right_answer_moves_up_a_box_and_doubles_the_wait() -> None:
    card = None
    dues = []
    for number in range(1, 7):
        card = history.schedule(card, correct=True, quiz_number=number)
        dues.append((card.box, card.due - number))
    assert dues == [(2, 2), (3, 4), (4, 8), (5, 16), (5, 16), (5, 16)]


def test_due_questions_missed_most_recently_come_first() -> None:
    played = History()
    played = played.record(_quiz(), [Outcome("faq.a#answer", False),
                                      Outcome("myth.b#myth", True)])
    played = played.record(_quiz(), [Outcome("stat.c#figure", False)])
    assert played.played == 2
    # Quiz 3 is next: both misses are due (the newest first); myth.b waits until quiz 3 too.
    assert played.due() == ["stat.c#figure", "faq.a#answer", "myth.b#myth"]
    played = played.record(_quiz(), [Outcome("stat.c#figure", True),
                                      Outcome("faq.a#answer", True), Outcome("myth.b#myth", True)])
    assert played.due() == []


def test_only_the_newest_scores_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history, "KEEP_QUIZZES", 3)
    played = History()
    for score in range(5):
        played = played.record(_quiz(score=score, total=5), [])
    assert [q.score for q in played.quizzes] == [2, 3, 4]
    assert played.played == 5


# --- the file -------------------------------------------------------------------------------


def test_no_file_is_an_empty_history(store: HistoryStore, warnings: Warnings) -> None:
    assert store.load() == History()
    assert warnings == []
    assert not store.folder.exists()  # reading never creates anything


def test_saved_history_reads_back_the_same(store: HistoryStore, warnings: Warnings) -> None:
    saved = History().record(_quiz(missed=("faq.a#answer",)), [Outcome("faq.a#answer", False)])
    assert store.save(saved)
    assert store.load() == saved
    assert json.loads(store.path.read_text(encoding="utf-8"))["format"] == history.FORMAT
    assert [p.name for p in store.folder.iterdir()] == ["history.json"]  # no temp files left
    assert warnings == []


def test_add_reads_the_latest_file_before_writing(store: HistoryStore) -> None:
    assert store.add(_quiz(score=1), [Outcome("faq.a#answer", True)])
    assert store.add(_quiz(score=2), [Outcome("faq.a#answer", False)])
    loaded = store.load()
    assert [q.score for q in loaded.quizzes] == [1, 2]
    assert loaded.cards["faq.a#answer"] == Card(box=1, due=3, last_missed=2)


def test_a_failed_write_leaves_the_old_file_whole(
        store: HistoryStore, warnings: Warnings, monkeypatch: pytest.MonkeyPatch) -> None:
    assert store.add(_quiz(score=1), [])
    before = store.path.read_bytes()

    def full_disk(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    assert store.add(_quiz(score=2), []) is False
    assert store.path.read_bytes() == before
    assert [p.name for p in store.folder.iterdir()] == ["history.json"]
    assert len(warnings) == 1
    assert "cannot save quiz history" in warnings[0] and "No space left" in warnings[0]


def test_an_unwritable_folder_is_a_warning_not_a_crash(tmp_path: Path,
                                                       warnings: Warnings) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    store = HistoryStore(blocker / "data", warn=warnings)
    assert store.save(History()) is False
    assert warnings and "your score was not recorded" in warnings[0]


@pytest.mark.parametrize("content", [
    b"{not json",
    b"\xff\xfe garbage",
    b"[]",
    b'{"format": 99, "played": 0, "quizzes": [], "cards": {}}',
    b'{"format": 1, "played": 0, "quizzes": "none", "cards": {}}',
    b'{"format": 1, "played": -1, "quizzes": [], "cards": {}}',
    b'{"format": 1, "played": 1, "quizzes": [{"topic": "all"}], "cards": {}}',
    b'{"format": 1, "played": 1, "quizzes": [], "cards": {"x": {"box": 1, "due": 2}}}',
    b'{"format": 1, "played": 1, "quizzes": [], "cards": {"faq.a#answer": {"box": "1"}}}',
])
def test_a_corrupt_file_is_moved_aside_never_deleted(
        store: HistoryStore, warnings: Warnings, content: bytes) -> None:
    store.folder.mkdir(parents=True)
    store.path.write_bytes(content)
    assert store.load() == History()
    aside = store.folder / "history.json.corrupt-20240501T120000Z"
    assert aside.read_bytes() == content
    assert not store.path.exists()
    assert len(warnings) == 1
    assert "is corrupt" in warnings[0] and aside.name in warnings[0]
    # ... and the tool carries on: the next save starts a new, valid file.
    assert store.add(_quiz(), [])
    assert store.load().played == 1


def test_a_second_corrupt_file_does_not_overwrite_the_first(store: HistoryStore) -> None:
    store.folder.mkdir(parents=True)
    store.path.write_text("first", encoding="utf-8")
    store.load()
    store.path.write_text("second", encoding="utf-8")
    store.load()
    asides = sorted(p.name for p in store.folder.glob("history.json.corrupt-*"))
    assert asides == ["history.json.corrupt-20240501T120000Z",
                      "history.json.corrupt-20240501T120000Z-2"]
    contents = {(store.folder / name).read_text(encoding="utf-8") for name in asides}
    assert contents == {"first", "second"}
