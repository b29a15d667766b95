"""Improvement-plan pages: an engagement's plans and the form that opens one; a plan with its
actions, health, approvals and transitions; its Gantt view; the action editor; the monthly
review; the final KPI values that let it close."""

import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from service.accounts.models import Role
from service.analyses.models import KpiSource
from service.engagements import access as engagement_access
from service.engagements.models import Engagement
from service.errors import NotFound, PreconditionFailed, ProblemError
from service.plans import access, actions, reviews, service
from service.plans import views as plan_views
from service.plans.models import (
    Action,
    ActionUpdate,
    FinalKpis,
    Plan,
    PlanCreate,
    PlanTrigger,
    PlanWindow,
)
from service.programmes.calendar import today_in
from service.web.plans import forms
from service.web.plans.gantt import timeline
from service.web.plans.views import (
    action_choices,
    plan_page,
    plan_window,
    plans_page,
    provider_name,
)
from service.web.sessions import FormViewerDep, Viewer, ViewerDep
from service.web.templating import render

router = APIRouter(include_in_schema=False)
UNIT = (Role.admin, Role.broker)
READERS = (Role.admin, Role.broker, Role.buyer, Role.supplier)


def _locking(page: Viewer) -> bool:
    return page.request.method != "GET"


def _engagement(page: Viewer, engagement_id: uuid.UUID) -> Engagement:
    if page.user.role not in (*UNIT, Role.buyer):
        raise NotFound("no such page")  # a supplier reaches its own plan from its portal
    return engagement_access.get_visible_engagement(
        page.session, page.user, engagement_id, _locking(page)
    )


def _plan(page: Viewer, plan_id: uuid.UUID, roles: tuple[Role, ...] = READERS) -> Any:
    if page.user.role not in roles:
        raise NotFound("no such plan")
    return access.get_visible_plan(page.session, page.user, plan_id, _locking(page))


def _action(page: Viewer, action_id: uuid.UUID) -> tuple[Action, Plan, Engagement]:
    if page.user.role not in UNIT:
        raise NotFound("no such action")  # firms and providers report from their portals
    return access.get_visible_action(page.session, page.user, action_id, _locking(page))


@router.get("/engagements/{engagement_id}/plans")
def plans(engagement_id: uuid.UUID, page: ViewerDep) -> Response:
    """The engagement's improvement plans with their health, and the form that opens one."""
    engagement = _engagement(page, engagement_id)
    return render(
        page.request, "plans.html", page.language, page, values={"months": "6"}, errors={},
        **plans_page(page, engagement),
    )  # fmt: skip


@router.post("/engagements/{engagement_id}/plans")
def open_plan(engagement_id: uuid.UUID, page: FormViewerDep) -> Response:
    """Open the plan of an analysed supplier or of the buyer."""
    engagement = _engagement(page, engagement_id)
    values = {name: page.form.get(name, "") for name in ("firm", "starts_on", "months")}
    try:
        engagement_access.require_action(page.user, engagement)
        firm = values["firm"]
        data = PlanCreate.model_validate(
            {"participation_id": None if firm == "buyer" else firm or None,
             "starts_on": values["starts_on"], "months": forms.whole(values["months"])}
        )  # fmt: skip
        plan = service.open_plan(
            session=page.session, actor=page.user, engagement=engagement, data=data
        )
    except (ValueError, ProblemError) as error:
        found = forms.refusal(page, error)
        engagement = _engagement(page, engagement_id)
        return render(
            page.request, "plans.html", page.language, page, status=found.pop("status", 422),
            values=values, **found, **plans_page(page, engagement),
        )  # fmt: skip
    return RedirectResponse(f"/plans/{plan.id}", status_code=303)


def _show(page: Viewer, plan_id: uuid.UUID, status: int = 200, **extra: Any) -> Response:
    plan, engagement = _plan(page, plan_id)
    context = plan_page(page, plan, engagement)
    return render(page.request, "plan.html", page.language, page, status=status,
                  **{**context, **extra})  # fmt: skip


@router.get("/plans/{plan_id}")
def plan(plan_id: uuid.UUID, page: ViewerDep) -> Response:
    """One plan: its actions, costs and funding, health, approvals, reviews and KPIs."""
    return _show(page, plan_id)


@router.get("/plans/{plan_id}/gantt")
def gantt(plan_id: uuid.UUID, page: ViewerDep) -> Response:
    """The plan's actions on a month timeline, today marked and late actions highlighted."""
    found, engagement = _plan(page, plan_id)
    context = plan_page(page, found, engagement)
    public = context["plan"]
    today = today_in(page.session, found.programme_id)
    chart = timeline(public.starts_on, public.months, public.actions, context["late"], today)
    return render(page.request, "plan_gantt.html", page.language, page, chart=chart,
                  today=today, **context)  # fmt: skip


