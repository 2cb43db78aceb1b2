"""Screenshots of the HTML edition, for the docs (Playwright and the system's Chromium).

    python -m binatsec.devtools.screenshots [--out docs/screenshots]

Writes html-light.png, html-dark.png, html-375.png (a phone's width) and html-print.png
(the first printed page): each one viewport, not the whole page, so the files stay small.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from binatsec.devtools.generate import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

SIZE: ViewportSize = {"width": 1100, "height": 800}
PHONE: ViewportSize = {"width": 375, "height": 800}
# Each shot: its name, the colour scheme, the viewport, where on the page it is taken.
SHOTS: tuple[tuple[str, Literal["light", "dark"], ViewportSize, str], ...] = (
    ("light", "light", SIZE, ""), ("dark", "dark", SIZE, "#stats"),
    ("375", "light", PHONE, "#myths"))


def page_file(folder: Path) -> Path:
    """The edition of the bundled content in both languages, written into `folder`."""
    from binatsec.corpus import kinds
    from binatsec.corpus.loader import ContentSource
    from binatsec.corpus.resources import bundled_content
    from binatsec.document import reference
    from binatsec.views.html import edition

    corpus = ContentSource(bundled_content()).load()
    documents = [reference(corpus, kinds.sections(), language) for language in ("en", "es")]
    path = folder / "binatsec.html"
    path.write_text(edition(documents, paper="a4"), encoding="utf-8")
    return path


def shoot(out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as temp, sync_playwright() as p:
        url = page_file(Path(temp)).as_uri()
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            for name, scheme, size, fragment in SHOTS:
                page = browser.new_page(viewport=size, color_scheme=scheme)
                page.goto(url + fragment)
                target = out / f"html-{name}.png"
                page.screenshot(path=str(target))
                written.append(target)
                page.close()
            page = browser.new_page(viewport=SIZE)
            page.goto(url)
            pdf = Path(temp) / "print.pdf"
            page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
            page.close()
            target = out / "html-print.png"
            if shutil.which("pdftoppm"):
                subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1",
                                "-singlefile", str(pdf), str(target.with_suffix(""))],
                               check=True)
            else:  # no poppler: the screen as print media shows it
                page = browser.new_page(viewport=SIZE)
                page.goto(url)
                page.emulate_media(media="print")
                page.screenshot(path=str(target))
                page.close()
            written.append(target)
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    arguments = parser.parse_args(argv)
    for path in shoot(arguments.out):
        print(f"{path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
