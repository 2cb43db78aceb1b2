"""A Spanish quiz played key by key in a real pseudo-terminal: the prompt, the re-ask, the
feedback and the score in Spanish, answered with the Spanish words (mito, h)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from binatsec.corpus.records import Corpus
from binatsec.quiz import engine as quiz
from terminal_child import TerminalChild

pexpect = pytest.importorskip("pexpect")

MYTH_PROMPT = "Respuesta (m = mito, h = hecho, o q para terminar): "
TIMEOUT = 30


def _spawn(data_dir: Path, *args: str) -> TerminalChild:
    env = {k: v for k, v in os.environ.items()
           if k not in ("BINATSEC_CONTENT_DIR", "BINATSEC_LANG", "FORCE_COLOR", "COLUMNS",
                        "LINES")}
    env.update(NO_COLOR="1", TERM="xterm", BINATSEC_DATA_DIR=str(data_dir))
    return TerminalChild([sys.executable, "-m", "binatsec", *args], env=env, timeout=TIMEOUT,
                         dimensions=(40, 100))


def test_a_spanish_myths_quiz_played_key_by_key(tmp_path: Path, corpus: Corpus) -> None:
    right = [q.answer for q in quiz.build(corpus, "myths", 2, 5, language="es")]
    child = _spawn(tmp_path, "--lang", "es", "quiz", "--topic", "myths", "--count", "2",
                   "--seed", "5")
    child.expect_exact("Cuestionario: mitos  2 preguntas, semilla 5")
    child.expect_exact("Pregunta 1 de 2")
    child.expect_exact(MYTH_PROMPT)
    child.sendline("mito" if right[0] == "m" else "hecho")  # the Spanish words work
    child.expect_exact("✓ Correcto")
    child.expect_exact("Pregunta 2 de 2")
    child.expect_exact(MYTH_PROMPT)
    child.sendline("h" if right[1] == "m" else "m")  # h is "hecho"
    child.expect_exact("✗ Incorrecto")
    child.expect_exact("Puntuación: 1 de 2 (50%)")
    child.expect(pexpect.EOF)
    child.close()
    rest = str(child.before)
    assert child.exitstatus == 0, rest
    assert "Score" not in rest and "Wrong" not in rest
    saved = json.loads((tmp_path / "history.json").read_text(encoding="utf-8"))
    assert [(q["score"], q["total"]) for q in saved["quizzes"]] == [(1, 2)]
