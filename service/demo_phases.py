"""Demo engagements further along: round tables held with targets, analyses approved."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from service.accounts.models import User
from service.analyses.models import Analysis, Finding, KpiSource, KpiValue, Severity
from service.audits.models import Answer, Audit, Evidence
from service.demo_audits import KPI_VALUES, MATURITY
from service.engagements.models import Engagement, Participation
from service.history import Event, EventKind, SubjectKind
from service.roundtables.models import RoundTable, RoundTableInvitee, RoundTableState
from service.targets.models import Party, Target, TargetKind
from service.types import utcnow
from workflows import AnalysisState, ParticipationState, Phase

# The rows of an engagement's history, each with the instant it was recorded.
RECORDED: dict[Any, Any] = {
    Engagement: Engagement.created_at,
    Participation: Participation.created_at,
    Event: Event.created_at,
    Audit: Audit.created_at,
    Answer: Answer.answered_at,
    Evidence: Evidence.created_at,
    RoundTable: RoundTable.created_at,
    Target: Target.created_at,
    Analysis: Analysis.created_at,
    Finding: Finding.created_at,
    KpiValue: KpiValue.created_at,
}
AGENDA = [
    "What the buyer needs: quality, delivery and volumes for next year",
    "Results of the supplier evaluations",
    "Targets and commitments of each side",
]


def _event(
    engagement: Engagement, actor: User, kind: EventKind, trigger: str, **fields: object
) -> Event:
    return Event(
        programme_id=engagement.programme_id,
        engagement_id=engagement.id,
        subject_kind=SubjectKind.engagement,
        subject_id=engagement.id,
        actor_id=actor.id,
        kind=kind,
        trigger=trigger,
        **fields,  # type: ignore[arg-type]
    )


def _move(engagement: Engagement, actor: User, trigger: str, dest: Phase) -> Event:
    event = _event(
        engagement,
        actor,
        EventKind.transition,
        trigger,
        from_state=engagement.phase.value,
        to_state=dest.value,
    )
    engagement.phase, engagement.version = dest, engagement.version + 1
    return event


def backdate(session: Session, since: datetime, days: int) -> None:
    """Move every row recorded since `since` back by `days`, its instants and its dates alike,
    so that a demo engagement's earlier phases happened months ago rather than today."""
    session.flush()
    delta = timedelta(days=days)
    for model, recorded_at in RECORDED.items():
        for row in session.exec(select(model).where(col(recorded_at) >= since)).all():
            for name in type(row).model_fields:
                value = getattr(row, name)
                if isinstance(value, date):  # a datetime is a date too
                    setattr(row, name, value - delta)


def _selected(session: Session, engagement: Engagement) -> list[Participation]:
    statement = select(Participation).where(Participation.engagement_id == engagement.id)
    return [p for p in session.exec(statement).all() if p.state == ParticipationState.selected]


