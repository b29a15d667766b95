"""Column types shared by every model: aware UTC datetimes and enums stored as their values."""

import difflib
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any
from zoneinfo import available_timezones

import pycountry
import sqlalchemy as sa
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError
from sqlalchemy.engine import Dialect
from sqlmodel import SQLModel


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: use timezone-aware UTC times")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_type(enum: type[StrEnum]) -> sa.Enum:
    """A VARCHAR column holding the enum's values (readable strings, no native PG type)."""
    return sa.Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )


def dt_column(**kwargs: Any) -> Any:
    """Keyword arguments for an SQLModel Field holding an aware UTC datetime."""
    return {"sa_type": UTCDateTime, **kwargs}


class InputModel(SQLModel):
    """Base of request bodies: unknown fields are refused, not silently dropped."""

    model_config = ConfigDict(extra="forbid")  # type: ignore[assignment]


def _refuse_bool_and_str(value: Any) -> Any:
    # JSON Schema's "integer" admits 3.0 but never true or "3"; neither do we.
    if isinstance(value, bool | str):
        raise ValueError("must be a whole number, not a boolean or a string")
    return value


# A whole number as JSON Schema means it: 30 and 30.0 pass, 30.5, true and "30" do not.
WholeNumber = Annotated[int, BeforeValidator(_refuse_bool_and_str)]


def measure(lowest: Decimal, highest: Decimal, problem: Callable[[Decimal], str | None]) -> Any:
    """A JSON number between lowest and highest (never a string or a boolean), as the schema
    says; `problem` words the refusal of a value out of bounds."""

    def check(value: float) -> float:
        message = problem(Decimal(repr(value)))
        if message is not None:
            raise PydanticCustomError("out_of_bounds", message)
        return value

    return Annotated[
        float,
        Field(
            strict=True,
            allow_inf_nan=False,
            json_schema_extra={"minimum": float(lowest), "maximum": float(highest)},
        ),
        AfterValidator(check),
    ]


def number_text(value: float) -> str:
    """A received number as exact decimal text, the way it was written: 95.0 → "95", 0.1 → "0.1"."""
    number = Decimal(repr(value))
    if number == 0:
        return "0"
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return str(number)


def as_number(text: str) -> int | float:
    """Decimal text as the JSON number it is: "86" → 86, "0.10" → 0.1."""
    number = Decimal(text)
    if number == number.to_integral_value():
        return int(number)
    return float(number)


# A measurement kept as exact decimal text and served as a JSON number, the type it is sent
# in: what a client reads it can write back unchanged.
MeasureOut = Annotated[
    str,
    PlainSerializer(as_number, return_type=Any, when_used="json"),
    WithJsonSchema({"type": "number"}, mode="serialization"),
]


def _refuse_numbers(value: Any) -> Any:
    # JSON Schema's "date" and "date-time" are text; pydantic alone would read 0 as 1970-01-01.
    if isinstance(value, bool | int | float):
        raise ValueError("must be ISO 8601 text, not a number")
    return value


# A calendar day as ISO 8601 text (2027-06-30).
Day = Annotated[date, BeforeValidator(_refuse_numbers)]
# An instant with its UTC offset as ISO 8601 text (2027-06-30T15:00:00-06:00).
Instant = Annotated[AwareDatetime, BeforeValidator(_refuse_numbers)]

_NO_NUL = r"^[^\x00]*$"
# Bidirectional controls (embeddings, overrides, isolates and marks) turn text around on a
# page: a name holding a right-to-left override prints backwards in a report's header.
BIDI_CONTROLS = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# Characters that show nothing: spaces of every width and invisible format characters such as
# the zero-width space. Spelled out, so that the schema's reader and pydantic agree on them.
BLANKS = (
    r" \t\n\r\f\v\u0085\u00a0\u00ad\u1680\u180e\u2000-\u200d\u2028\u2029\u202f"
    r"\u205f-\u2064\u3000\ufeff"
)
# At least one visible character, no NUL and no bidirectional control.
NAME_PATTERN = f"^[^\\x00{BIDI_CONTROLS}]*[^\\x00{BLANKS}{BIDI_CONTROLS}][^\\x00{BIDI_CONTROLS}]*$"
TEXT_PATTERN = f"^[^\\x00{BIDI_CONTROLS}]*$"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_VISIBLE = re.compile(f"[^\\x00{BLANKS}{BIDI_CONTROLS}]")


def _plain_text(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "must not contain NUL characters")
    if _BIDI.search(value):
        raise PydanticCustomError(
            "bidi_control",
            "must not contain bidirectional control characters (such as a right-to-left "
            "override): they make the text read backwards",
        )
    return value


