"""Problems in the caller's language: titles, details, field messages and guard reasons.

Messages stay English source strings where they are raised (`workflows/` stays pure); they are
translated when the problem is rendered, through the `errors` gettext catalogue. A catalogue
entry may hold `{placeholders}`: `the version is now {current}, not {expected}; read it again`
translates every detail of that form, with the values put back into the translation.
Validation errors become plain sentences here, by pydantic's error type.
"""

import re
from functools import lru_cache
from typing import Any

from babel.messages.pofile import read_po

from service.database import read_session
from service.i18n import LOCALES, SOURCE_LANGUAGE, accepted, choose
from service.pagination import CURSOR_PATTERN, DAY_CURSOR_PATTERN, SORTED_CURSOR_PATTERNS
from service.programmes.models import Programme
from service.settings import get_settings
from service.types import (
    EMAIL_PATTERN,
    IF_MATCH_PATTERN,
    LANGUAGE_TAG_PATTERN,
    NAME_PATTERN,
    TEXT_PATTERN,
    ZONE_PATTERN,
)

DOMAIN = "errors"
# Placeholders that hold several reasons joined by "; ".
LISTS = {"reasons", "missing"}
# Placeholders that hold one identifier: a phase, a state, a trigger.
WORDS = {"phase", "state", "trigger", "expected"}
# Placeholders that hold values the API spells one way in every language (an organization's
# type, a role): shown as they are, never looked up in the catalogue.
KEPT = {"type", "types", "role", "wanted"}
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# A placeholder as it stands in a compiled template.
PLACEHOLDER_GROUP = re.compile(r"\(\?P<\w+>[^)]*\)")
# A choice of more values than this is not listed in a message (countries, for example).
LONG = 12

# A pattern's meaning in words: no regular expression is shown to a person.
PATTERNS = {
    "NAME": "must contain a visible character, not only spaces or invisible ones",
    "TEXT": "must not contain NUL or bidirectional control characters",
    "NO_NUL": "must not contain NUL characters",
    "EMAIL": "must be an e-mail address such as name@example.org",
    "CURRENCY": "must be a three-letter currency code such as USD",
    "COUNTRY": "must be a two-letter country code such as NI",
    "ZONE": "must be a time zone name such as America/Managua",
    "IF_MATCH": 'must be the ETag you read, such as "3", or *',
    "CURSOR": "must be the next_cursor of the previous page",
    "LANGUAGE": "must be a language tag such as es or es-NI",
}
# Pydantic's error types as sentences; `{name}` takes the error's context.
SENTENCES = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this request",
    "string_too_short": "must have at least {min_length} characters",
    "string_too_long": "must have at most {max_length} characters",
    "too_short": "must have at least {min_length} items",
    "too_long": "must have at most {max_length} items",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "greater_than": "must be more than {gt}",
    "less_than": "must be less than {lt}",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "enum": "must be one of {choices}",
    "literal_error": "must be one of {choices}",
    "uuid_type": "must be a UUID",
    "uuid_parsing": "must be a UUID",
    "date_type": "must be a date such as 2027-06-30",
    "date_parsing": "must be a date such as 2027-06-30",
    "date_from_datetime_parsing": "must be a date such as 2027-06-30",
    "date_from_datetime_inexact": "must be a date such as 2027-06-30",
    "datetime_type": "must be a date and time such as 2027-06-30T15:00:00-06:00",
    "datetime_parsing": "must be a date and time such as 2027-06-30T15:00:00-06:00",
    "datetime_from_date_parsing": "must be a date and time such as 2027-06-30T15:00:00-06:00",
    "timezone_aware": "must give its UTC offset, such as 2027-06-30T15:00:00-06:00",
    "decimal_type": "must be a decimal number",
    "decimal_parsing": "must be a decimal number",
    "decimal_max_digits": "must have at most {max_digits} digits",
    "decimal_max_places": "must have at most {decimal_places} decimal places",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "json_type": "must be JSON",
}


def pattern_names() -> dict[str, str]:
    """Each published pattern and its name in PATTERNS."""
    return {
        NAME_PATTERN: "NAME",
        TEXT_PATTERN: "TEXT",
        r"^[^\x00]*$": "NO_NUL",
        EMAIL_PATTERN: "EMAIL",
        r"^[A-Z]{3}$": "CURRENCY",
        r"^[A-Z]{2}$": "COUNTRY",
        ZONE_PATTERN: "ZONE",
        IF_MATCH_PATTERN: "IF_MATCH",
        CURSOR_PATTERN: "CURSOR",
        DAY_CURSOR_PATTERN: "CURSOR",
        LANGUAGE_TAG_PATTERN: "LANGUAGE",
        **dict.fromkeys(SORTED_CURSOR_PATTERNS, "CURSOR"),
    }


