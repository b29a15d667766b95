"""What the targets page shows: each selected supplier with its targets and their history,
the round tables they can be agreed at, and the KPI and audit-section choices in the page's
language; and the target forms read into the API's input models."""

from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from service.audits.templates import supplier_sections, template_registry
from service.engagements import access as engagement_access
from service.engagements import queries as engagement_queries
from service.engagements import views as engagement_views
from service.engagements.models import Engagement
from service.history_views import actor_names
from service.kpis import Kpi, kpi_catalogue
from service.roundtables import queries as round_table_queries
from service.roundtables.models import RoundTableState
from service.targets import queries
from service.targets.models import TargetChange, TargetCreate
from service.web.labels import N_
from service.web.sessions import Viewer
from service.web.templating import gettext
from workflows import Phase
from workflows.states import SELECTED_TRACK

KINDS = {
    "kpi": N_("KPI target"),
    "audit_section": N_("Audit-section target"),
    "commitment": N_("Commitment"),
}
PARTIES = {"supplier": N_("The supplier"), "buyer": N_("The buyer")}
# Targets are agreed at round tables and kept up to date until the plans start.
OPEN_PHASES = (Phase.round_tables, Phase.improvement_analysis)
CREATE = TypeAdapter(TargetCreate)
CHANGE = TypeAdapter(TargetChange)


def kpi_choices(language: str, applies_to: str | None = "supplier") -> list[tuple[str, str]]:
    """The catalogue's KPIs as form choices: name and unit in the language."""
    return [
        (kpi.key, f"{getattr(kpi.name, language)} ({bounds_text(kpi, language)})")
        for kpi in kpi_catalogue().values()
        if applies_to is None or applies_to in kpi.applies_to
    ]


def section_titles(language: str) -> dict[str, str]:
    """Supplier audit sections by id, titled in the language (the first template naming one)."""
    titles: dict[str, str] = {}
    for key in sorted(template_registry()):
        for section in template_registry()[key].sections:
            title = getattr(section.title, language, None) or section.title.en
            titles.setdefault(section.id, str(title))
    return {key: titles[key] for key in supplier_sections()}


def targets_page(page: Viewer, engagement: Engagement) -> dict[str, Any]:
    """The selected suppliers, each with its targets and every target's previous values."""
    session, user = page.session, page.user
    rows = engagement_queries.participations_of(session, user, engagement)
    firms = [
        row for row in engagement_views.participations(session, rows) if row.state in SELECTED_TRACK
    ]
    targets = queries.targets_of_engagement(session, engagement.id)
    revisions = queries.revisions_of_targets(session, [target.id for target in targets])
    names = actor_names(session, [row.changed_by for row in revisions])
    round_tables = round_table_queries.round_tables_of(session, user, engagement)
    return {
        "engagement": engagement,
        "firms": firms,
        "firm_choices": [(firm.id, firm.supplier_name) for firm in firms],
        "targets": {
            firm.id: [t for t in targets if t.participation_id == firm.id] for firm in firms
        },
        "revisions": {
            target.id: [r for r in revisions if r.target_id == target.id] for target in targets
        },
        "actor_names": names,
        "round_tables": [
            (row.id, row.title) for row in round_tables if row.state != RoundTableState.cancelled
        ],
        "kpis": kpi_choices(page.language),
        "kpi_catalogue": kpi_catalogue(),
        "sections": section_titles(page.language),
        "kind_names": KINDS,
        "party_names": PARTIES,
        "may_change": _may_change(page, engagement),
    }


def _may_change(page: Viewer, engagement: Engagement) -> bool:
    return engagement_access.may_act(page.user, engagement) and engagement.phase in OPEN_PHASES


def number(text: str) -> float | str:
    """A number typed in a form (a decimal comma too), or the text when it is none."""
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return text


def create_body(form: Mapping[str, str]) -> dict[str, Any]:
    """The API's body of a new target, from the form of its kind."""
    kind = form.get("kind", "")
    body: dict[str, Any] = {"round_table_id": form.get("round_table_id", ""), "kind": kind}
    if kind == "kpi":
        body.update(kpi=form.get("kpi", ""), value=number(form.get("value", "")))
    elif kind == "audit_section":
        body.update(section_id=form.get("section_id", ""), value=number(form.get("value", "")))
    if kind == "commitment":
        body.update(party=form.get("party", ""), text=form.get("text", ""))
    else:
        body["due_on"] = form.get("due_on", "")
    return body


def change_body(form: Mapping[str, str], kind: str, kpi: str | None) -> dict[str, Any]:
    """The API's body of a target's change, restating its kind (and KPI)."""
    body: dict[str, Any] = {"kind": kind, "reason": form.get("reason", "")}
    if kind == "commitment":
        body["text"] = form.get("text", "")
        return body
    body.update(value=number(form.get("value", "")), due_on=form.get("due_on", ""))
    if kpi:
        body["kpi"] = kpi
    return body


FIELDS = (
    "participation_id",
    "round_table_id",
    "kind",
    "kpi",
    "section_id",
    "value",
    "due_on",
    "party",
    "text",
)
MESSAGES = {
    "missing": N_("This field is required."),
    "date_from_datetime_parsing": N_("Enter a date."),
    "date_parsing": N_("Enter a date."),
    "float_type": N_("Enter a number."),
    "float_parsing": N_("Enter a number."),
    "greater_than_equal": N_("This number is too small."),
    "less_than_equal": N_("This number is too large."),
    "string_too_short": N_("This is too short."),
    "string_too_long": N_("This is too long."),
    "union_tag_invalid": N_("Choose one of the options."),
    "union_tag_not_found": N_("Choose one of the options."),
}


def errors_of(
    error: ValidationError, language: str, kpi: Kpi | None = None, names: tuple[str, ...] = ()
) -> dict[str, str]:
    """The first problem of each form field in words; a KPI value out of bounds names them."""
    found: dict[str, str] = {}
    fields = names or (*FIELDS, "reason", "measured_on", "how_measured")
    for item in error.errors():
        fallback = names[0] if names else "form"
        field = next((str(p) for p in reversed(item["loc"]) if str(p) in fields), fallback)
        if item["type"] == "out_of_bounds" and kpi is not None:
            bounds = bounds_text(kpi, language)
            text = gettext(language, N_("Enter a value %(bounds)s."), bounds=bounds)
        else:
            text = gettext(
                language, MESSAGES.get(str(item["type"]), N_("This value is not valid."))
            )
        found.setdefault(field, text)
    return found


def _plain(value: Any) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def bounds_text(kpi: Kpi, language: str) -> str:
    """The values a KPI takes, in words: "from 0 to 100 %", or "at least 0 days"."""
    if kpi.max is None:
        return gettext(
            language, N_("at least %(low)s %(unit)s"), low=_plain(kpi.lowest), unit=kpi.unit
        )
    return gettext(
        language, N_("from %(low)s to %(high)s %(unit)s"),
        low=_plain(kpi.lowest), high=_plain(kpi.highest), unit=kpi.unit,
    )  # fmt: skip
