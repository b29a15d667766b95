"""The languages the service speaks and their gettext catalogues.

Each area keeps its own catalogue domain so translators and reviewers see one area at a time:
`service/locales/<language>/LC_MESSAGES/<domain>.po` (for example `errors`, `web`, `mail`).
English is the source language and has no catalogue. Catalogues are compiled in memory the
first time they are asked for, so the `.po` files are the only thing kept in the repository.
"""

import io
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from service.types import Language

LOCALES = Path(__file__).with_name("locales")
LANGUAGES: tuple[str, ...] = tuple(language.value for language in Language)
SOURCE_LANGUAGE = Language.en.value


@lru_cache(maxsize=64)
def translations(language: str, domain: str, folder: Path = LOCALES) -> NullTranslations:
    """The strings of one catalogue domain in one language (no catalogue: the English text)."""
    path = folder / language / "LC_MESSAGES" / f"{domain}.po"
    if language == SOURCE_LANGUAGE or not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=domain)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=domain)


def supported(tag: str | None) -> str | None:
    """The language a tag names, in any of the forms people write: `es`, `ES`, `es-NI`,
    `es_ni`. None when the service does not speak it."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in LANGUAGES else None


def accepted(header: str | None) -> list[str]:
    """The languages of an Accept-Language header the service speaks, best first (RFC 9110
    §12.5.4: quality values, `*` ignored, region tags falling back to their language)."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, parameters = part.strip().partition(";")
        quality = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        language = supported(tag)
        if language and quality > 0:
            weighted.append((-quality, position, language))
    ordered: list[str] = []
    for _, _, language in sorted(weighted):
        if language not in ordered:
            ordered.append(language)
    return ordered


def choose(*candidates: str | Iterable[str] | None) -> str:
    """The first language the service speaks among candidates given in order of preference
    (for example the user's setting, then Accept-Language, then the programme's); English when
    none is spoken."""
    for candidate in candidates:
        tags = [candidate] if candidate is None or isinstance(candidate, str) else candidate
        for tag in tags:
            language = supported(tag)
            if language:
                return language
    return SOURCE_LANGUAGE