def _visible_name(value: str) -> str:
    _plain_text(value)
    if not _VISIBLE.search(value):
        raise PydanticCustomError(
            "blank_name", "must contain a visible character, not only spaces or invisible ones"
        )
    return value


# Text a person typed: no NUL characters (PostgreSQL refuses them in text columns) and no
# bidirectional controls. The schema states the rule as a pattern; the message is a sentence.
Text = Annotated[
    str,
    StringConstraints(max_length=5000),
    AfterValidator(_plain_text),
    Field(json_schema_extra={"pattern": TEXT_PATTERN}),
]

NAME_KEY_LENGTH = 1000  # folding can lengthen a name: "ﬃ" folds to "ffi"


def name_key(name: str) -> str:
    """A name folded for comparison: without case, accents, invisible characters or repeated
    spaces ("Café  Ñandú" and "cafe nandu" fold alike)."""
    visible = re.sub(f"[{BLANKS}]+", " ", name).strip()
    decomposed = unicodedata.normalize("NFKD", visible.casefold())
    folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    return folded[:NAME_KEY_LENGTH]


# Text with at least one visible character: minutes (5000 characters), a reason or a
# commitment (2000), a name (200).
_VISIBLE_SCHEMA = Field(json_schema_extra={"pattern": NAME_PATTERN})
Filled = Annotated[
    str,
    StringConstraints(min_length=1, max_length=5000),
    AfterValidator(_visible_name),
    _VISIBLE_SCHEMA,
]
FilledReason = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2000),
    AfterValidator(_visible_name),
    _VISIBLE_SCHEMA,
]
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    AfterValidator(_visible_name),
    _VISIBLE_SCHEMA,
]
EMAIL_PATTERN = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"
Email = Annotated[str, StringConstraints(min_length=3, max_length=254, pattern=EMAIL_PATTERN)]
Password = Annotated[str, StringConstraints(min_length=12, max_length=256, pattern=_NO_NUL)]
# What a login form accepts: anything without NUL, checked against the stored account.
LoginText = Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=_NO_NUL)]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
COUNTRY_CODES = sorted(country.alpha_2 for country in pycountry.countries)


def _iso_country(value: str) -> str:
    if value not in COUNTRY_CODES:
        raise PydanticCustomError(
            "country_code", "must be an ISO 3166-1 alpha-2 country code, such as NI or FR"
        )
    return value


# An ISO 3166-1 alpha-2 country code (NI), as the schema's enum lists them.
CountryCode = Annotated[
    str,
    AfterValidator(_iso_country),
    Field(json_schema_extra={"enum": COUNTRY_CODES}),
]


class Language(StrEnum):
    """Languages the service speaks."""

    en = "en"
    es = "es"
    fr = "fr"


# An ETag as If-Match carries it ("3", W/"3"), or * for whatever version is current.
IF_MATCH_PATTERN = r'^((W/)?"[0-9]{1,9}"|\*)$'

# A language as people write it: es, ES, es-NI, es_ni (RFC 5646 form, any case).
LANGUAGE_TAG_PATTERN = r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8}){0,3}$"


def _language_of_tag(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip().replace("_", "-").split("-", 1)[0].lower()
    return value


# A `lang=` parameter: any form of a tag the service speaks; es-NI and ES mean es.
LanguageTag = Annotated[
    Language,
    BeforeValidator(_language_of_tag),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": LANGUAGE_TAG_PATTERN,
            "examples": ["es", "es-NI", "FR"],
            "description": "en, es or fr, in any case, with or without a region",
        }
    ),
]

ZONE_PATTERN = r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$"


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _known_zone(value: str) -> str:
    zones = _zones()
    if value in zones:
        return value
    folded = {zone.lower(): zone for zone in zones}
    nearest = folded.get(value.lower()) or next(
        iter(difflib.get_close_matches(value, sorted(zones), n=1, cutoff=0.6)), None
    )
    hint = f"; did you mean {nearest}?" if nearest else ", e.g. America/Managua"
    raise PydanticCustomError(
        "time_zone", "{value} is not an IANA time zone name" + hint, {"value": value}
    )


# An IANA time zone name, checked against the zones this Python knows (tzdata), but published
# as a string: the list differs from host to host and would break generated clients.
TimeZoneName = Annotated[
    str,
    StringConstraints(max_length=64, pattern=ZONE_PATTERN),
    AfterValidator(_known_zone),
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": 64,
            "pattern": ZONE_PATTERN,
            "format": "iana-time-zone",
            "examples": ["America/Managua"],
            "description": "An IANA time zone name, e.g. America/Managua",
        }
    ),
]
