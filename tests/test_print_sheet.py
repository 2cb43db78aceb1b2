"""`quiz --print --format text|markdown|html|pdf`: one worksheet, four ways to write it.

The same seed asks the same questions in every format (the worksheet document is built once);
the PDF puts the answer key on a page of its own and takes A4 or Letter; a PDF never goes to
a terminal, and without WeasyPrint the run says which extra to install (exit 69). The PDF
checks read the file with poppler's tools (pdftotext, pdfinfo, pdftoppm) and skip, saying
why, where those or WeasyPrint are missing.
"""

from __future__ import annotations

import html.parser
import io
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from binatsec.cli.app import app
from binatsec.environment import Environment
from binatsec.errors import UNAVAILABLE
from conftest import Run

SHEET = ("quiz", "--topic", "myths", "--count", "5", "--seed", "7", "--print")
KEY_HEADING = "answer key"


def _flat(text: str) -> str:
    """Text with every run of white space made one space: PDF and HTML wrap lines."""
    return " ".join(text.split())


def _prompts(cli: Callable[..., Run], *args: str) -> list[str]:
    """The prompts of the questions the sheet asks, from its JSON (the data behind it)."""
    run = cli(*SHEET, *args, "--json")
    assert run.exit_code == 0, run.stderr
    prompts = [q["prompt"] for q in run.json()["questions"]]
    assert len(prompts) == 5
    return prompts


