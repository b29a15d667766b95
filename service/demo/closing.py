"""The demo's completed engagement closing: each plan finished, audited again and closed on
its final KPIs, the buyer's partnership decisions recorded, the engagement completed."""

from datetime import date, timedelta
from decimal import Decimal

from service.accounts.models import User
from service.analyses.models import KpiSource
from service.audits.models import AuditPurpose
from service.audits.templates import template_registry
from service.demo.enrolment import EVALUATION, move
from service.demo.fieldwork import audit_firm
from service.demo.plan_specs import DECISIONS, DemoFirm
from service.demo.plans import readings_of, shift
from service.demo.scene import Scene
from service.partnerships.models import ConditionalPartnership, Outcome, PartnershipDecided
from service.partnerships.service import decide_partnership
from service.plans.models import Plan
from service.plans.reviews import record_kpis

BUYER_AUDIT = ("buyer-readiness", 1)  # the buyer had no evaluation audit to repeat


def close_plan(scene: Scene, plan: Plan, firm: DemoFirm, end: date) -> None:
    """Finished on its last day, audited again ten days later with its final KPIs measured,
    and closed four days after that."""
    shift(scene, plan, "finish", (end, 9))
    participation = None if firm.name == scene.buyer_name else scene.participation(firm.name)
    key = EVALUATION if participation else BUYER_AUDIT
    firm_ref = (participation.id if participation else None, firm.name)
    reviewed_on = end + timedelta(days=10)
    audit_firm(scene, firm_ref, template_registry()[key], AuditPurpose.final, reviewed_on)
    readings = readings_of(scene, plan, Decimal(firm.gain) / 100, end + timedelta(days=5))
    scene.clock.now_is(reviewed_on, 16)
    record_kpis(
        session=scene.session,
        actor=scene.broker,
        plan=plan,
        readings=readings,
        source=KpiSource.final,
        version=scene.version(plan),
    )
    shift(scene, plan, "close", (end + timedelta(days=14), 10))


def decide_and_complete(scene: Scene, buyer: User, end: date) -> None:
    """The buyer's decision on each supplier twenty days after the plans ended, and the
    engagement completed by its broker four days later."""
    for name, (outcome, conditions, rationale) in DECISIONS.items():
        participation = scene.participation(name)
        assert participation is not None
        data: PartnershipDecided | ConditionalPartnership = (
            ConditionalPartnership(
                outcome="conditional", conditions=conditions, rationale=rationale
            )
            if outcome == Outcome.conditional and conditions
            else PartnershipDecided(outcome="partnership", rationale=rationale)
        )
        scene.clock.now_is(end + timedelta(days=20), 11)
        decide_partnership(
            session=scene.session,
            actor=buyer,
            engagement=scene.engagement,
            participation=participation,
            data=data,
            version=scene.version(participation),
        )
    move(scene, "complete", end + timedelta(days=24))