def hold_round_table(
    session: Session, engagement: Engagement, broker: User, names: dict[Any, str]
) -> None:
    """Convene round tables, hold one with minutes and full attendance, agree targets."""
    session.add(_move(engagement, broker, "convene_round_tables", Phase.round_tables))
    held_on = utcnow() - timedelta(days=10)
    round_table = RoundTable(
        programme_id=engagement.programme_id,
        engagement_id=engagement.id,
        title="Primera mesa redonda",
        starts_at=held_on,
        timezone="America/Managua",
        duration_minutes=150,
        place="Cámara de Industria, sala de juntas",
        agenda=AGENDA,
        state=RoundTableState.held,
        held_at=held_on + timedelta(hours=3),
        version=2,
        created_by=broker.id,
        minutes=(
            "The buyer presented its requirements for next year. Each supplier reviewed its "
            "evaluation results. Targets for on-time delivery and quality were agreed, and the "
            "buyer committed to share a three-month purchase forecast every month."
        ),
    )
    session.add(round_table)
    session.flush()
    selected = _selected(session, engagement)
    for organization_id in [engagement.buyer_id, *(p.supplier_id for p in selected)]:
        session.add(
            RoundTableInvitee(
                round_table_id=round_table.id,
                organization_id=organization_id,
                attended=True,
                attendees=["Gerente general", "Jefe de producción"],
            )
        )
    session.add(
        _event(
            engagement,
            broker,
            EventKind.round_table,
            "hold",
            from_state="scheduled",
            to_state="held",
            reason=round_table.title,
        )
    )
    due = date.today() + timedelta(days=200)
    for participation in selected:
        session.add(
            Target(
                programme_id=engagement.programme_id,
                engagement_id=engagement.id,
                participation_id=participation.id,
                round_table_id=round_table.id,
                kind=TargetKind.kpi,
                kpi="on_time_delivery",
                value="95",
                due_on=due,
                created_by=broker.id,
            )
        )
        session.add(
            Target(
                programme_id=engagement.programme_id,
                engagement_id=engagement.id,
                participation_id=participation.id,
                round_table_id=round_table.id,
                kind=TargetKind.audit_section,
                section_id="quality",
                value="70",
                due_on=due,
                created_by=broker.id,
            )
        )
        session.add(
            Target(
                programme_id=engagement.programme_id,
                engagement_id=engagement.id,
                participation_id=participation.id,
                round_table_id=round_table.id,
                kind=TargetKind.commitment,
                party=Party.buyer,
                text="Share a three-month purchase forecast every month",
                created_by=broker.id,
            )
        )
        session.add(
            _event(
                engagement,
                broker,
                EventKind.target,
                "agree_target",
                participation_id=participation.id,
                reason=f"targets agreed with {names[participation.supplier_id]}",
            )
        )


def approve_analyses(
    session: Session, engagement: Engagement, broker: User, names: dict[Any, str]
) -> None:
    """Start the analysis phase and approve an analysis of every selected supplier and the buyer."""
    session.add(_move(engagement, broker, "start_analysis", Phase.improvement_analysis))
    firms = [(p, p.supplier_id) for p in _selected(session, engagement)] + [
        (None, engagement.buyer_id)
    ]
    for participation, organization_id in firms:
        analysis = Analysis(
            programme_id=engagement.programme_id,
            engagement_id=engagement.id,
            participation_id=participation.id if participation else None,
            organization_id=organization_id,
            summary=(
                "Deliveries depend on the owner's memory; orders are planned week by week "
                "without records."
            ),
            state=AnalysisState.approved,
            version=4,
            approved_at=utcnow() - timedelta(days=2),
            created_by=broker.id,
        )
        session.add(analysis)
        session.flush()
        session.add(
            Finding(
                analysis_id=analysis.id,
                area="delivery" if participation else "other",
                severity=Severity.major,
                description=(
                    "No written production plan; delivery dates are promised without "
                    "checking capacity."
                ),
                root_cause="Orders are taken by sales without a view of the plant's load.",
                created_by=broker.id,
            )
        )
        session.add(
            Finding(
                analysis_id=analysis.id,
                area="quality" if participation else "other",
                severity=Severity.minor,
                description="Final inspection is visual only and not recorded.",
                root_cause="No inspection criteria agreed with the buyer.",
                created_by=broker.id,
            )
        )
        maturity = MATURITY.get(names.get(organization_id, ""), 2)
        session.add(
            KpiValue(
                engagement_id=engagement.id,
                organization_id=organization_id,
                analysis_id=analysis.id,
                kpi="on_time_delivery",
                value=str(Decimal(KPI_VALUES["on_time_delivery"](maturity))),
                measured_on=date.today() - timedelta(days=20),
                how_measured="Delivery notes of the last 30 orders",
                source=KpiSource.baseline,
                recorded_by=broker.id,
            )
        )
        session.add(
            _event(
                engagement,
                broker,
                EventKind.analysis,
                "approve",
                participation_id=analysis.participation_id,
                from_state="draft",
                to_state="approved",
            )
        )
        if participation is not None:
            participation.state, participation.version = (
                ParticipationState.analysed,
                participation.version + 1,
            )
            session.add(participation)
            session.add(
                _event(
                    engagement,
                    broker,
                    EventKind.transition,
                    "analyse",
                    participation_id=participation.id,
                    from_state="selected",
                    to_state="analysed",
                )
            )
