"""Every endpoint × every role × own and foreign programme: 404 hides, 403 refuses.

The ENDPOINTS table must name every route of the application (a test checks it), so each new
endpoint arrives with its expectations for every role.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from service.accounts.models import Role
from service.app import app
from service.programmes.models import OrganizationKind
from tests.factories import Tenant, fill_tenant, make_superuser, make_supplier, make_tenant
from tests.snapshots import Rows, detach_loaded

SUPERUSER = "superuser"
ROLES: list[Role | str] = [*Role, SUPERUSER]


@dataclass
class World:
    """Programme A (the caller's) and programme B (foreign), plus a platform superuser."""

    own: Tenant
    foreign: Tenant
    superuser_token: str
    spare_supplier: uuid.UUID  # an own-programme supplier not yet a candidate

    def headers(self, role: Role | str) -> dict[str, str]:
        if role == SUPERUSER:
            return {"Authorization": f"Bearer {self.superuser_token}"}
        return self.own.headers(Role(role))


@dataclass(frozen=True)
class Endpoint:
    """A route, how to fill its path from a tenant, a body, and each role's expected status."""

    method: str
    path: str
    fill: Callable[[Tenant], dict[str, Any]]
    expected: dict[Role | str, int]
    body: Callable[[str, World], dict[str, Any]] | None = None
    has_foreign_object: bool = True
    if_match: bool = False
    params: dict[str, str] | None = None


def supplier_org(tenant: Tenant) -> dict[str, Any]:
    return {"organization_id": tenant.organizations[OrganizationKind.supplier].id}


def supplier_user(tenant: Tenant) -> dict[str, Any]:
    return {"user_id": tenant.users[Role.supplier].id}


def programme(tenant: Tenant) -> dict[str, Any]:
    return {"programme_id": tenant.programme.id}


def nothing(_tenant: Tenant) -> dict[str, Any]:
    return {}


def statuses(default: int, **overrides: int) -> dict[Role | str, int]:
    """Expected status per role: the default, with named exceptions."""
    return {role: overrides.get(str(role), default) for role in ROLES}


def new_organization(tag: str, _world: World) -> dict[str, Any]:
    return {"name": f"Plásticos {tag}", "kind": "supplier"}


def engagement(tenant: Tenant) -> dict[str, Any]:
    return {"engagement_id": tenant.engagement.id}


def participation(tenant: Tenant) -> dict[str, Any]:
    return {"engagement_id": tenant.engagement.id, "participation_id": tenant.participation.id}


def new_engagement(tag: str, world: World) -> dict[str, Any]:
    buyer = world.own.organizations[OrganizationKind.buyer].id
    return {"buyer_id": str(buyer), "title": f"Engagement {tag}"}


def new_candidate(_tag: str, world: World) -> dict[str, Any]:
    return {"supplier_id": str(world.spare_supplier)}


def with_reason(tag: str, _world: World) -> dict[str, Any]:
    return {"reason": f"reason given by {tag}"}


def audit(tenant: Tenant) -> dict[str, Any]:
    assert tenant.audit is not None
    return {"audit_id": tenant.audit.id}


def evidence(tenant: Tenant) -> dict[str, Any]:
    assert tenant.evidence is not None
    return {**audit(tenant), "evidence_id": tenant.evidence.id}


def new_audit(_tag: str, world: World) -> dict[str, Any]:
    assert world.own.participation is not None
    return {
        "participation_id": str(world.own.participation.id),
        "template_id": "supplier-evaluation",
        "template_version": 1,
        "purpose": "evaluation",
    }


def round_table(tenant: Tenant) -> dict[str, Any]:
    assert tenant.round_table is not None
    return {"round_table_id": tenant.round_table.id}


def new_round_table(tag: str, _world: World) -> dict[str, Any]:
    return {
        "title": f"Round table {tag}",
        "starts_at": "2027-01-20T15:00:00-06:00",
        "timezone": "America/Managua",
        "agenda": ["Requirements"],
    }


def target(tenant: Tenant) -> dict[str, Any]:
    assert tenant.target is not None
    return {"target_id": tenant.target.id}


def new_target(_tag: str, world: World) -> dict[str, Any]:
    assert world.own.round_table is not None
    return {
        "round_table_id": str(world.own.round_table.id),
        "kind": "kpi",
        "kpi": "defect_rate",
        "value": 5000,
        "due_on": "2027-06-30",
    }


def analysis(tenant: Tenant) -> dict[str, Any]:
    assert tenant.analysis is not None
    return {"analysis_id": tenant.analysis.id}


def plan(tenant: Tenant) -> dict[str, Any]:
    assert tenant.plan is not None
    return {"plan_id": tenant.plan.id}


def action(tenant: Tenant) -> dict[str, Any]:
    assert tenant.action is not None
    return {"action_id": tenant.action.id}


def report(tenant: Tenant) -> dict[str, Any]:
    assert tenant.report is not None
    return {"report_id": tenant.report.id}


def new_action(tag: str, _world: World) -> dict[str, Any]:
    return {
        "category": "technical_assistance",
        "title": f"Assistance {tag}",
        "starts_on": "2027-02-01",
        "due_on": "2027-04-30",
        "estimated_cost": "800.00",
        "funding": [{"payer": "firm", "percent": "50"}, {"payer": "buyer", "percent": "50"}],
    }


def tender(tenant: Tenant) -> dict[str, Any]:
    assert tenant.tender is not None
    return {"tender_id": tenant.tender.id}


def lot(tenant: Tenant) -> dict[str, Any]:
    assert tenant.lot is not None
    return {"lot_id": tenant.lot.id}


def clarification(tenant: Tenant) -> dict[str, Any]:
    assert tenant.clarification is not None
    return {**tender(tenant), "clarification_id": tenant.clarification.id}


def awarded_tender(tenant: Tenant) -> dict[str, Any]:
    assert tenant.awarded_tender is not None
    return {"tender_id": tenant.awarded_tender.id}


def awarded_lot(tenant: Tenant) -> dict[str, Any]:
    assert tenant.awarded_lot is not None
    return {"lot_id": tenant.awarded_lot.id}


def trigger(tenant: Tenant) -> dict[str, Any]:
    return {**tender(tenant), "trigger": "close"}


def provider_org(tenant: Tenant) -> dict[str, Any]:
    return {"organization_id": tenant.organizations[OrganizationKind.provider].id}


def new_tender(tag: str, _world: World) -> dict[str, Any]:
    return {
        "title": f"Call {tag}",
        "description": "Training.",
        "deadline_at": "2027-03-15T17:00:00Z",
        "clarification_ends_at": "2027-03-10T17:00:00Z",
        "criteria": [{"key": "price", "name": "Price", "weight": 100, "price": True}],
    }


def new_bid(tag: str, _world: World) -> dict[str, Any]:
    return {
        "price": "5000.00",
        "approach": f"Approach {tag}",
        "team": "Team",
        "starts_on": "2027-02-01",
        "duration_days": 30,
    }


def new_lot(tag: str, world: World) -> dict[str, Any]:
    assert world.own.action is not None
    return {
        "title": f"Lot {tag}",
        "category": "training",
        "scope": "Courses.",
        "deliverables": "Material.",
        "starts_on": "2027-02-01",
        "due_on": "2027-04-30",
        "budget_ceiling": "9000.00",
        "action_ids": [str(world.own.action.id)],
    }


def own_broker(_tag: str, world: World) -> dict[str, Any]:
    return {"user_id": str(world.own.users[Role.broker].id)}


def own_provider(_tag: str, world: World) -> dict[str, Any]:
    return {"organization_id": str(world.own.organizations[OrganizationKind.provider].id)}


TENDER = "/api/v1/tenders/{tender_id}"
LOT = "/api/v1/lots/{lot_id}"
# Tenders: the unit and invited (or, for an open call, every) provider see them.
SEES_TENDER = statuses(404, admin=200, broker=200, provider=200)
RUNS_TENDER = statuses(404, admin=200, broker=403, provider=403)
UNIT_REFUSED_BY_RULE = statuses(404, admin=409, broker=403, provider=403)
BIDDER = statuses(404, admin=403, broker=403, provider=409)
# After the award: the declared evaluator and administrators read bids, scores and ranking.
OPENED = statuses(404, admin=200, broker=200, provider=403)
NOT_EVALUATOR = statuses(404, admin=403, broker=403, provider=403)


UNIT_AND_FIRMS = {"admin": 200, "broker": 200, "buyer": 200, "supplier": 200}
ENGAGEMENTS = "/api/v1/engagements/{engagement_id}"
PARTICIPATION = ENGAGEMENTS + "/participations/{participation_id}"
AUDIT = "/api/v1/audits/{audit_id}"
ROUND_TABLE = "/api/v1/round-tables/{round_table_id}"
ACT = statuses(404, admin=200, broker=200, buyer=403, supplier=403)
CREATED = statuses(404, admin=201, broker=201, buyer=403, supplier=403)
ANALYSIS = "/api/v1/analyses/{analysis_id}"
PLAN = "/api/v1/plans/{plan_id}"
# Allowed to act, but the engagement is at enrolment or the plan is a draft: 409.
REFUSED_BY_RULE = statuses(404, admin=409, broker=409, buyer=403, supplier=403)
# Allowed to act, but a reviewed audit is locked: the rule answers 409.
LOCKED = statuses(404, admin=409, broker=409, buyer=403, supplier=403)


WEBHOOK = "/api/v1/webhook-endpoints/{endpoint_id}"


def webhook(tenant: Tenant) -> dict[str, Any]:
    return {"endpoint_id": tenant.webhook.id}  # type: ignore[union-attr]


ENDPOINTS = [
    Endpoint("GET", "/api/v1/me", nothing, statuses(200), has_foreign_object=False),
    Endpoint("GET", "/api/v1/me/tokens", nothing, statuses(200), has_foreign_object=False),
    Endpoint(
        "PATCH",
        "/api/v1/me",
        nothing,
        statuses(200),
        body=lambda tag, _w: {"full_name": f"Myself {tag}", "language": "es"},
        has_foreign_object=False,
    ),
    # Everyone may change their own password, with the current one; a wrong one is 403.
    Endpoint(
        "POST",
        "/api/v1/me/password",
        nothing,
        statuses(403),
        body=lambda _tag, _w: {"current_password": "not my password", "new_password": "x" * 12},
        has_foreign_object=False,
    ),
    Endpoint(
        "POST",
        "/api/v1/me/tokens",
        nothing,
        statuses(201),
        body=lambda tag, _w: {"name": f"token {tag}"},
        has_foreign_object=False,
    ),
    Endpoint("POST", "/api/v1/auth/logout", nothing, statuses(204), has_foreign_object=False),
    Endpoint("GET", "/api/v1/programmes", nothing, statuses(200), has_foreign_object=False),
    Endpoint(
        "POST",
        "/api/v1/programmes",
        nothing,
        statuses(403, superuser=201),
        body=lambda tag, _w: {
            "name": f"Programme {tag}",
            "unit_name": "Unit",
            "admin": {"email": f"{tag}@example.org", "full_name": "A", "password": "x" * 12},
        },
        has_foreign_object=False,
    ),
    Endpoint("GET", "/api/v1/programmes/{programme_id}", programme, statuses(200)),
    Endpoint(
        "PATCH",
        "/api/v1/programmes/{programme_id}",
        programme,
        statuses(403, admin=200, superuser=200),
        body=lambda tag, _w: {"name": f"Renamed {tag}"},
    ),
    Endpoint("GET", "/api/v1/organizations", nothing, statuses(200), has_foreign_object=False),
    Endpoint(
        "POST",
        "/api/v1/organizations",
        nothing,
        statuses(403, admin=201),
        body=new_organization,
        has_foreign_object=False,
    ),
    Endpoint(
        "GET",
        "/api/v1/organizations/{organization_id}",
        supplier_org,
        statuses(404, admin=200, broker=200, supplier=200, observer=200),
    ),
    Endpoint(
        "PATCH",
        "/api/v1/organizations/{organization_id}",
        supplier_org,
        statuses(404, admin=200, broker=403, supplier=403, observer=403),
        body=lambda tag, _w: {"sector": f"bottles {tag}"},
    ),
    Endpoint("GET", "/api/v1/users", nothing, statuses(200), has_foreign_object=False),
    Endpoint(
        "POST",
        "/api/v1/users",
        nothing,
        statuses(403, admin=201),
        body=lambda tag, w: {
            "email": f"new-{tag}@example.org",
            "full_name": "New",
            "role": "broker",
            "organization_id": str(w.own.organizations[OrganizationKind.unit].id),
            "password": "y" * 12,
        },
        has_foreign_object=False,
    ),
    Endpoint(
        "GET",
        "/api/v1/users/{user_id}",
        supplier_user,
        statuses(404, admin=200, broker=200, supplier=200),
    ),
    Endpoint(
        "PATCH",
        "/api/v1/users/{user_id}",
        supplier_user,
        statuses(404, admin=200, broker=403, supplier=403),
        body=lambda tag, _w: {"full_name": f"Renamed {tag}"},
    ),
    Endpoint(
        "DELETE",
        "/api/v1/me/tokens/{token_id}",
        lambda tenant: {"token_id": tenant.programme.id},
        statuses(404),
        has_foreign_object=False,
    ),
    Endpoint("GET", "/api/v1/workflows", nothing, statuses(200), has_foreign_object=False),
    Endpoint("GET", "/api/v1/engagements", nothing, statuses(200), has_foreign_object=False),
    Endpoint(
        "POST",
        "/api/v1/engagements",
        nothing,
        statuses(403, admin=201),
        body=new_engagement,
        has_foreign_object=False,
    ),
    Endpoint("GET", ENGAGEMENTS, engagement, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint(
        "PATCH",
        ENGAGEMENTS,
        engagement,
        statuses(404, admin=200, broker=403, buyer=403, supplier=403),
        body=lambda tag, _w: {"title": f"Renamed {tag}"},
        if_match=True,
    ),
    Endpoint(
        "GET",
        ENGAGEMENTS + "/transitions",
        engagement,
        statuses(404, admin=200, broker=200, buyer=200),
    ),
    Endpoint(
        "POST",
        ENGAGEMENTS + "/transitions/{trigger}",
        lambda tenant: {**engagement(tenant), "trigger": "hold"},
        statuses(404, admin=200, broker=200, buyer=403, supplier=403),
        body=with_reason,
        if_match=True,
    ),
    Endpoint("GET", ENGAGEMENTS + "/events", engagement, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint("GET", ENGAGEMENTS + "/participations", engagement, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint(
        "POST",
        ENGAGEMENTS + "/participations",
        engagement,
        statuses(404, admin=201, broker=201, buyer=403, supplier=403),
        body=new_candidate,
        if_match=True,
    ),
    Endpoint("GET", PARTICIPATION, participation, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint("GET", PARTICIPATION + "/transitions", participation, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint(
        "POST",
        PARTICIPATION + "/transitions/{trigger}",
        lambda tenant: {**participation(tenant), "trigger": "drop"},
        statuses(404, admin=200, broker=200, buyer=403, supplier=403),
        body=with_reason,
        if_match=True,
    ),
    Endpoint(
        "POST",
        PARTICIPATION + "/selection",
        participation,
        # Allowed to decide, but a candidate is not evaluated yet: the guard answers 409.
        statuses(404, admin=409, broker=409, buyer=409, supplier=403),
        body=lambda tag, _w: {"decision": "selected", "reason": f"chosen by {tag}"},
        if_match=True,
    ),
    Endpoint("GET", "/api/v1/audit-templates", nothing, statuses(200), has_foreign_object=False),
    Endpoint(
        "GET",
        "/api/v1/audit-templates/{template_id}/versions/{version}",
        lambda _t: {"template_id": "supplier-evaluation", "version": 1},
        statuses(200),
        has_foreign_object=False,
    ),
    Endpoint(
        "POST",
        ENGAGEMENTS + "/audits",
        engagement,
        statuses(404, admin=201, broker=201, buyer=403, supplier=403),
        body=new_audit,
    ),
    Endpoint("GET", ENGAGEMENTS + "/audits", engagement, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint(
        "GET",
        ENGAGEMENTS + "/comparison",
        engagement,
        statuses(404, admin=200, broker=200, buyer=200),
    ),
    Endpoint("GET", AUDIT, audit, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint(
        "PUT",
        AUDIT + "/answers",
        audit,
        LOCKED,
        if_match=True,
        body=lambda _t, _w: {"answers": [{"question_id": "mgmt-01", "value": 2}]},
    ),
    Endpoint("GET", AUDIT + "/transitions", audit, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint(
        "POST",
        AUDIT + "/transitions/{trigger}",
        lambda t: {**audit(t), "trigger": "reopen"},
        statuses(404, admin=200, broker=403, buyer=403, supplier=403),
        body=with_reason,
        if_match=True,
    ),
    Endpoint(
        "POST",
        AUDIT + "/evidence",
        audit,
        LOCKED,
        params={"question_id": "mgmt-01", "filename": "records.pdf"},
    ),
    Endpoint("GET", AUDIT + "/evidence/{evidence_id}", evidence, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint(
        "POST",
        ENGAGEMENTS + "/round-tables",
        engagement,
        # Allowed to act, but the engagement is at enrolment: the phase rule answers 409.
        statuses(404, admin=409, broker=409, buyer=403, supplier=403),
        body=new_round_table,
    ),
    Endpoint("GET", ENGAGEMENTS + "/round-tables", engagement, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint("GET", ROUND_TABLE, round_table, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint("GET", ROUND_TABLE + "/calendar.ics", round_table, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint(
        "POST",
        ROUND_TABLE + "/reschedule",
        round_table,
        ACT,
        if_match=True,
        body=lambda tag, _w: {"starts_at": "2027-02-01T09:00:00Z", "reason": f"asked by {tag}"},
    ),
    Endpoint(
        "POST",
        ROUND_TABLE + "/hold",
        round_table,
        ACT,
        if_match=True,
        body=lambda tag, w: {
            "minutes": f"Agreed next steps ({tag}).",
            "attendance": [
                {
                    "organization_id": str(w.own.organizations[OrganizationKind.buyer].id),
                    "attendees": ["Ana Pérez"],
                }
            ],
        },
    ),
    Endpoint("POST", ROUND_TABLE + "/cancel", round_table, ACT, if_match=True, body=with_reason),
    Endpoint(
        "POST",
        PARTICIPATION + "/targets",
        participation,
        # Allowed to act, but the participation is a candidate, not selected: 409.
        statuses(404, admin=409, broker=409, buyer=403, supplier=403),
        body=new_target,
    ),
    Endpoint("GET", PARTICIPATION + "/targets", participation, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint("GET", "/api/v1/targets/{target_id}", target, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint(
        "PATCH",
        "/api/v1/targets/{target_id}",
        target,
        ACT,
        if_match=True,
        body=lambda tag, _w: {
            "kind": "kpi",
            "kpi": "on_time_delivery",
            "value": 97,
            "due_on": "2027-06-30",
            "reason": f"revised by {tag}",
        },
    ),
    Endpoint("GET", "/api/v1/targets/{target_id}/history", target, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint(
        "POST",
        ENGAGEMENTS + "/analyses",
        engagement,
        statuses(404, admin=201, broker=201, buyer=403, supplier=403),
        body=lambda tag, _w: {"participation_id": None, "summary": f"Buyer analysis {tag}"},
    ),
    Endpoint("GET", ENGAGEMENTS + "/analyses", engagement, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint("GET", ANALYSIS, analysis, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint(
        "PATCH",
        ANALYSIS,
        analysis,
        ACT,
        if_match=True,
        body=lambda tag, _w: {"summary": f"Revised by {tag}"},
    ),
    Endpoint(
        "POST",
        ANALYSIS + "/findings",
        analysis,
        CREATED,
        body=lambda tag, _w: {
            "area": "other",
            "description": f"Seen by {tag}",
            "severity": "minor",
        },
        if_match=True,
    ),
    Endpoint(
        "POST",
        ANALYSIS + "/baselines",
        analysis,
        CREATED,
        body=lambda _t, _w: {"kpi": "lead_time", "value": 12, "measured_on": "2026-10-01"},
        if_match=True,
    ),
    Endpoint("GET", ANALYSIS + "/transitions", analysis, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint(
        "POST",
        ANALYSIS + "/transitions/{trigger}",
        lambda t: {**analysis(t), "trigger": "approve"},
        # Allowed to act, but the engagement is not in improvement_analysis: 409.
        statuses(404, admin=409, broker=409, buyer=403, supplier=403),
        if_match=True,
    ),
    Endpoint(
        "POST",
        ENGAGEMENTS + "/plans",
        engagement,
        REFUSED_BY_RULE,
        body=lambda _t, _w: {"participation_id": None, "starts_on": "2027-01-01"},
    ),
    Endpoint("GET", ENGAGEMENTS + "/plans", engagement, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint("GET", PLAN, plan, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint(
        "PATCH",
        PLAN,
        plan,
        ACT,
        if_match=True,
        body=lambda _t, _w: {"starts_on": "2027-01-05", "months": 7},
    ),
    Endpoint("GET", PLAN + "/transitions", plan, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint(
        "POST",
        PLAN + "/transitions/{trigger}",
        lambda t: {**plan(t), "trigger": "submit"},
        REFUSED_BY_RULE,
        if_match=True,
    ),
    Endpoint(
        "POST",
        PLAN + "/approvals",
        plan,
        # Each firm approves for its party, but only a submitted plan: 409.
        statuses(404, admin=409, broker=409, buyer=409, supplier=409),
        if_match=True,
    ),
    Endpoint("POST", PLAN + "/actions", plan, CREATED, if_match=True, body=new_action),
    Endpoint(
        "GET", "/api/v1/actions/{action_id}", action, statuses(404, provider=200, **UNIT_AND_FIRMS)
    ),
    Endpoint(
        "PATCH",
        "/api/v1/actions/{action_id}",
        action,
        statuses(404, admin=200, broker=200, buyer=403, supplier=200, provider=200),
        if_match=True,
        body=lambda _t, _w: {"status": "in_progress", "progress": 10},
    ),
    Endpoint(
        "POST",
        PLAN + "/reviews",
        plan,
        REFUSED_BY_RULE,
        if_match=True,
        body=lambda tag, _w: {"held_on": "2026-11-01", "notes": f"Reviewed by {tag}"},
    ),
    Endpoint(
        "POST",
        PLAN + "/final-kpis",
        plan,
        REFUSED_BY_RULE,
        if_match=True,
        body=lambda _t, _w: {
            "values": [{"kpi": "lead_time", "value": 9, "measured_on": "2027-07-01"}]
        },
    ),
    Endpoint(
        "POST",
        PARTICIPATION + "/decision",
        participation,
        # The buyer decides (with the unit), but the candidate's plan is not closed: 409.
        statuses(404, admin=409, broker=409, buyer=409, supplier=403),
        if_match=True,
        body=lambda _t, _w: {"outcome": "partnership", "rationale": "Reliable deliveries"},
    ),
    Endpoint(
        "GET",
        "/api/v1/tracking/overdue-actions",
        nothing,
        statuses(200),
        has_foreign_object=False,
    ),
    Endpoint(
        "GET", "/api/v1/tracking/missed-reviews", nothing, statuses(200), has_foreign_object=False
    ),
    Endpoint("GET", ENGAGEMENTS + "/timeline", engagement, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint("GET", ENGAGEMENTS + "/costs", engagement, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint(
        "GET",
        "/api/v1/programmes/{programme_id}/costs",
        programme,
        statuses(403, admin=200, broker=200, observer=200, superuser=200),
    ),
    Endpoint(
        "POST",
        "/api/v1/reports",
        nothing,
        statuses(404, **dict.fromkeys(UNIT_AND_FIRMS, 201)),
        body=lambda _t, w: {"kind": "plan", "subject_id": str(w.own.plan.id)},  # type: ignore[union-attr]
        has_foreign_object=False,
    ),
    Endpoint("GET", "/api/v1/reports", nothing, statuses(200), has_foreign_object=False),
    Endpoint("GET", "/api/v1/reports/{report_id}", report, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint("GET", "/api/v1/reports/{report_id}/pdf", report, statuses(404, **UNIT_AND_FIRMS)),
    Endpoint(
        "GET",
        "/api/v1/programmes/{programme_id}/events",
        programme,
        statuses(404, admin=200, broker=200, superuser=200),
    ),
    Endpoint(
        "GET",
        "/api/v1/programmes/{programme_id}/history/verification",
        programme,
        statuses(404, admin=200, broker=200, superuser=200),
    ),
    Endpoint(
        "POST",
        "/api/v1/tenders",
        nothing,
        statuses(403, admin=201),
        body=new_tender,
        has_foreign_object=False,
    ),
    Endpoint("GET", "/api/v1/tenders", nothing, statuses(200), has_foreign_object=False),
    Endpoint("GET", TENDER, tender, SEES_TENDER),
    Endpoint(
        "PATCH",
        TENDER,
        tender,
        RUNS_TENDER,
        body=lambda tag, _w: {"description": f"Amended {tag}", "summary": "scope"},
        if_match=True,
    ),
    Endpoint("POST", TENDER + "/lots", tender, UNIT_REFUSED_BY_RULE, body=new_lot),
    Endpoint(
        "POST",
        TENDER + "/invitations",
        tender,
        statuses(404, admin=204, broker=403, provider=403),
        body=own_provider,
    ),
    Endpoint("GET", TENDER + "/transitions", tender, SEES_TENDER),
    Endpoint("GET", TENDER + "/notice.pdf", tender, SEES_TENDER),
    Endpoint("GET", TENDER + "/award-report.pdf", awarded_tender, OPENED),
    Endpoint(
        "POST", TENDER + "/transitions/{trigger}", trigger, UNIT_REFUSED_BY_RULE, if_match=True
    ),
    Endpoint(
        "POST",
        TENDER + "/clarifications",
        tender,
        statuses(404, admin=403, broker=403, provider=201),
        body=lambda tag, _w: {"question": f"Question {tag}?"},
    ),
    Endpoint("GET", TENDER + "/clarifications", tender, SEES_TENDER),
    Endpoint(
        "POST",
        TENDER + "/clarifications/{clarification_id}/answer",
        clarification,
        RUNS_TENDER,
        body=lambda tag, _w: {"answer": f"Answer {tag}"},
    ),
    Endpoint("PUT", LOT + "/bid", lot, BIDDER, body=new_bid),
    Endpoint("DELETE", LOT + "/bid", lot, statuses(404, admin=403, broker=403, provider=200)),
    Endpoint("GET", LOT + "/bid", lot, statuses(404, admin=403, broker=403, provider=200)),
    Endpoint("GET", LOT + "/bids", awarded_lot, OPENED),
    Endpoint(
        "POST",
        TENDER + "/evaluators",
        tender,
        statuses(404, admin=204, broker=403, provider=403),
        body=own_broker,
    ),
    Endpoint(
        "GET", TENDER + "/evaluators", tender, statuses(404, admin=200, broker=200, provider=403)
    ),
    Endpoint(
        "POST",
        TENDER + "/declarations",
        tender,
        NOT_EVALUATOR,
        body=lambda tag, _w: {"statement": f"No conflict, {tag}"},
    ),
    Endpoint(
        "POST",
        TENDER + "/scores",
        tender,
        NOT_EVALUATOR,
        body=lambda _tag, _w: {
            "scores": [{"bid_id": str(uuid.uuid4()), "criterion": "approach", "points": 50}]
        },
    ),
    Endpoint("GET", TENDER + "/scores", awarded_tender, OPENED),
    Endpoint("GET", LOT + "/ranking", awarded_lot, OPENED),
    Endpoint(
        "POST",
        LOT + "/decision",
        lot,
        UNIT_REFUSED_BY_RULE,
        body=lambda tag, _w: {"rationale": f"Rationale {tag}"},
    ),
    Endpoint("POST", TENDER + "/contracts", tender, UNIT_REFUSED_BY_RULE),
    Endpoint(
        "GET", LOT + "/result", awarded_lot, statuses(404, admin=403, broker=403, provider=200)
    ),
    Endpoint(
        "GET",
        "/api/v1/programmes/{programme_id}/tender-policy",
        programme,
        statuses(403, admin=200, broker=200),
    ),
    Endpoint(
        "PUT",
        "/api/v1/programmes/{programme_id}/tender-policy",
        programme,
        statuses(403, admin=200),
        body=lambda _tag, _w: {"standstill_days": 10, "amendment_extension_days": 7},
    ),
    Endpoint("GET", "/api/v1/providers", nothing, statuses(200), has_foreign_object=False),
    Endpoint("GET", "/api/v1/providers/{organization_id}", provider_org, SEES_TENDER),
    Endpoint(
        "PUT",
        "/api/v1/providers/{organization_id}/profile",
        provider_org,
        statuses(404, admin=200, broker=403, provider=200),
        body=lambda _tag, _w: {"categories": ["training"], "sectors": ["Footwear"]},
    ),
    Endpoint(
        "POST",
        "/api/v1/providers/{organization_id}/qualifications",
        provider_org,
        statuses(404, admin=201, broker=403, provider=201),
        body=lambda tag, _w: {"name": f"ISO 9001 {tag}", "expires_on": "2028-01-01"},
    ),
    Endpoint(
        "POST",
        "/api/v1/actions/{action_id}/ratings",
        action,
        statuses(404, admin=403, broker=409, buyer=403, supplier=409, provider=403),
        body=lambda _tag, _w: {"timeliness": 4, "quality": 5, "comment": "Good."},
    ),
]
ENDPOINTS += [
    Endpoint(
        "GET",
        "/api/v1/me/notification-preferences",
        nothing,
        statuses(200),
        has_foreign_object=False,
    ),
    Endpoint(
        "PUT",
        "/api/v1/me/notification-preferences/{kind}",
        lambda _t: {"kind": "reminder.action_due"},
        statuses(200),
        body=lambda _tag, _w: {"cadence": "weekly"},
        has_foreign_object=False,
    ),
    Endpoint("POST", "/api/v1/me/calendar-feed", nothing, statuses(201), has_foreign_object=False),
    Endpoint(
        "DELETE", "/api/v1/me/calendar-feed", nothing, statuses(204), has_foreign_object=False
    ),
    Endpoint(
        "GET",
        "/api/v1/webhook-endpoints",
        nothing,
        statuses(403, admin=200),
        has_foreign_object=False,
    ),
    Endpoint(
        "POST",
        "/api/v1/webhook-endpoints",
        nothing,
        statuses(403, admin=201),
        body=lambda tag, _w: {
            "url": f"https://93.184.216.34/{tag}",
            "event_types": ["plan.submitted"],
        },
        has_foreign_object=False,
    ),
    Endpoint("GET", WEBHOOK, webhook, statuses(404, admin=200)),
    Endpoint(
        "PATCH",
        WEBHOOK,
        webhook,
        statuses(404, admin=200),
        body=lambda _t, _w: {"enabled": True},
        if_match=True,
    ),
    Endpoint("GET", WEBHOOK + "/deliveries", webhook, statuses(404, admin=200)),
    Endpoint(
        "POST",
        WEBHOOK + "/deliveries/{delivery_id}/redeliver",
        lambda tenant: {**webhook(tenant), "delivery_id": tenant.delivery.id},  # type: ignore[union-attr]
        statuses(404, admin=202),
    ),
    Endpoint("GET", "/api/v1/outbox", nothing, statuses(403, admin=200), has_foreign_object=False),
    Endpoint(
        "GET", "/api/v1/outbox/counts", nothing, statuses(403, admin=200), has_foreign_object=False
    ),
]
# Routes outside the API (probes), and those that need no caller: the login form, password
# links, one-click unsubscribe and calendar feeds (their secret is in the URL).
UNAUTHENTICATED = {
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/password-reset"),
    ("POST", "/api/v1/auth/password-reset/confirm"),
    ("POST", "/api/v1/notifications/unsubscribe"),
    ("GET", "/api/v1/calendar/{token}.ics"),
}


# The world is built once per test process and its rows copied back for every later test:
# the tests only read the objects they were given, and their writes are undone by the copy.
_built: list[World] = []
_rows = Rows()


@pytest.fixture
def world(engine: Engine, session: Session) -> World:
    if _built:
        _rows.put_back(engine)
        return _built[0]
    _user, token = make_superuser(session)
    own, foreign = make_tenant(session, "Own"), make_tenant(session, "Foreign")
    for tenant in (own, foreign):
        fill_tenant(session, tenant)
    spare = make_supplier(session, own, "Spare supplier")
    built = World(own, foreign, token, spare.id)
    for tenant in (own, foreign):
        detach_loaded(session, tenant)
    _rows.take(engine)
    _built.append(built)
    return built


def _call(client: TestClient, world: World, endpoint: Endpoint, tenant: Tenant, role: Role | str):  # type: ignore[no-untyped-def]
    path = endpoint.path.format(**endpoint.fill(tenant))
    body = endpoint.body(str(role), world) if endpoint.body is not None else None
    headers = world.headers(role)
    if endpoint.if_match:
        headers["If-Match"] = '"1"'
    return client.request(endpoint.method, path, json=body, headers=headers, params=endpoint.params)


def test_the_matrix_names_every_route_of_the_application() -> None:
    routes = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }
    covered = {(endpoint.method, endpoint.path) for endpoint in ENDPOINTS}
    assert routes - UNAUTHENTICATED == covered


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
@pytest.mark.parametrize("role", ROLES, ids=str)
def test_own_programme(
    client: TestClient, world: World, endpoint: Endpoint, role: Role | str
) -> None:
    response = _call(client, world, endpoint, world.own, role)
    assert response.status_code == endpoint.expected[role], response.text
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if e.has_foreign_object], ids=lambda e: f"{e.method} {e.path}"
)
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_foreign_programme_objects_answer_404(
    client: TestClient, world: World, endpoint: Endpoint, role: Role
) -> None:
    response = _call(client, world, endpoint, world.foreign, role)
    assert response.status_code == 404, response.text
    assert response.json()["status"] == 404


@pytest.mark.parametrize("path", ["/api/v1/organizations", "/api/v1/users", "/api/v1/engagements"])
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_lists_never_show_foreign_programme_rows(
    client: TestClient, world: World, path: str, role: Role
) -> None:
    response = client.get(path, params={"limit": 200}, headers=world.headers(role))
    assert response.status_code == 200
    programmes = {item["programme_id"] for item in response.json()["items"]}
    assert programmes <= {str(world.own.programme.id)}
    if path != "/api/v1/engagements" or role in (
        Role.admin,
        Role.broker,
        Role.buyer,
        Role.supplier,
    ):
        assert programmes == {str(world.own.programme.id)}
