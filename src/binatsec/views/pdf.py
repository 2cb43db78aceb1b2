"""The printable PDF: the HTML edition of one document, laid out on pages by WeasyPrint.

One writer for `export --format pdf` and `quiz --print --format pdf`. The page itself (its
print CSS, the answer key on a page of its own) is the HTML edition's; this module only
chooses the paper and turns the page into PDF. WeasyPrint is an optional extra
(`binatsec[pdf]`), imported only here and only when a PDF is written; without it the run ends
with errors.Unavailable (exit 69), naming the extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from binatsec.errors import Unavailable
from binatsec.i18n import _

if TYPE_CHECKING:
    from binatsec.document import Document

# --paper's choices, and the CSS page size each stands for.
PAPERS = {"a4": "A4", "letter": "letter"}
DEFAULT_PAPER = "a4"
PAGE_CSS = """@page {
  size: SIZE;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #555; }
}
"""


def printable(document: Document, paper: str = DEFAULT_PAPER) -> bytes:
    """`document` as a PDF on `paper` (a4 or letter)."""
    size = PAPERS.get(paper.strip().casefold())
    if size is None:
        raise ValueError(f"no paper size '{paper}' (choose from {', '.join(PAPERS)})")
    weasyprint = _weasyprint()
    from binatsec.views.html import edition

    page = edition([document], paper=paper)
    # A user stylesheet: the edition's own @page rules win where they say the same, and this
    # one keeps the paper asked for when they do not. Pages are numbered ("2 / 3") so a
    # printed sheet that comes apart can be put back in order.
    paper_sheet = weasyprint.CSS(string=PAGE_CSS.replace("SIZE", size))
    pdf = weasyprint.HTML(string=page, url_fetcher=_offline_fetcher(weasyprint)).write_pdf(
        stylesheets=[paper_sheet])
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf() without a target
        raise TypeError("WeasyPrint returned no PDF")
    return pdf


def _weasyprint() -> Any:
    """The weasyprint module, or Unavailable when it (or the Pango it loads) is missing."""
    try:
        # Untyped (no py.typed); not found where the extra is not installed.
        import weasyprint  # type: ignore[import-untyped,import-not-found,unused-ignore]
        import weasyprint.urls  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except (ImportError, OSError):  # OSError: installed, but its system libraries are not
        raise Unavailable(_("PDF needs WeasyPrint: pip install 'binatsec[pdf]'")) from None
    return weasyprint


def _offline_fetcher(weasyprint: Any) -> Any:
    """What WeasyPrint may fetch for the page: data: URLs only, so a page built from content
    never reaches the network or the file system (an edition carries all it shows)."""
    fetcher = getattr(weasyprint.urls, "URLFetcher", None)
    if fetcher is not None:  # WeasyPrint 68 and later
        return fetcher(allowed_protocols={"data"})
    default = weasyprint.urls.default_url_fetcher

    def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
        if not url.startswith("data:"):
            raise ValueError(f"not fetched while printing: {url[:80]}")
        return default(url, *args, **kwargs)

    return fetch
