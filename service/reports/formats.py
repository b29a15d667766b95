"""How reports write numbers, money, dates and times, per KPI and per locale: the rules in
one place (the README's Reports section repeats them for readers).

- KPI values: the decimals of their KPI (whole percentages for on-time delivery, whole days,
  ppm without decimals, one decimal for hours, productivity and scrap); KPI names and units in
  the report's language, money units in the programme's currency.
- Audit scores: 0 to 100 with one decimal, in charts and tables alike.
- Money: whole units of the programme's currency, the locale's digit grouping, the ISO code
  after the amount ("48,000 NIO", "48 000 NIO"): one style in every report and language.
- Dates: the locale's medium format ("Nov 9, 2026", "9 nov. 2026"), long in headings.
- Times: the locale's short time and the city of the zone ("07:30 (Managua)").
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_timezone, get_timezone_location
from babel.numbers import format_decimal

from service.kpis import kpi_catalogue

# The locale each report language formats dates, numbers and money in.
LOCALE_OF = {"en": "en_US", "es": "es_NI", "fr": "fr_FR"}
SCORE_DECIMALS = 1
# Decimals of a KPI's values, by KPI where it differs from its unit's rule, else by unit.
KPI_DECIMALS = {"on_time_delivery": 0, "scrap_rate": 1}
UNIT_DECIMALS = {
    "%": 1,
    "ppm": 0,
    "days": 0,
    "hours": 1,
    "units per labour-hour": 1,
    "currency per unit": 2,
    "currency per year": 0,
}
# Units in each report language; {currency} is the programme's currency code.
UNIT_WORDS = {
    "%": {"en": "%", "es": "%", "fr": "%"},
    "ppm": {"en": "ppm", "es": "ppm", "fr": "ppm"},
    "days": {"en": "days", "es": "días", "fr": "jours"},
    "hours": {"en": "hours", "es": "horas", "fr": "heures"},
    "units per labour-hour": {
        "en": "units per labour-hour",
        "es": "unidades por hora-hombre",
        "fr": "unités par heure de travail",
    },
    "currency per unit": {
        "en": "{currency} per unit",
        "es": "{currency} por unidad",
        "fr": "{currency} par unité",
    },
    "currency per year": {
        "en": "{currency} per year",
        "es": "{currency} al año",
        "fr": "{currency} par an",
    },
}


def locale_of(language: str) -> Locale:
    return Locale.parse(LOCALE_OF[language])


def number(value: Any, decimals: int, language: str) -> str:
    """A number with exactly `decimals` decimals in the locale's format; None reads "—"."""
    if value is None:
        return "—"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return format_decimal(amount, format=pattern, locale=locale_of(language))


def score(value: Any, language: str) -> str:
    """An audit score (0-100) with one decimal."""
    return number(value, SCORE_DECIMALS, language)


def money(value: Any, currency: str, language: str) -> str:
    """Whole units of the currency, grouped as the locale groups digits, the ISO code after."""
    if value is None:
        return "—"
    return f"{number(value, 0, language)}\u00a0{currency}"


def kpi_decimals(key: str) -> int:
    if key in KPI_DECIMALS:
        return KPI_DECIMALS[key]
    kpi = kpi_catalogue().get(key)
    return UNIT_DECIMALS.get(kpi.unit, 1) if kpi else 1


def kpi_value(key: str, value: Any, language: str) -> str:
    """A KPI value with its KPI's decimals, without its unit."""
    return number(value, kpi_decimals(key), language)


def kpi_name(key: str, language: str) -> str:
    kpi = kpi_catalogue().get(key)
    return str(getattr(kpi.name, language)) if kpi else key


def kpi_unit(key: str, language: str, currency: str) -> str:
    """The KPI's unit in the report's language, money in the programme's currency."""
    kpi = kpi_catalogue().get(key)
    if kpi is None:
        return ""
    words = UNIT_WORDS.get(kpi.unit, {})
    return words.get(language, kpi.unit).format(currency=currency)


def kpi_label(key: str, language: str, currency: str) -> str:
    """ "Livraisons à temps (%)": the KPI's name and unit in the report's language."""
    unit = kpi_unit(key, language, currency)
    return f"{kpi_name(key, language)} ({unit})" if unit else kpi_name(key, language)


def day(value: date | None, language: str) -> str:
    """A date in the locale's medium format; None reads "—"."""
    return format_date(value, "medium", locale=locale_of(language)) if value else "—"


def long_day(value: date | None, language: str) -> str:
    return format_date(value, "long", locale=locale_of(language)) if value else "—"


def month(value: date, language: str) -> str:
    """A month for chart axes: "Nov 26", "nov. 26"."""
    return format_date(value, "MMM yy", locale=locale_of(language))


def clock(moment: datetime, zone: str, language: str) -> str:
    """The local time of a moment and the city of its zone: "07:30 (Managua)"."""
    local = moment.astimezone(ZoneInfo(zone))
    locale = locale_of(language)
    city = get_timezone_location(get_timezone(zone), locale=locale, return_city=True)
    return f"{format_time(local, 'short', locale=locale)} ({city})"


def month_year(value: date, language: str) -> str:
    """A month in full for headings: "December 2026", "décembre 2026"."""
    return format_date(value, "MMMM y", locale=locale_of(language))
