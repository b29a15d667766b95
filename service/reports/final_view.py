"""View data of the final engagement report: refused for an unfinished engagement; else a
summary, the partnership decisions, audit scores and indicators before and after, the
buyer's own audit and plan, and the costs by payer, planned against actual."""

from typing import Any

from sqlmodel import Session, col, select

from service.audits.comparison import compare
from service.engagements.models import Engagement, Participation
from service.errors import Conflict
from service.plans import queries as plans
from service.plans.costs import CostTotals, cost_totals
from service.plans.models import Action, PartnershipDecision
from service.programmes.calendar import ends_on
from service.reports import charts, formats
from service.reports.evaluation_views import _areas, _evaluation_template, latest_audit
from service.reports.progress_views import outcomes_of, plans_of, targets_of, values_of
from service.reports.rendering import translations
from service.reports.views import ReportView, _kpi_rows, _names, currency_of, subtitle_of
from workflows import ParticipationState, Phase, PlanState

SELECTED_ON = {
    ParticipationState.selected,
    ParticipationState.analysed,
    ParticipationState.planning,
    ParticipationState.implementing,
    ParticipationState.closed,
}
SHARED = ("programme", "donor")


def unfinished(session: Session, engagement: Engagement, names: dict[Any, str]) -> list[str]:
    """What keeps the engagement from its final report: its phase, open plans, decisions."""
    if engagement.phase == Phase.completed:
        return []
    missing = [f"the engagement is in phase {engagement.phase.value}, not completed"]
    for plan in plans_of(session, engagement):
        if plan.state not in (PlanState.closed, PlanState.cancelled):
            name = names.get(plan.organization_id, "")
            missing.append(f"the plan of {name} is {plan.state.value}, not closed")
    statement = select(Participation).where(Participation.engagement_id == engagement.id)
    for participation in session.exec(statement).all():
        if participation.state in SELECTED_ON:
            name = names.get(participation.supplier_id, "")
            missing.append(f"no partnership decision for {name}")
    return missing


def _summary(_: Any, data: dict[str, Any], costs: CostTotals, currency: str, language: str) -> str:
    """One paragraph for a reader who reads nothing else."""
    firms, decisions = data["audits"], data["decisions"]
    partners = sum(1 for d in decisions if d["outcome"] != "declined")
    text = _(
        "%(suppliers)d suppliers closed their improvement plans; the buyer entered a "
        "partnership with %(partners)d of them."
    ) % {
        "suppliers": len(data["indicators"]) - 1 if data["indicators"] else 0,
        "partners": partners,
    }
    if firms:
        before = sum(f["before"] or 0 for f in firms) / len(firms)
        after = sum(f["after"] or 0 for f in firms) / len(firms)
        text += " " + _("Their mean audit score went from %(before)s to %(after)s.") % {
            "before": formats.score(before, language),
            "after": formats.score(after, language),
        }
    shared = sum((row.actual for row in costs.by_payer if row.key in SHARED), costs.actual * 0)
    text += " " + _(
        "The plans cost %(actual)s against %(planned)s planned; the programme and donors paid "
        "%(shared)s of it."
    ) % {
        "actual": formats.money(costs.actual, currency, language),
        "planned": formats.money(costs.planned, currency, language),
        "shared": formats.money(shared, currency, language),
    }
    return text


def final_view(session: Session, engagement: Engagement, language: str) -> ReportView:
    """The engagement's end, once it is completed; 409 listing what is missing before."""
    _ = translations(language).gettext
    rows = plans_of(session, engagement)
    statement = select(Participation.supplier_id).where(
        Participation.engagement_id == engagement.id
    )
    names = _names(
        session,
        {engagement.buyer_id, *session.exec(statement).all(), *(p.organization_id for p in rows)},
    )
    missing = unfinished(session, engagement, names)
    if missing:
        raise Conflict(
            "the final report needs a completed engagement: " + "; ".join(missing),
            blocked_by=missing,
        )
    template = _evaluation_template(session, engagement)
    titles = _areas(template, language)
    currency = currency_of(session, engagement.programme_id)
    compared = compare(session, engagement, template)["before_after"]
    values, targets = values_of(session, engagement), targets_of(session, engagement)
    outcomes = outcomes_of(session, engagement)
    participants = {plan.participation_id: plan.organization_id for plan in rows}
    decisions = session.exec(
        select(PartnershipDecision)
        .where(PartnershipDecision.engagement_id == engagement.id)
        .order_by(col(PartnershipDecision.decided_at))
    ).all()
    costs = cost_totals(plans.cost_lines(session, col(Action.plan_id).in_([p.id for p in rows])))
    data: dict[str, Any] = {
        "audits": [
            {
                "name": firm["name"],
                "before": firm["before_total"],
                "after": firm["after_total"],
                "chart": charts.bars(
                    "",
                    [(titles[s["section_id"]], s["before"], s["after"]) for s in firm["sections"]],
                    (_("Before"), _("After")),
                    "%",
                    missing=_("n/a"),
                ),
            }
            for firm in compared
        ],
        "indicators": [
            {
                "name": names.get(plan.organization_id, ""),
                "buyer": plan.organization_id == engagement.buyer_id,
                "state": plan.state.value,
                "outcome": outcomes.get(plan.participation_id),
                "kpis": _kpi_rows(
                    [v for v in values if v.organization_id == plan.organization_id],
                    targets.get(plan.participation_id, {}),
                    language,
                    currency,
                ),
            }
            for plan in rows
        ],
        "decisions": [
            {
                "name": names.get(participants.get(d.participation_id), ""),
                "outcome": d.outcome.value,
                "conditions": d.conditions,
                "rationale": d.rationale,
                "decided_at": d.decided_at.date(),
            }
            for d in decisions
        ],
        "buyer_audit": latest_audit(session, engagement, engagement.buyer_id, language),
        "buyer_plan": next(
            (
                {"state": p.state.value, "ends_on": ends_on(p)}
                for p in rows
                if p.organization_id == engagement.buyer_id
            ),
            None,
        ),
        "costs": costs,
        "closed_suppliers": sum(
            1
            for p in rows
            if p.organization_id != engagement.buyer_id and p.state == PlanState.closed
        ),
    }
    data["summary"] = _summary(_, data, costs, currency, language)
    buyer = names.get(engagement.buyer_id, "")
    return ReportView(
        template="final.html",
        title=_("Final engagement report"),
        subtitle=subtitle_of(buyer, engagement.title),
        firm=buyer,
        engagement_id=engagement.id,
        organization_id=engagement.buyer_id,
        context=data,
    )