class _Text(html.parser.HTMLParser):
    """The text a reader sees on a page: no scripts, no styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _html_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return _flat(" ".join(parser.parts))


# --- the PDF, read with poppler ------------------------------------------------------------


def _need_pdf() -> None:
    pytest.importorskip("weasyprint", reason="PDF needs WeasyPrint (the binatsec[pdf] extra)")
    for tool in ("pdftotext", "pdfinfo", "pdftoppm"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} (poppler-utils) is not installed")


def _pdf(cli: Callable[..., Run], target: Path, *args: str) -> Path:
    _need_pdf()
    run = cli(*SHEET, "--format", "pdf", "--output", str(target), *args)
    assert run.exit_code == 0, run.stderr
    assert f"wrote pdf to {target}" in run.stderr
    assert target.read_bytes().startswith(b"%PDF-")
    return target


def _pages(pdf: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert found, info.stdout
    count = int(found[1])
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
            for n in range(1, count + 1)]


def _page_size(pdf: Path) -> tuple[int, int]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    found = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout, re.MULTILINE)
    assert found, info.stdout
    return round(float(found[1])), round(float(found[2]))


def _is_key_heading(line: str) -> bool:
    return _flat(line).casefold() == KEY_HEADING


# --- every format, the same questions -------------------------------------------------------


def test_text_is_still_the_default_and_holds_every_question(cli: Callable[..., Run]) -> None:
    prompts = _prompts(cli)
    plain, chosen = cli(*SHEET), cli(*SHEET, "--format", "TEXT")
    assert plain.exit_code == chosen.exit_code == 0
    assert plain.stdout == chosen.stdout
    for prompt in prompts:
        assert _flat(prompt) in _flat(plain.stdout)


def test_markdown_holds_the_same_questions_and_the_key(cli: Callable[..., Run]) -> None:
    prompts = _prompts(cli)
    run = cli(*SHEET, "--format", "markdown")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("# Quiz: ")
    for prompt in prompts:
        assert _flat(prompt) in _flat(run.stdout)
    assert "## Answer key" in run.stdout
    assert "--count 5 --seed 7 --answers ANSWERS" in run.stdout


def test_html_holds_the_same_questions_escaped_and_the_key(cli: Callable[..., Run]) -> None:
    prompts = _prompts(cli)
    run = cli(*SHEET, "--format", "Html")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.lstrip().lower().startswith("<!doctype html")
    seen = _html_text(run.stdout)
    for prompt in prompts:
        assert _flat(prompt) in seen
    # Content is data: the prompts' quotation marks reach the page escaped or as text, never
    # as markup, so every prompt is found in the text a reader sees.
    assert KEY_HEADING in seen.casefold()


def test_the_same_seed_gives_the_same_questions_in_every_format(cli: Callable[..., Run],
                                                                 tmp_path: Path) -> None:
    _need_pdf()
    prompts = _prompts(cli)
    text = _flat(cli(*SHEET).stdout)
    markdown = _flat(cli(*SHEET, "--format", "markdown").stdout)
    page = _html_text(cli(*SHEET, "--format", "html").stdout)
    printed = _flat(" ".join(_pages(_pdf(cli, tmp_path / "sheet.pdf"))))
    for prompt in prompts:
        for name, written in (("text", text), ("markdown", markdown), ("html", page),
                              ("pdf", printed)):
            assert _flat(prompt) in written, f"{name} lacks {prompt!r}"
    other = _prompts(cli, "--seed", "8")  # a later --seed wins: another draw
    assert other != prompts


def test_the_answer_key_starts_on_a_page_after_the_questions(cli: Callable[..., Run],
                                                              tmp_path: Path) -> None:
    prompts = _prompts(cli)
    pages = _pages(_pdf(cli, tmp_path / "sheet.pdf"))
    assert len(pages) >= 2
    assert _flat(prompts[0]) in _flat(pages[0])
    assert not any(_is_key_heading(line) for line in pages[0].splitlines())
    starts = [n for n, page in enumerate(pages, start=1)
              if any(_is_key_heading(line) for line in page.splitlines())]
    assert starts and starts[0] > 1, "the answer key's heading is on no page after the first"
    # The key's page holds answers, not the questions again.
    key = _flat(pages[starts[0] - 1])
    assert "A myth." in key or "A fact." in key
    assert _flat(prompts[-1]) not in key


def test_a4_and_letter_pages(cli: Callable[..., Run], tmp_path: Path) -> None:
    assert _page_size(_pdf(cli, tmp_path / "default.pdf")) == (595, 842)
    assert _page_size(_pdf(cli, tmp_path / "a4.pdf", "--paper", "A4")) == (595, 842)
    assert _page_size(_pdf(cli, tmp_path / "letter.pdf", "--paper", "letter")) == (612, 792)


def test_the_pages_turn_into_pictures(cli: Callable[..., Run], tmp_path: Path) -> None:
    pdf = _pdf(cli, tmp_path / "sheet.pdf")
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "page")],
                   check=True)
    pictures = sorted(tmp_path.glob("page-*.png"))
    assert len(pictures) == len(_pages(pdf)) >= 2
    for picture in pictures:
        data = picture.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000


def test_a_pdf_goes_down_a_pipe_whole() -> None:
    pytest.importorskip("weasyprint", reason="PDF needs WeasyPrint (the binatsec[pdf] extra)")
    result = CliRunner().invoke(app, [*SHEET, "--format", "pdf"], catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout_bytes.startswith(b"%PDF-")
    assert result.stdout_bytes.rstrip().endswith(b"%%EOF")


def test_the_html_page_takes_the_paper(cli: Callable[..., Run]) -> None:
    a4 = cli(*SHEET, "--format", "html").stdout
    letter = cli(*SHEET, "--format", "html", "--paper", "LETTER").stdout
    assert re.search(r"size:\s*A4", a4, re.IGNORECASE)
    assert re.search(r"size:\s*letter", letter, re.IGNORECASE)


def test_myths_quiz_prints_the_same_formats(cli: Callable[..., Run]) -> None:
    run = cli("myths", "--quiz", "--count", "2", "--seed", "7", "--print",
              "--format", "markdown")
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith("# Quiz: ")
    assert "binatsec myths --quiz --count 2 --seed 7 --answers ANSWERS" in run.stdout
    refused = cli("myths", "--format", "markdown")
    assert refused.exit_code == 2
    assert "add --quiz" in refused.stderr


# --- files ------------------------------------------------------------------------------------


def test_output_writes_the_sheet_to_a_file_and_dash_to_stdout(cli: Callable[..., Run],
                                                              tmp_path: Path) -> None:
    target = tmp_path / "sheet.md"
    run = cli(*SHEET, "--format", "markdown", "--output", str(target))
    assert run.exit_code == 0, run.stderr
    assert run.stdout == ""
    assert f"wrote markdown to {target}" in run.stderr
    assert target.read_text(encoding="utf-8") == cli(*SHEET, "--format", "markdown").stdout
    dash = cli(*SHEET, "--format", "markdown", "--output", "-")
    assert dash.stdout == target.read_text(encoding="utf-8")


def test_a_file_that_cannot_be_written_is_said_and_left_alone(cli: Callable[..., Run],
                                                              tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "sheet.txt"
    run = cli(*SHEET, "--output", str(target))
    assert run.exit_code == 1
    assert f"cannot write {target}" in run.stderr
    assert not target.parent.exists()


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize("option", [("--format", "pdf"), ("--paper", "letter"),
                                    ("--output", "x.pdf")], ids=lambda o: o[0])
def test_print_options_without_print_are_usage_errors(cli: Callable[..., Run],
                                                      option: tuple[str, str]) -> None:
    run = cli("quiz", "--count", "1", "--answers", "m", "--no-save", *option)
    assert run.exit_code == 2
    assert f"add --print, or leave out {option[0]}" in run.stderr
    assert "Traceback" not in run.stderr


def test_print_options_with_json_are_usage_errors(cli: Callable[..., Run]) -> None:
    run = cli(*SHEET, "--format", "markdown", "--json")
    assert run.exit_code == 2
    assert "not with --json" in run.stderr
    assert run.stdout == ""


def test_an_unknown_format_or_paper_names_the_choices(cli: Callable[..., Run]) -> None:
    run = cli(*SHEET, "--format", "docx")
    assert run.exit_code == 2
    assert "unknown format 'docx'; choose from: text, markdown, html, pdf" in run.stderr
    run = cli(*SHEET, "--paper", "legal")
    assert run.exit_code == 2
    assert "unknown paper size 'legal'; choose from: a4, letter" in run.stderr


def test_json_is_unchanged_by_the_print_options(cli: Callable[..., Run]) -> None:
    document = cli(*SHEET, "--json").json()
    assert set(document) >= {"printed", "topic", "seed", "play", "questions", "answer_key"}
    assert not {"format", "paper", "output"} & set(document)


def _on_a_terminal(*args: str) -> tuple[int, str, bytes]:
    """binatsec ARGS with stdout a terminal: exit code, stderr, and the bytes written."""
    stdout, stderr = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    terminal = Environment(stdin=None, stdout=stdout, stderr=stderr, stdin_is_terminal=True,
                           stdout_is_terminal=True, unicode=True, colour=False, width=80)
    code = app(list(args), standalone_mode=False, obj=terminal)
    stdout.flush()
    return code, stderr.getvalue(), stdout.buffer.getvalue()


@pytest.mark.parametrize("output", [(), ("--output", "-")], ids=["no output", "dash"])
def test_a_pdf_is_never_written_to_a_terminal(output: tuple[str, ...]) -> None:
    code, stderr, written = _on_a_terminal(*SHEET, "--format", "pdf", *output)
    assert code == 2
    assert "pdf is binary, not for a terminal: give --output FILE.pdf" in stderr
    assert written == b""


def test_without_weasyprint_a_pdf_names_the_extra(cli: Callable[..., Run],
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    # A None in sys.modules makes `import weasyprint` raise ImportError, as if not installed.
    for name in [name for name in sys.modules if name.split(".")[0] == "weasyprint"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    target = tmp_path / "sheet.pdf"
    run = cli(*SHEET, "--format", "pdf", "--output", str(target))
    assert run.exit_code == UNAVAILABLE == 69
    assert run.stderr.strip().splitlines() == [
        "binatsec: error: PDF needs WeasyPrint: pip install 'binatsec[pdf]'"]
    assert not target.exists()
    assert cli("export", "--format", "pdf", "--output", str(target)).exit_code == 69


def test_a_spanish_sheet_is_graded_in_spanish(cli: Callable[..., Run]) -> None:
    """The command printed to grade a sheet replays it in the language it was printed in."""
    spanish = cli("--lang", "es", "quiz", "--topic", "myths", "--count", "2", "--seed", "7",
                  "--print")
    assert spanish.exit_code == 0, spanish.stderr
    assert "binatsec quiz --topic myths --count 2 --seed 7 --lang es --answers" in spanish.stdout
    english = cli("quiz", "--topic", "myths", "--count", "2", "--seed", "7", "--print")
    assert "--seed 7 --answers" in english.stdout and "--lang" not in english.stdout
