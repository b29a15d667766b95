"""Form input as the use cases take it: the same input models as the API, and their errors
as readable messages beside each field, in the page's language."""

from typing import Any

from pydantic import ValidationError

from service.errors import ProblemError
from service.web.labels import N_
from service.web.templating import gettext

MESSAGES = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This is too short."),
    "string_too_long": N_("This is too long."),
    "string_pattern_mismatch": N_("This value is not in the expected form."),
    "value_error": N_("This value is not valid."),
    "enum": N_("Choose one of the options."),
    "uuid_parsing": N_("Choose one of the options."),
}
CONFLICTS = {
    "email": N_("A user with this e-mail already exists."),
    "name": N_("An organization of this kind with this name already exists."),
}


def blank_to_none(form: dict[str, str]) -> dict[str, Any]:
    """Empty text fields are absent, as an omitted JSON field would be."""
    return {name: value for name, value in form.items() if value.strip() != ""}


def field_errors(error: ValidationError, language: str) -> dict[str, str]:
    """The first problem of each field, in words."""
    found: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else "form"
        text = MESSAGES.get(str(item["type"]), MESSAGES["value_error"])
        found.setdefault(field, gettext(language, text))
    return found


def problem_errors(error: ProblemError, language: str) -> dict[str, str]:
    """A use case's refusal of one field (a duplicate e-mail or name), in words."""
    found: dict[str, str] = {}
    for item in error.extra.get("errors") or []:
        field = item["field"]
        found[field] = gettext(language, CONFLICTS.get(field, MESSAGES["value_error"]))
    return found
