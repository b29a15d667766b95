"""Tender use cases: draft, amend, add lots, invite, fire the machine's triggers and set the
programme's policy; each writes its Event and commits once."""

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from service.accounts.models import User
from service.errors import Conflict, NotFound, Unprocessable
from service.guards import decide
from service.history import EventKind, SubjectKind, record_event
from service.plans.models import Action, ActionStatus, Plan
from service.programmes.models import Organization, OrganizationKind
from service.tenders import queries
from service.tenders.models import (
    Bid,
    BidVersion,
    Lot,
    LotAction,
    LotCreate,
    LotOutcome,
    PolicyUpdate,
    Tender,
    TenderAmend,
    TenderAmendment,
    TenderCreate,
    TenderInvitation,
    TenderPolicy,
)
from service.types import utcnow
from service.versioning import bump_version, check_version
from workflows import PlanState
from workflows.tender import TenderState, apply_to_tender

# Tenders that still hold their actions: an action is in at most one of these.
HOLDING = (TenderState.draft, TenderState.published, TenderState.closed, TenderState.evaluated)
OPEN_PLANS = (PlanState.draft, PlanState.submitted, PlanState.approved, PlanState.in_progress)


def tender_event(
    session: Session,
    tender: Tender,
    actor_id: uuid.UUID,
    trigger: str,
    step: tuple[Any, Any] = (None, None),
    reason: str | None = None,
    subject: tuple[SubjectKind, uuid.UUID] | None = None,
) -> None:
    """Record what happened to the tender in the programme's history."""
    record_event(
        session,
        actor_id=actor_id,
        programme_id=tender.programme_id,
        kind=EventKind.tender,
        subject=subject or (SubjectKind.tender, tender.id),
        trigger=trigger,
        from_state=step[0],
        to_state=step[1],
        reason=reason,
    )


def _criteria(data: TenderCreate) -> list[dict[str, object]]:
    keys = [c.key for c in data.criteria]
    if len(set(keys)) != len(keys):
        raise Unprocessable("criterion keys must differ", field="criteria")
    if sum(1 for c in data.criteria if c.price) != 1:
        raise Unprocessable("exactly one criterion is the price", field="criteria")
    return [c.model_dump() for c in data.criteria]


def create_tender(*, session: Session, actor: User, data: TenderCreate) -> Tender:
    """A draft tender of the actor's programme."""
    assert actor.programme_id is not None
    tender = Tender(
        programme_id=actor.programme_id,
        title=data.title,
        description=data.description,
        deadline_at=data.deadline_at,
        clarification_ends_at=data.clarification_ends_at,
        open_to_all=data.open_to_all,
        criteria=_criteria(data),
        created_by=actor.id,
    )
    session.add(tender)
    session.flush()
    tender_event(session, tender, actor.id, "create", (None, TenderState.draft), data.title)
    session.commit()
    session.refresh(tender)
    return tender


def amend_tender(
    *, session: Session, actor: User, tender: Tender, data: TenderAmend, version: int
) -> Tender:
    """Change a draft freely; a published tender's change is an amendment that keeps its
    version and moves the deadline at least the programme's minimum later."""
    check_version(tender.version, version)
    changes = data.model_dump(exclude_unset=True)
    summary = changes.pop("summary", None)
    if not changes:
        raise Unprocessable("nothing to change", field="description")
    if tender.state not in (TenderState.draft, TenderState.published):
        raise Conflict(f"a {tender.state.value} tender is no longer amended")
    if tender.state == TenderState.published:
        changes = _amendment(session, actor, tender, changes, summary)
    bump_version(session, Tender, tender.id, version, **changes)
    tender_event(session, tender, actor.id, "amend", reason=summary or ", ".join(sorted(changes)))
    session.commit()
    session.refresh(tender)
    return tender


def _amendment(
    session: Session, actor: User, tender: Tender, changes: dict[str, Any], summary: str | None
) -> dict[str, Any]:
    if summary is None:
        raise Unprocessable("an amendment of a published tender needs its summary", "summary")
    policy = queries.policy_of(session, tender.programme_id)
    least = tender.deadline_at + timedelta(days=policy.amendment_extension_days)
    deadline = max(changes.get("deadline_at", tender.deadline_at), least)
    clarification = changes.get("clarification_ends_at", tender.clarification_ends_at)
    if clarification >= deadline:
        raise Unprocessable(
            "the clarification period must end before the deadline", "clarification_ends_at"
        )
    number = tender.amendments + 1
    session.add(
        TenderAmendment(
            tender_id=tender.id,
            number=number,
            summary=summary,
            snapshot={k: str(v) for k, v in changes.items()},
            deadline_before=tender.deadline_at,
            deadline_after=deadline,
            created_by=actor.id,
        )
    )
    return {**changes, "deadline_at": deadline, "amendments": number}


def add_lot(*, session: Session, actor: User, tender: Tender, data: LotCreate) -> Lot:
    """A lot of a draft tender with "to be tendered" actions of its category."""
    if tender.state != TenderState.draft:
        raise Conflict("lots are added while the tender is a draft")
    if data.due_on < data.starts_on:
        raise Unprocessable("the lot is due before it starts", field="due_on")
    actions = _tenderable(session, tender, data)
    position = len(queries.lots_of(session, tender))
    lot = Lot(
        tender_id=tender.id,
        programme_id=tender.programme_id,
        position=position,
        title=data.title,
        category=data.category,
        scope=data.scope,
        deliverables=data.deliverables,
        starts_on=data.starts_on,
        due_on=data.due_on,
        budget_ceiling=Decimal(data.budget_ceiling),
        qualifications=list(data.qualifications),
    )
    session.add(lot)
    session.flush()
    session.add_all(LotAction(lot_id=lot.id, action_id=action.id) for action in actions)
    tender_event(
        session, tender, actor.id, "add_lot", reason=f"{data.title}: {len(actions)} actions"
    )
    session.commit()
    session.refresh(lot)
    return lot


