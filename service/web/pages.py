"""What the workbench pages show, gathered from the domains' queries, access rules and views
(the same the API uses): the home list, an engagement with its stepper, candidates, history
and transitions, and the choices its forms offer."""

import uuid
from typing import Any

from sqlmodel import Session

from service.accounts.models import Role, User, UserUpdate
from service.accounts.queries import user_page
from service.audits import queries as audit_queries
from service.deps import resolve_token
from service.engagements import access, queries, views
from service.engagements.facts import engagement_snapshot, engagement_snapshots
from service.engagements.models import Engagement, EngagementPublic
from service.errors import NotAuthenticated
from service.plans import queries as plan_queries
from service.programmes import members
from service.programmes.models import OrganizationKind
from service.programmes.queries import organization_page
from service.tracking import access as tracking_access
from service.tracking import service as tracking
from service.tracking.models import Filters
from service.types import Language
from service.web import labels
from service.web.audits.views import audits_of, templates_for_suppliers
from service.web.plans.labels import PLAN_STATES
from service.web.reasons import all_translated, fixed_on, translated
from service.web.sessions import Viewer
from workflows import Phase, available, can_add_candidate

LIST_LIMIT = 50
CHOICES_LIMIT = 200
SIDE_TRIGGERS = ("hold", "resume", "withdraw")


def set_own_language(session: Session, raw_token: str, language: Language) -> None:
    """Keep the language as the signed-in user's own setting (a user changing themself)."""
    try:
        user, _token = resolve_token(session, raw_token)
    except NotAuthenticated:
        return
    members.update_user(session=session, actor=user, user=user, data=UserUpdate(language=language))


def workbench(
    page: Viewer, broker_id: uuid.UUID | None, cursor: str | None = None
) -> dict[str, Any]:
    """The engagements on the home page (a broker's own), with their next step, and the
    overdue actions and missed reviews among them."""
    listing = queries.engagement_page(
        page.session,
        page.user,
        phase=None,
        buyer_id=None,
        broker_id=broker_id,
        cursor=cursor,
        limit=LIST_LIMIT,
    )
    filters = Filters(broker_id=broker_id)
    overdue = tracking.overdue_actions(
        session=page.session, user=page.user, filters=filters, cursor=None, limit=LIST_LIMIT
    )
    missed = (
        tracking.missed_reviews(session=page.session, user=page.user, filters=filters)
        if tracking_access.follows_reviews(page.user)
        else []
    )
    return {
        "engagements": listing.items,
        # The guard reasons name the candidates: only who may open the engagement page reads them.
        "blockers": blockers(page, listing.items)
        if page.user.role in (Role.admin, Role.broker, Role.buyer)
        else None,
        "firm_plans": plan_queries.firm_plans(page.session, page.user, LIST_LIMIT)
        if page.user.role in (Role.buyer, Role.supplier)
        else [],
        "plan_state": PLAN_STATES,
        "next_cursor": listing.next_cursor,
        "next_trigger": labels.NEXT_TRIGGER,
        "overdue": overdue.items,
        "missed": missed,
        "titles": {row.id: row.title for row in listing.items},
    }


def blockers(page: Viewer, engagements: list[EngagementPublic]) -> dict[Any, list[tuple[str, str]]]:
    """What blocks each engagement's next step: each guard reason in the viewer's language,
    with the page where it is fixed (read for every engagement in a fixed number of reads)."""
    snapshots = engagement_snapshots(page.session, engagements)
    found: dict[Any, list[tuple[str, str]]] = {}
    for engagement in engagements:
        trigger = labels.NEXT_TRIGGER.get(engagement.phase)
        checks = {check.trigger: check for check in available(snapshots[engagement.id])}
        reasons = checks[trigger].blocked_by if trigger else ()
        found[engagement.id] = [
            (translated(reason, page.language), fixed_on(reason, engagement.id))
            for reason in reasons
        ]
    return found


def engagement_page(page: Viewer, engagement: Engagement) -> dict[str, Any]:
    """Everything the engagement page shows to this viewer."""
    session, user = page.session, page.user
    rows = queries.participations_of(session, user, engagement)
    candidates = views.participations(session, rows)
    history = queries.event_page(session, user, engagement, cursor=None, limit=LIST_LIMIT)
    may_act = access.may_act(user, engagement)
    checks = {check.trigger: check for check in available(engagement_snapshot(session, engagement))}
    next_trigger = labels.NEXT_TRIGGER.get(engagement.phase)
    next_check = checks.get(next_trigger) if next_trigger else None
    return {
        "engagement": views.engagement_public(session, engagement),
        "steps": labels.STEPS,
        "reached": _reached(engagement),
        "candidates": candidates,
        "events": history.items,
        "may_act": may_act,
        "next_check": next_check,
        "next_reasons": all_translated(next_check.blocked_by, page.language) if next_check else [],
        "side_checks": [checks[name] for name in SIDE_TRIGGERS if checks[name].allowed],
        "may_add_candidate": may_act and can_add_candidate(engagement.phase),
        "suppliers": _suppliers(page, candidates) if may_act else [],
        "may_decide": access.may_decide_selection(user, engagement),
        "brokers": brokers(session, user) if user.role == Role.admin else [],
        "audits": audits_of(session, audit_queries.audits_of(session, user, engagement)),
        "templates": templates_for_suppliers(page.language) if may_act else [],
        "may_audit": may_act and engagement.phase == Phase.supplier_evaluation,
        "audit_refused": page.request.query_params.get("audit") == "refused",
    }


def _reached(engagement: Engagement) -> int:
    """How many steps of the stepper are done (for a held engagement, where it was held)."""
    phase = engagement.held_phase if engagement.phase == Phase.on_hold else engagement.phase
    return labels.STEPS.index(phase) if phase in labels.STEPS else -1


def _suppliers(page: Viewer, candidates: list[Any]) -> list[Any]:
    """Suppliers of the programme that are not candidates yet."""
    taken = {row.supplier_id for row in candidates}
    return [
        row
        for row in organizations(page.session, page.user, OrganizationKind.supplier)
        if row.id not in taken
    ]


def organizations(session: Session, user: User, kind: OrganizationKind | None) -> list[Any]:
    """The organizations the user may see (of one kind), for a form's choices."""
    return organization_page(
        session, viewer=user, kind=kind, cursor=None, limit=CHOICES_LIMIT
    ).items


def brokers(session: Session, user: User) -> list[Any]:
    """The programme's brokers the user may see, for the broker assignment."""
    return user_page(
        session,
        viewer=user,
        role=Role.broker,
        organization_id=None,
        cursor=None,
        limit=CHOICES_LIMIT,
    ).items


def user_list(session: Session, user: User) -> list[Any]:
    """The users the viewer may see, for the users page."""
    return user_page(
        session, viewer=user, role=None, organization_id=None, cursor=None, limit=CHOICES_LIMIT
    ).items
