"""Round tables and analyses: the buyer and its selected suppliers meet and agree targets, then
each firm is analysed with findings, their root causes and baseline KPI values."""

from datetime import timedelta
from decimal import Decimal

from bench.seed_rows import Row, changed
from bench.seed_story import Story, Track
from service.analyses.models import Analysis, Finding, FindingLink, KpiSource, KpiValue, Severity
from service.audits.templates import Template
from service.demo.fieldwork import KPI_VALUES
from service.demo.meetings import AGENDA
from service.history import EventKind
from service.roundtables.models import RoundTable, RoundTableInvitee, RoundTableState
from service.targets.models import Party, Target, TargetKind
from service.types import number_text
from workflows import AnalysisState, ParticipationState, Phase

HELD_AFTER_DAYS = 15  # a round table is held this long after round tables are convened
TARGET_DAYS = 200  # agreed targets fall due this long after the round table
MINUTES = (
    "The buyer presented its requirements for next year. Each supplier reviewed its "
    "evaluation results. Targets for on-time delivery, quality and the weakest audit "
    "section were agreed, and the buyer committed to share a three-month purchase forecast."
)
COMMITMENT = "Share a three-month purchase forecast with each supplier every month"
BUYER_KPIS = {"local_purchases": lambda level: 2_000_000 * (level + 1), **KPI_VALUES}
FINDINGS: tuple[tuple[str, str], ...] = (
    (
        "No written production plan; delivery dates are promised without checking capacity.",
        "Orders are taken by sales without a view of the plant's load.",
    ),
    (
        "Final inspection is visual only and not recorded.",
        "No inspection criteria agreed with the buyer.",
    ),
    (
        "Raw material is bought order by order, so stock-outs stop the line.",
        "No reorder points and no working capital set aside for stock.",
    ),
    (
        "Machines stop often for lack of maintenance.",
        "Maintenance is done only when something breaks.",
    ),
)
BUYER_FINDINGS: tuple[tuple[str, str], ...] = (
    (
        "Purchase orders reach suppliers a week before delivery, with no forecast.",
        "Purchasing plans month by month and shares no forecast.",
    ),
    (
        "Local suppliers are paid after 90 days, which drains their working capital.",
        "Payment terms are set centrally, the same for every supplier.",
    ),
)


def hold_round_table(story: Story) -> None:
    """Round tables convened, one scheduled two weeks out inviting the buyer and the selected
    suppliers; once its day has come, held with minutes, and targets agreed in the days
    after. All of it as far as `now` allows."""
    held_on = story.marks.round_tables + HELD_AFTER_DAYS
    table = _schedule(story, held_on)
    invited = [story.buyer, *story.selected()]
    held = held_on < story.now
    for track in invited:
        _invite(story, table, track, attended=True if held else None)
    if not held:
        return
    _hold(story, table, held_on, len(invited))
    for track in story.selected():
        day = held_on + story.rows.rng.randint(0, 10)
        if day < story.now:
            _agree_targets(story, table, track, day)


def _schedule(story: Story, held_on: int) -> Row:
    """The round table, scheduled the day after round tables were convened."""
    scheduled_on = story.marks.round_tables + 1
    starts_at = story.calendar.on_the_hour(held_on, 9)
    scheduled_at = story.calendar.at(scheduled_on, 11)
    table = story.rows.add(
        RoundTable,
        programme_id=story.engagement["programme_id"],
        engagement_id=story.engagement["id"],
        title="Round table: requirements, evaluation results and targets",
        starts_at=starts_at,
        timezone=story.cast.zone.key,
        duration_minutes=story.rows.rng.choice((120, 150, 180)),
        place=f"{story.cast.unit['name']}, meeting room",
        agenda=AGENDA,
        created_by=story.broker["id"],
        created_at=scheduled_at,
        updated_at=scheduled_at,
    )
    reason = f"{table['title']}: {starts_at.astimezone(story.cast.zone).isoformat()}"
    story.event(
        story.broker,
        EventKind.round_table,
        (scheduled_on, 11),
        "schedule",
        (None, RoundTableState.scheduled),
        reason=reason,
    )
    return table


