"""The plan forms' fields as the use cases take them: an action with its funding shares by
payer, an action's progress report, a monthly review and KPI readings. Blank fields are left
out, as an omitted JSON field would be, so the input models name what is missing; a refusal
becomes words beside the fields it names."""

from typing import Any

from pydantic import ValidationError

from service.plans.models import ActionCreate, ActionUpdate, Payer, ReviewCreate
from service.plans.views import ActionPublic
from service.web.errors import MESSAGES
from service.web.forms import field_errors
from service.web.plans.views import reasons_in
from service.web.sessions import Viewer
from service.web.templating import gettext

ACTION_FIELDS = (
    "category", "title", "description", "owner", "provider_id", "starts_on", "due_on",
    "estimated_cost",
)  # fmt: skip
SHARE_FIELDS = tuple(f"share-{payer.value}" for payer in Payer)
BLANK_ACTION: dict[str, Any] = {"findings": []}
PROGRESS_FIELDS = ("status", "progress", "actual_cost", "cancel_reason")


def whole(text: str) -> int:
    """A whole number typed in a form (ValueError when it is not one)."""
    return int(text.strip())


def action_values(form: dict[str, str]) -> dict[str, Any]:
    """What the action form sent, kept as typed to show it again."""
    values: dict[str, Any] = {name: form.get(name, "") for name in (*ACTION_FIELDS, *SHARE_FIELDS)}
    values["findings"] = [
        name.removeprefix("finding-") for name in form if name.startswith("finding-")
    ]
    return values


def action_create(values: dict[str, Any]) -> ActionCreate:
    """The action as the use case takes it; funding shares in the order of the payers."""
    body = {name: values[name].strip() for name in ACTION_FIELDS if values[name].strip()}
    body["funding"] = [
        {"payer": payer.value, "percent": values[f"share-{payer.value}"].strip()}
        for payer in Payer
        if values[f"share-{payer.value}"].strip()
    ]
    body["finding_ids"] = values["findings"]
    return ActionCreate.model_validate(body)


def progress_values(action: ActionPublic) -> dict[str, str]:
    """The action's reported fields as the edit form shows them."""
    return {
        "status": action.status.value,
        "progress": str(action.progress),
        "actual_cost": "" if action.actual_cost is None else str(action.actual_cost),
        "cancel_reason": action.cancel_reason or "",
    }


def action_update(values: dict[str, str]) -> dict[str, Any]:
    """The progress report as the use case takes it: a blank cost is no cost, a blank
    reason is no reason."""
    body: dict[str, Any] = {"status": values["status"], "progress": whole(values["progress"])}
    body["actual_cost"] = values["actual_cost"].strip() or None
    if values["cancel_reason"].strip():
        body["cancel_reason"] = values["cancel_reason"]
    return body


def detail_values(action: ActionPublic) -> dict[str, str]:
    """What the action is, as the edit form shows it: blanks for nothing, shares by payer."""
    values = {
        "category": action.category.value,
        "title": action.title,
        "description": action.description or "",
        "owner": action.owner or "",
        "provider_id": "" if action.provider_id is None else str(action.provider_id),
        "starts_on": action.starts_on.isoformat(),
        "due_on": action.due_on.isoformat(),
        "estimated_cost": str(action.estimated_cost),
    }
    shares = {share.payer.value: f"{share.percent.normalize():f}" for share in action.funding}
    return {**values, **{f"share-{payer.value}": shares.get(payer.value, "") for payer in Payer}}


def action_details(values: dict[str, Any], action: ActionPublic) -> ActionUpdate:
    """The edit as the use case takes it: a blank description, person or provider is none (a
    blank provider: to be tendered); each payer keeps the organization its share names."""
    body: dict[str, Any] = {name: values[name].strip() or None for name in ACTION_FIELDS}
    organizations = {share.payer.value: share.organization_id for share in action.funding}
    body["funding"] = [
        {
            "payer": payer.value,
            "organization_id": organizations.get(payer.value),
            "percent": values[f"share-{payer.value}"].strip(),
        }
        for payer in Payer
        if values[f"share-{payer.value}"].strip()
    ]
    return ActionUpdate.model_validate(body)


def readings(form: dict[str, str], prefix: str) -> list[dict[str, Any]]:
    """KPI readings typed as `<prefix><kpi>` fields, measured on the form's `measured_on`."""
    return [
        {
            "kpi": name.removeprefix(prefix),
            "value": float(value),
            "measured_on": form.get("measured_on", ""),
        }
        for name, value in form.items()
        if name.startswith(prefix) and value.strip()
    ]


def review_create(form: dict[str, str]) -> ReviewCreate:
    """A monthly review from its form: progress per action and the KPI readings."""
    progress = [
        {"action_id": name.removeprefix("progress-"), "progress": whole(value)}
        for name, value in form.items()
        if name.startswith("progress-") and value.strip()
    ]
    body: dict[str, Any] = {
        "held_on": form.get("held_on", ""),
        "notes": form.get("notes", ""),
        "progress": progress,
        "kpis": readings({**form, "measured_on": form.get("held_on", "")}, "kpi-"),
    }
    if form.get("next_steps", "").strip():
        body["next_steps"] = form["next_steps"]
    return ReviewCreate.model_validate(body)


def refusal(page: Viewer, error: Exception) -> dict[str, Any]:
    """A refused or invalid form in words: the page's message, the service's reasons in the
    user's language, and the fields it names."""
    page.session.rollback()
    if isinstance(error, ValidationError):
        errors = field_errors(error, page.language)
        return {"error": gettext(page.language, MESSAGES[422]), "error_reasons": [],
                "errors": errors}  # fmt: skip
    status = getattr(error, "status", 422)
    extra = getattr(error, "extra", {})
    named = {
        str(item["field"]).split(".")[0]: reasons_in([item["message"]], page.language)[0]
        for item in extra.get("errors") or []
    }
    reasons = extra.get("blocked_by") or [getattr(error, "detail", "")]
    return {
        "error": gettext(page.language, MESSAGES.get(status, MESSAGES[500])),
        "error_reasons": reasons_in(reasons, page.language),
        "errors": named,
        "status": status,
    }