@router.post("/plans/{plan_id}/transitions/{trigger}")
def transition(plan_id: uuid.UUID, trigger: PlanTrigger, page: FormViewerDep) -> Response:
    """Submit, return to draft (with a reason), start, finish or close; refused, the page
    says why in the user's language."""
    found, engagement = _plan(page, plan_id)
    try:
        access.require_write(page.user, engagement, found)
        service.transition(
            session=page.session, actor=page.user, engagement=engagement, plan=found,
            trigger=trigger.value, reason=page.form.get("reason", "").strip() or None,
            version=forms.whole(page.form.get("version", "")),
        )  # fmt: skip
    except (ValueError, ProblemError) as error:
        found_error = forms.refusal(page, error)
        return _show(page, plan_id, found_error.pop("status", 422), **found_error)
    return RedirectResponse(f"/plans/{plan_id}", status_code=303)


@router.post("/plans/{plan_id}/window")
def change_window(plan_id: uuid.UUID, page: FormViewerDep) -> Response:
    """Move or lengthen a draft plan; refused or stale, the dates typed are kept."""
    found, engagement = _plan(page, plan_id)
    values = {name: page.form.get(name, "") for name in ("starts_on", "months")}
    try:
        access.require_write(page.user, engagement, found)
        data = PlanWindow.model_validate(
            {"starts_on": values["starts_on"], "months": forms.whole(values["months"])}
        )
        service.change_window(
            session=page.session, actor=page.user, plan=found, starts_on=data.starts_on,
            months=data.months, version=forms.whole(page.form.get("version", "")),
        )  # fmt: skip
    except (ValueError, ProblemError) as error:
        found_error = forms.refusal(page, error)
        status = found_error.pop("status", 422)
        return _show(page, plan_id, status, window_values=values, **found_error)
    return RedirectResponse(f"/plans/{plan_id}", status_code=303)


@router.post("/plans/{plan_id}/approvals")
def approve(plan_id: uuid.UUID, page: FormViewerDep) -> Response:
    """Approve the submitted plan for the viewer's party; the last approval approves it."""
    found, engagement = _plan(page, plan_id)
    try:
        service.approve(
            session=page.session, actor=page.user, engagement=engagement, plan=found,
            version=forms.whole(page.form.get("version", "")),
        )  # fmt: skip
    except (ValueError, ProblemError) as error:
        found_error = forms.refusal(page, error)
        return _show(page, plan_id, found_error.pop("status", 422), **found_error)
    return RedirectResponse(f"/plans/{plan_id}#approvals", status_code=303)


@router.post("/plans/{plan_id}/final-kpis")
def final_kpis(plan_id: uuid.UUID, page: FormViewerDep) -> Response:
    """Record the KPI values measured at the end of the plan."""
    found, engagement = _plan(page, plan_id)
    try:
        engagement_access.require_action(page.user, engagement)
        data = FinalKpis.model_validate({"values": forms.readings(page.form, "final-")})
        reviews.record_kpis(
            session=page.session, actor=page.user, plan=found, readings=data.values,
            source=KpiSource.final, version=forms.whole(page.form.get("version", "")),
        )  # fmt: skip
    except (ValueError, ProblemError) as error:
        found_error = forms.refusal(page, error)
        return _show(page, plan_id, found_error.pop("status", 422), final_values=page.form,
                     **found_error)  # fmt: skip
    return RedirectResponse(f"/plans/{plan_id}#kpis", status_code=303)


def _action_form(page: Viewer, plan_id: uuid.UUID, status: int = 200, **extra: Any) -> Response:
    found, engagement = _plan(page, plan_id, UNIT)
    public = plan_views.public(page.session, found)
    context = {"values": forms.BLANK_ACTION, "errors": {}, **extra}
    return render(
        page.request, "plan_action.html", page.language, page, status=status, plan=public,
        engagement=engagement, may_write=access.may_write(page.user, engagement, found),
        **action_choices(page, found), **context,
    )  # fmt: skip


@router.get("/plans/{plan_id}/actions/new")
def new_action(plan_id: uuid.UUID, page: ViewerDep) -> Response:
    """The form that adds an action with its funding shares."""
    return _action_form(page, plan_id)


@router.post("/plans/{plan_id}/actions")
def add_action(plan_id: uuid.UUID, page: FormViewerDep) -> Response:
    """Add the action; invalid, refused or stale, the form comes back with the input kept."""
    found, engagement = _plan(page, plan_id, UNIT)
    values = forms.action_values(page.form)
    try:
        access.require_write(page.user, engagement, found)
        actions.add_action(
            session=page.session, actor=page.user, plan=found, data=forms.action_create(values),
            version=forms.whole(page.form.get("version", "")),
        )  # fmt: skip
    except (ValueError, ProblemError) as error:
        stale = isinstance(error, PreconditionFailed)
        found_error = forms.refusal(page, error)
        status = found_error.pop("status", 422)
        return _action_form(page, plan_id, status, values=values, changed=stale, **found_error)
    return RedirectResponse(f"/plans/{plan_id}#actions", status_code=303)


