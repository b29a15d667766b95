"""From view data to PDF: Jinja2 templates (autoescaped, strict), Babel formats and gettext
catalogues per language, and WeasyPrint confined to the report template folder."""

import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import jinja2
from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from markupsafe import Markup
from sqlmodel import SQLModel
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from service.reports import formats
from service.reports.formats import LOCALE_OF
from service.reports.words import word_function
from service.settings import get_settings

TEMPLATES = Path(__file__).with_name("templates").resolve()
LOCALES = Path(__file__).with_name("locales")
LANGUAGES = ("en", "es", "fr")
__all__ = ["LOCALE_OF", "TEMPLATES", "plain", "render_pdf"]


class TemplateFolderFetcher(URLFetcher):
    """WeasyPrint may read the report template folder (stylesheet, fonts) and nothing else:
    no network, no other local file. Refused URLs are dropped from the document."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> Any:
        parsed = urlparse(url)
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            raise ValueError(f"reports read only their own template folder, not {url}")
        path = Path(unquote(parsed.path)).resolve()
        if not path.is_relative_to(TEMPLATES) or not path.is_file():
            raise ValueError(f"reports read only their own template folder, not {url}")
        return super().fetch(path.as_uri(), headers)


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> Translations:
    """The interface strings of a language, read from its gettext catalogue (English is the
    source language: no catalogue)."""
    path = LOCALES / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return Translations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


@lru_cache(maxsize=len(LANGUAGES))
def environment(language: str) -> jinja2.Environment:
    """A template environment of one language: autoescaped, strict, with its formats."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    catalogue = translations(language)
    env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]
    env.globals["word"] = word_function(catalogue.gettext)
    env.filters["day"] = lambda value: formats.day(value, language)
    env.filters["long_day"] = lambda value: formats.long_day(value, language)
    env.filters["number"] = lambda value, digits=0: formats.number(value, digits, language)
    env.filters["score"] = lambda value: formats.score(value, language)
    env.filters["money"] = lambda value, currency: formats.money(value, currency, language)
    env.filters["kpi"] = lambda value, key: formats.kpi_value(key, value, language)
    env.filters["svg"] = Markup  # charts are built and escaped by service.reports.charts
    return env


def render_html(template: str, language: str, context: dict[str, Any]) -> str:
    """The report's HTML: the template laid out over view data prepared in Python."""
    return environment(language).get_template(template).render(language=language, **context)


@lru_cache
def render_pool() -> ProcessPoolExecutor:
    """Worker processes that render PDFs, as many as renders may run at once: rendering is
    CPU-bound Python, so in the server's own process it would slow every other request."""
    return ProcessPoolExecutor(
        max_workers=get_settings().max_concurrent_renders,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_yield_to_requests,
    )


def _yield_to_requests() -> None:
    """Render workers run at the lowest CPU priority: a report may take a little longer, the
    requests of everyone else stay fast."""
    os.nice(19)


def render_pdf(template: str, language: str, context: dict[str, Any]) -> bytes:
    """The PDF of a report, laid out and rendered in a worker process; the view data must
    be plain values (see `plain`)."""
    return render_pool().submit(render, template, language, context).result()


def render(template: str, language: str, context: dict[str, Any]) -> bytes:
    """Lay a report out and render it: what a worker process does."""
    return html_to_pdf(render_html(template, language, context))


def plain(value: Any) -> Any:
    """View data with table rows as dictionaries, so it can travel to a worker process."""
    if isinstance(value, SQLModel):
        return value.model_dump()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def html_to_pdf(html: str) -> bytes:
    """The PDF of a report's HTML, fetching only from the template folder."""
    document = HTML(
        string=html, base_url=f"{TEMPLATES.as_uri()}/", url_fetcher=TemplateFolderFetcher()
    )
    return document.write_pdf()


def decimal_mark(language: str) -> str:
    """The decimal mark of a report language's locale: "," in French."""
    return str(Locale.parse(LOCALE_OF[language]).number_symbols["latn"]["decimal"])


def month_names(language: str, first: date, count: int) -> list[str]:
    """Short month names from a first month on, in a language: for chart axes."""
    names = []
    year, month = first.year, first.month
    for _ in range(count):
        names.append(formats.month(date(year, month, 1), language))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return names
