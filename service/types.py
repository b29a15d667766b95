"""Column types shared by every model: aware UTC datetimes and enums stored as their values."""

import difflib
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any
from zoneinfo import available_timezones

import sqlalchemy as sa
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    ConfigDict,
    Field,
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
# At least one visible character. Whitespace is spelled out: Python's and Rust's \s (the
# schema's reader and pydantic's engine) disagree on characters such as U+0085 and U+001C.
NOT_BLANK = r"^[^\x00]*[^ \t\n\r\f\v\x00][^\x00]*$"

# Text a person typed: no NUL characters (PostgreSQL refuses them in text columns).
Text = Annotated[str, StringConstraints(max_length=5000, pattern=_NO_NUL)]
# A name: at least one visible character.
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NOT_BLANK)]
EMAIL_PATTERN = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$"
Email = Annotated[str, StringConstraints(min_length=3, max_length=254, pattern=EMAIL_PATTERN)]
Password = Annotated[str, StringConstraints(min_length=12, max_length=256, pattern=_NO_NUL)]
# What a login form accepts: anything without NUL, checked against the stored account.
LoginText = Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=_NO_NUL)]
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


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