def _invite(story: Story, table: Row, track: Track, attended: bool | None) -> None:
    story.rows.add(
        RoundTableInvitee,
        round_table_id=table["id"],
        organization_id=track.organization["id"],
        attended=attended,
        attendees=["General manager", "Production lead"] if attended else [],
    )


def _hold(story: Story, table: Row, day: int, invited: int) -> None:
    at = story.event(
        story.broker,
        EventKind.round_table,
        (day, 15),
        "hold",
        (RoundTableState.scheduled, RoundTableState.held),
        reason=f"{table['title']}: {invited} of {invited} organizations attended",
    )
    changed(table, at, state=RoundTableState.held, minutes=MINUTES, held_at=at)


def _agree_targets(story: Story, table: Row, track: Track, day: int) -> None:
    """On-time delivery, sometimes the defect rate, the weakest section's score, and the
    buyer's commitment; each recorded with its event."""
    due = story.calendar.day(day) + timedelta(days=TARGET_DAYS)
    level = min(4, track.maturity + 1)
    track.targets["on_time_delivery"] = Decimal(min(98, KPI_VALUES["on_time_delivery"](level) + 5))
    if story.rows.rng.random() < 0.4:
        track.targets["defect_rate"] = Decimal(KPI_VALUES["defect_rate"](level) // 2)
    for kpi, value in track.targets.items():
        _target(
            story, table, track, day, kind=TargetKind.kpi, kpi=kpi, value=str(value), due_on=due
        )
    section, score = weakest_sections(track)[0]
    goal = number_text(float(min(100, round(score) + 20)))
    _target(
        story,
        table,
        track,
        day,
        kind=TargetKind.audit_section,
        section_id=section,
        value=goal,
        due_on=due,
    )
    _target(
        story, table, track, day, kind=TargetKind.commitment, party=Party.buyer, text=COMMITMENT
    )


def _target(story: Story, table: Row, track: Track, day: int, **fields: object) -> None:
    at = story.calendar.at(day, 16)
    target = story.rows.add(
        Target,
        programme_id=story.engagement["programme_id"],
        engagement_id=story.engagement["id"],
        participation_id=track.participation["id"] if track.participation else None,
        round_table_id=table["id"],
        created_by=story.broker["id"],
        created_at=at,
        updated_at=at,
        **fields,
    )
    subject = target["kpi"] or target["section_id"] or target["party"]
    detail = f"{target['kind']} {subject}: {target['value'] or target['text']} by "
    detail += str(target["due_on"] or "-")
    story.event(
        story.broker, EventKind.target, (day, 16), "agree_target", track=track, reason=detail
    )


def weakest_sections(track: Track) -> list[tuple[str, float]]:
    """The firm's audit sections with a score, weakest first."""
    assert track.score is not None
    scored = [(s.section_id, s.score) for s in track.score.sections if s.score is not None]
    return sorted(scored, key=lambda pair: pair[1])


def analyse(story: Story) -> None:
    """The analysis phase started, and each firm's analysis opened, filled with findings and
    baselines, and approved, as far as `now` allows."""
    story.move_engagement("start_analysis", Phase.improvement_analysis, story.marks.analysis)
    for track in story.firms():
        _analysis(story, track)


def _analysis(story: Story, track: Track) -> None:
    start, rng = story.marks.analysis, story.rows.rng
    opened = start + rng.randint(1, 3)
    if opened >= story.now:
        return
    at = story.calendar.at(opened, 10)
    analysis = story.rows.add(
        Analysis,
        programme_id=story.engagement["programme_id"],
        engagement_id=story.engagement["id"],
        participation_id=track.participation["id"] if track.participation else None,
        organization_id=track.organization["id"],
        summary="Deliveries depend on the owner's memory; orders are planned week by week.",
        created_by=story.broker["id"],
        created_at=at,
        updated_at=at,
    )
    track.analysis = analysis
    story.event(
        story.broker,
        EventKind.analysis,
        (opened, 10),
        "open_analysis",
        (None, AnalysisState.draft),
        track=track,
    )
    _findings(story, track, opened + rng.randint(2, 7))
    _baselines(story, track, opened + rng.randint(5, 9))
    approved = start + rng.randint(13, 28)
    if approved < story.now:
        at = story.event(
            story.broker,
            EventKind.analysis,
            (approved, 15),
            "approve",
            (AnalysisState.draft, AnalysisState.approved),
            track=track,
        )
        changed(analysis, at, state=AnalysisState.approved, approved_at=at)
        reason = "its analysis was approved"
        story.move(track, ("analyse", ParticipationState.analysed), (approved, 15), reason)


def _findings(story: Story, track: Track, day: int) -> None:
    """A major finding in the weakest area, then minor ones; each linked to an answer of the
    firm's evaluation audit (the buyer had no audit: its findings are in area "other")."""
    if day >= story.now:
        return
    rng = story.rows.rng
    if track.participation is None:
        areas: list[str | None] = [None] * len(BUYER_FINDINGS)
        texts = BUYER_FINDINGS
    else:
        areas = [section for section, _score in weakest_sections(track)[: rng.randint(2, 4)]]
        texts = FINDINGS
    for n, area in enumerate(areas):
        severity = Severity.major if n == 0 else rng.choice((Severity.minor, Severity.observation))
        description, cause = texts[n % len(texts)]
        _finding(story, track, day, area, severity, description, cause)


def _finding(
    story: Story,
    track: Track,
    day: int,
    area: str | None,
    severity: Severity,
    description: str,
    cause: str,
) -> None:
    at = story.calendar.at(day, 11)
    finding = story.rows.add(
        Finding,
        analysis_id=track.analysis["id"] if track.analysis else None,
        area=area or "other",
        description=description,
        severity=severity,
        root_cause=cause,
        created_by=story.broker["id"],
        created_at=at,
    )
    track.findings.append(finding)
    if area is not None and track.audit is not None and track.template is not None:
        question = _first_question(track.template, area)
        story.rows.add(
            FindingLink, finding_id=finding["id"], audit_id=track.audit["id"], question_id=question
        )
    story.event(
        story.broker,
        EventKind.analysis,
        (day, 11),
        "add_finding",
        track=track,
        reason=f"{severity.value} in {area or 'other'}",
    )
    assert track.analysis is not None
    changed(track.analysis, at)


def _first_question(template: Template, section_id: str) -> str:
    section = next(s for s in template.sections if s.id == section_id)
    return section.questions[0].id


def _baselines(story: Story, track: Track, day: int) -> None:
    """A baseline for every targeted KPI (the buyer's: local purchases and on-time
    delivery), measured the week before."""
    if day >= story.now:
        return
    kpis = list(track.targets) if track.participation else ["local_purchases", "on_time_delivery"]
    measured_on = story.calendar.day(day - 7)
    for kpi in kpis:
        value = Decimal(BUYER_KPIS[kpi](track.maturity))
        track.baselines[kpi] = value
        at = story.calendar.at(day, 14)
        story.rows.add(
            KpiValue,
            engagement_id=story.engagement["id"],
            organization_id=track.organization["id"],
            analysis_id=track.analysis["id"] if track.analysis else None,
            kpi=kpi,
            value=number_text(float(value)),
            measured_on=measured_on,
            how_measured="Delivery notes and invoices of the last 30 orders",
            source=KpiSource.baseline,
            recorded_by=story.broker["id"],
            created_at=at,
        )
        reason = f"{kpi} = {number_text(float(value))} on {measured_on}"
        story.event(
            story.broker,
            EventKind.analysis,
            (day, 14),
            "record_baseline",
            track=track,
            reason=reason,
        )
        assert track.analysis is not None
        changed(track.analysis, at)