def _edit_form(page: Viewer, action_id: uuid.UUID, status: int = 200, **extra: Any) -> Response:
    action, found, engagement = _action(page, action_id)
    public = plan_views.action_view(page.session, action)
    context = {
        "values": forms.progress_values(public), "errors": {},
        "details": forms.detail_values(public), "detail_errors": {}, **extra,
    }  # fmt: skip
    return render(
        page.request, "plan_action_edit.html", page.language, page, status=status,
        action=public, plan=plan_window(page, found), engagement=engagement,
        may_edit=access.may_write(page.user, engagement, found),
        provider=provider_name(page, public.provider_id), **action_choices(page, found), **context,
    )  # fmt: skip


@router.get("/actions/{action_id}")
def action(action_id: uuid.UUID, page: ViewerDep) -> Response:
    """One action with its funding, the form that reports progress, status and cost, and,
    while its plan is a draft, the form that changes what the action is."""
    return _edit_form(page, action_id)


@router.post("/actions/{action_id}")
def update_action(action_id: uuid.UUID, page: FormViewerDep) -> Response:
    """Save progress, status and cost; a stale save keeps the input and shows the new values."""
    found_action, found, engagement = _action(page, action_id)
    values = {name: page.form.get(name, "") for name in forms.PROGRESS_FIELDS}
    try:
        access.require_report(page.user, engagement, found, found_action)
        actions.update_action(
            session=page.session, actor=page.user, plan=found, action=found_action,
            data=ActionUpdate.model_validate(forms.action_update(values)),
            version=forms.whole(page.form.get("version", "")),
            may_edit=access.may_write(page.user, engagement, found),
        )  # fmt: skip
    except (ValueError, ProblemError) as error:
        stale = isinstance(error, PreconditionFailed)
        found_error = forms.refusal(page, error)
        status = found_error.pop("status", 422)
        return _edit_form(page, action_id, status, values=values, changed=stale, **found_error)
    return RedirectResponse(f"/plans/{found.id}#actions", status_code=303)


@router.post("/actions/{action_id}/details")
def edit_action(action_id: uuid.UUID, page: FormViewerDep) -> Response:
    """Change what a draft plan's action is: title, description, person, category, provider,
    dates, estimated cost and funding; refused or stale, the input is kept beside the values
    saved now."""
    found_action, found, engagement = _action(page, action_id)
    details = forms.action_values(page.form)
    try:
        access.require_write(page.user, engagement, found)
        public = plan_views.action_view(page.session, found_action)
        actions.update_action(
            session=page.session, actor=page.user, plan=found, action=found_action,
            data=forms.action_details(details, public),
            version=forms.whole(page.form.get("version", "")), may_edit=True,
        )  # fmt: skip
    except (ValueError, ProblemError) as error:
        stale = isinstance(error, PreconditionFailed)
        found_error = forms.refusal(page, error)
        status = found_error.pop("status", 422)
        return _edit_form(
            page, action_id, status, details=details, detail_errors=found_error.pop("errors"),
            details_changed=stale, **found_error,
        )  # fmt: skip
    return RedirectResponse(f"/actions/{action_id}", status_code=303)


def _review_form(page: Viewer, plan_id: uuid.UUID, status: int = 200, **extra: Any) -> Response:
    found, engagement = _plan(page, plan_id, UNIT)
    context = plan_page(page, found, engagement)
    today = today_in(page.session, found.programme_id)
    values = extra.pop("values", {"held_on": today.isoformat()})
    return render(
        page.request, "plan_review.html", page.language, page, status=status,
        values=values, errors=extra.pop("errors", {}), today=today, **{**context, **extra},
    )  # fmt: skip


@router.get("/plans/{plan_id}/review")
def review_form(plan_id: uuid.UUID, page: ViewerDep) -> Response:
    """The monthly review form: progress per action, notes, next steps and KPI readings."""
    return _review_form(page, plan_id)


@router.post("/plans/{plan_id}/reviews")
def add_review(plan_id: uuid.UUID, page: FormViewerDep) -> Response:
    """Record the monthly review; refused or invalid, the form keeps what was typed."""
    found, engagement = _plan(page, plan_id, UNIT)
    try:
        engagement_access.require_action(page.user, engagement)
        reviews.add_review(
            session=page.session, actor=page.user, plan=found,
            data=forms.review_create(page.form), version=forms.whole(page.form.get("version", "")),
        )  # fmt: skip
    except (ValueError, ProblemError) as error:
        found_error = forms.refusal(page, error)
        status = found_error.pop("status", 422)
        return _review_form(page, plan_id, status, values=dict(page.form), **found_error)
    return RedirectResponse(f"/plans/{plan_id}#reviews", status_code=303)
