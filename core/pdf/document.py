"""Rendering one document with WeasyPrint in the calling process: fonts, stylesheets, metadata.

One FontConfiguration and one base stylesheet per process: faster, and memory
stays flat. Only renderer processes (and the benchmark's floor) render here;
everything else calls core.pdf.render_pdf, which runs this in a renderer.
"""

from functools import cache

from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from core.pdf.fetcher import StaticFilesURLFetcher, static_base_url

BASE_STYLESHEET = "pdf/base.css"

# The footer of base.css says "strona X z Y"; other languages the site offers
# get their own words here (CSS cannot pick @page content by :lang()).
PAGE_FOOTER_WORDS = {"en": ("page", "of")}


@cache
def _font_config() -> FontConfiguration:
    # One per process: faster, and memory stays flat (a new one per render grows).
    return FontConfiguration()


@cache
def _base_stylesheet() -> CSS:
    path = finders.find(BASE_STYLESHEET)
    if path is None:
        raise FileNotFoundError(f"static/{BASE_STYLESHEET} is missing")
    return CSS(
        filename=path,
        url_fetcher=StaticFilesURLFetcher(),
        font_config=_font_config(),
    )


@cache
def _footer_stylesheet(language: str) -> CSS | None:
    words = PAGE_FOOTER_WORDS.get(language.split("-")[0].lower())
    if words is None:
        return None
    page, of = words
    return CSS(
        string=f'@page {{ @bottom-right {{ content: "{page} " counter(page) " {of} " counter(pages); }} }}',
        url_fetcher=StaticFilesURLFetcher(),
        font_config=_font_config(),
    )


def render_pdf_in_this_process(
    html: str,
    *,
    title: str,
    author: str = "Mikrogranty",
    language: str = "pl",
    pdf_variant: str | None = "pdf/a-3u",
) -> bytes:
    """Render in the calling process, with no time or memory limit: what each child runs.

    Only for the child, the parent's one-off warm-up and benchmarks (the floor
    that isolation is measured against); everything else calls render_pdf().
    """
    stylesheets = [_base_stylesheet()]
    if footer := _footer_stylesheet(language):
        stylesheets.append(footer)
    options = {"stylesheets": stylesheets, "pdf_variant": pdf_variant, "pdf_tags": True}
    fetcher = StaticFilesURLFetcher()
    document = HTML(string=html, base_url=static_base_url(), url_fetcher=fetcher).render(
        font_config=_font_config(), **options
    )
    document.metadata.title = title
    document.metadata.authors = [author]
    document.metadata.lang = language
    return document.write_pdf(**options)
