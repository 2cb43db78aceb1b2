"""Pictures of a printed quiz, for the docs: its first page and its answer key.

    python -m binatsec.devtools.sheets

Prints `binatsec quiz --topic myths --count 5 --seed 7 --print --format pdf` (A4, English,
the bundled content) and turns two of its pages into PNGs with poppler's pdftoppm, at 60 dpi:
docs/screenshots/worksheet-a4.png (page 1, the questions) and worksheet-key.png (the page the
answer key starts on, found with pdftotext). Needs the binatsec[pdf] extra and poppler-utils;
exits 1 saying what is missing. Run it after changing how worksheets print, and look.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "docs" / "screenshots"
QUIZ = ("quiz", "--topic", "myths", "--count", "5", "--seed", "7", "--print", "--format", "pdf",
        "--paper", "a4")
DPI = 60
KEY_HEADING = "answer key"  # how the key's heading reads in English, in any case


def main() -> int:
    missing = [tool for tool in ("pdftoppm", "pdftotext") if shutil.which(tool) is None]
    if missing:
        print(f"needs poppler-utils ({', '.join(missing)} not found)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "worksheet.pdf"
        made = _print_quiz(pdf)
        if made.returncode != 0:
            print(f"binatsec {' '.join(QUIZ)} exited {made.returncode}: {made.stderr.strip()}",
                  file=sys.stderr)
            return 1
        key_page = answer_key_page(pdf)
        if key_page is None:
            print(f"no page of {pdf.name} has the heading '{KEY_HEADING}'", file=sys.stderr)
            return 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for page, name in ((1, "worksheet-a4.png"), (key_page, "worksheet-key.png")):
            target = SCREENSHOTS / name
            _picture(pdf, page, target)
            print(f"wrote {target.relative_to(ROOT)} (page {page})")
    return 0


def _print_quiz(pdf: Path) -> subprocess.CompletedProcess[str]:
    """The quiz printed by a fresh binatsec, in English, from the bundled content only."""
    env = {name: value for name, value in os.environ.items() if name != "BINATSEC_CONTENT_DIR"}
    return subprocess.run([sys.executable, "-m", "binatsec", "--lang", "en", *QUIZ,
                           "--output", str(pdf)], env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def page_texts(pdf: Path) -> list[str]:
    """The text of each page of `pdf`, first page first (pdftotext, page by page)."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = next(int(line.split(":", 1)[1]) for line in info.stdout.splitlines()
                 if line.startswith("Pages:"))
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
            for n in range(1, pages + 1)]


def answer_key_page(pdf: Path) -> int | None:
    """The number of the page where the answer key starts: the last with a line that is its
    heading alone (the last, so a link to the key on page 1 is not taken for it)."""
    found = None
    for number, text in enumerate(page_texts(pdf), start=1):
        if any(" ".join(line.split()).casefold() == KEY_HEADING for line in text.splitlines()):
            found = number
    return found


def _picture(pdf: Path, page: int, target: Path) -> None:
    # -singlefile: pdftoppm names the picture target.png, not target-1.png.
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(target.with_suffix(""))], check=True)


if __name__ == "__main__":
    sys.exit(main())