def sentence(error: dict[str, Any]) -> str:
    """A validation error as an English sentence (the catalogue translates it)."""
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        name = _patterns().get(str(context.get("pattern")))
        return PATTERNS[name] if name else "is not in the expected form"
    if kind == "string_too_short" and context.get("min_length") == 1:
        return "must not be empty"
    if kind in ("enum", "literal_error") and str(context.get("expected", "")).count(",") >= LONG:
        return "is not one of the accepted values (the API documentation lists them)"
    template = SENTENCES.get(kind)
    if template is None:
        return str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    values = {name: _shown(value) for name, value in context.items()}
    if "expected" in values:
        values["choices"] = values["expected"]  # a list of several: not one word
    return template.format_map(_Keep(values))


def _shown(value: Any) -> str:
    """A context value as a person reads it: 100.0 as 100, enum lists without quotes."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("'", "")


class _Keep(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@lru_cache(maxsize=1)
def _patterns() -> dict[str, str]:
    return pattern_names()


def choose_language(user_language: str | None, header: str | None, programme: str | None) -> str:
    """The user's setting, else Accept-Language, else the programme's, else the default."""
    return choose(user_language, accepted(header), programme, get_settings().default_language)


def programme_language(programme_id: Any) -> str | None:
    """The language of a programme (read only when neither the user nor the request says)."""
    with read_session() as session:
        programme = session.get(Programme, programme_id)
        return programme.language.value if programme is not None else None


@lru_cache(maxsize=8)
def catalogue(language: str) -> tuple[dict[str, str], list[tuple[re.Pattern[str], str]]]:
    """The `errors` catalogue of a language: exact messages, and templates as patterns."""
    path = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == SOURCE_LANGUAGE or not path.exists():
        return {}, []
    with path.open("rb") as handle:
        messages = read_po(handle, locale=language, domain=DOMAIN)
    exact: dict[str, str] = {}
    templates: list[tuple[re.Pattern[str], str]] = []
    for message in messages:
        if not message.id or not message.string:
            continue
        source, target = str(message.id), str(message.string)
        if PLACEHOLDER.search(source):
            parts = PLACEHOLDER.split(source)
            pattern = "".join(
                re.escape(part) if index % 2 == 0 else f"(?P<{part}>{_capture(part)})"
                for index, part in enumerate(parts)
            )
            templates.append((re.compile(pattern + "$", re.DOTALL), target))
        else:
            exact[source] = target
    # The most specific template first: "{field}: {message}" only when no worded one fits.
    templates.sort(key=lambda entry: -len(PLACEHOLDER_GROUP.sub("", entry[0].pattern)))
    return exact, templates


def _capture(name: str) -> str:
    # A list of reasons joined by "; " is one value; a phase or state is one word (so "the
    # engagement is {phase}" does not swallow a longer sentence); any other value is within
    # one reason.
    if name in LISTS:
        return ".+"
    return r"\w+" if name in WORDS else "[^;]+?"


def translate(text: str, language: str) -> str:
    """The text in the language: an exact entry, else the first template it fits, else each
    of its "; "-separated reasons."""
    exact, templates = catalogue(language)
    if text in exact:
        return exact[text]
    for pattern, target in templates:
        found = pattern.match(text)
        if found:
            values = {
                name: value if name in KEPT else translate(value, language)
                for name, value in found.groupdict().items()
            }
            return target.format_map(_Keep(values))
    if "; " in text:
        return "; ".join(translate(part, language) for part in text.split("; "))
    return text


def localize(body: dict[str, Any], language: str) -> dict[str, Any]:
    """A problem document with its title, detail, messages and reasons in the language."""
    if language == SOURCE_LANGUAGE:
        return body
    for key in ("title", "detail"):
        if isinstance(body.get(key), str):
            body[key] = translate(body[key], language)
    for error in body.get("errors") or []:
        error["message"] = translate(error["message"], language)
    if body.get("blocked_by"):
        body["blocked_by"] = [translate(reason, language) for reason in body["blocked_by"]]
    return body