def _tenderable(session: Session, tender: Tender, data: LotCreate) -> list[Action]:
    """The lot's actions: of this programme, to be tendered, of the lot's category, in open
    plans, and in no other tender still running."""
    actions = []
    for n, action_id in enumerate(data.action_ids):
        field = f"action_ids.{n}"
        action = session.get(Action, action_id)
        if action is None or action.programme_id != tender.programme_id:
            raise NotFound("no such action in this programme", field=field)
        plan = session.get(Plan, action.plan_id)
        if action.provider_id is not None or action.status != ActionStatus.planned:
            raise Conflict(f"action {action.title!r} is not to be tendered", field=field)
        if action.category != data.category:
            raise Conflict(f"action {action.title!r} is not {data.category.value}", field=field)
        if plan is None or plan.state not in OPEN_PLANS:
            raise Conflict(f"the plan of action {action.title!r} is settled", field=field)
        held = (
            select(LotAction.id)
            .join(Lot, col(Lot.id) == LotAction.lot_id)
            .join(Tender, col(Tender.id) == Lot.tender_id)
            .where(LotAction.action_id == action.id, col(Tender.state).in_(HOLDING))
        )
        if session.exec(held).first() is not None:
            raise Conflict(f"action {action.title!r} is already in a tender", field=field)
        actions.append(action)
    return actions


def invite(*, session: Session, actor: User, tender: Tender, organization_id: uuid.UUID) -> None:
    """Invite a provider of the programme to bid."""
    provider = session.get(Organization, organization_id)
    if (
        provider is None
        or provider.programme_id != tender.programme_id
        or provider.kind != OrganizationKind.provider
    ):
        raise NotFound("no such provider in this programme", field="organization_id")
    if tender.state not in (TenderState.draft, TenderState.published):
        raise Conflict("providers are invited before the deadline")
    existing = select(TenderInvitation.id).where(
        TenderInvitation.tender_id == tender.id,
        TenderInvitation.organization_id == organization_id,
    )
    if session.exec(existing).first() is None:
        session.add(TenderInvitation(tender_id=tender.id, organization_id=organization_id))
        tender_event(session, tender, actor.id, "invite", reason=provider.name)
    session.commit()


def fire(
    *,
    session: Session,
    actor: User,
    tender: Tender,
    trigger: str,
    version: int,
    reason: str | None = None,
) -> Tender:
    """Fire a tender trigger by the server's clock; closing opens the bids together."""
    check_version(tender.version, version)
    now = utcnow()
    snapshot = queries.snapshot(session, tender, now)
    dest = decide(lambda: apply_to_tender(snapshot, trigger, reason))
    values: dict[str, Any] = {"state": dest}
    if dest == TenderState.published:
        values["published_at"] = now
    elif dest == TenderState.closed:
        values["closed_at"] = now
        _record_bids(session, tender)
    elif dest == TenderState.awarded:
        policy = queries.policy_of(session, tender.programme_id)
        values["awarded_at"] = now
        values["standstill_ends_at"] = now + timedelta(days=policy.standstill_days)
    elif dest == TenderState.unsuccessful:
        for lot in queries.lots_of(session, tender):
            lot.outcome, lot.rationale = LotOutcome.unsuccessful, reason
            session.add(lot)
    bump_version(session, Tender, tender.id, version, **values)
    tender_event(session, tender, actor.id, trigger, (tender.state, dest), reason)
    session.commit()
    session.refresh(tender)
    return tender


def _record_bids(session: Session, tender: Tender) -> None:
    """At the opening, every bid version enters the history, in submission order: until now
    the history held nothing that tells who bid."""
    rows = session.exec(
        select(BidVersion, Bid)
        .join(Bid, col(Bid.id) == BidVersion.bid_id)
        .where(Bid.tender_id == tender.id)
        .order_by(col(BidVersion.submitted_at), col(BidVersion.id))
    ).all()
    for version, bid in rows:
        verb = "withdrawn" if version.withdrawn else "submitted"
        tender_event(
            session,
            tender,
            version.submitted_by,
            "withdraw_bid" if version.withdrawn else "submit_bid",
            reason=f"version {version.number} {verb} at {version.submitted_at.isoformat()}",
            subject=(SubjectKind.bid, bid.id),
        )


def set_policy(
    *, session: Session, actor: User, programme_id: uuid.UUID, data: PolicyUpdate
) -> TenderPolicy:
    """The programme's standstill and minimum amendment extension, in days."""
    policy = session.get(TenderPolicy, programme_id) or TenderPolicy(programme_id=programme_id)
    policy.standstill_days = data.standstill_days
    policy.amendment_extension_days = data.amendment_extension_days
    policy.updated_at = utcnow()
    session.add(policy)
    record_event(
        session,
        actor_id=actor.id,
        programme_id=programme_id,
        kind=EventKind.programme,
        subject=(SubjectKind.programme, programme_id),
        trigger="set_tender_policy",
        reason=f"standstill {data.standstill_days} days, amendments add at least "
        f"{data.amendment_extension_days} days",
    )
    session.commit()
    session.refresh(policy)
    return policy
