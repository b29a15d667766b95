"""Improvement plans: opened for every analysed firm, filled with actions, approved by every
party, started, reviewed month by month, finished, audited again and closed; then the buyer's
partnership decisions and the engagement completed."""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from bench.seed_actions import Course, add_actions, plot_courses, settle
from bench.seed_audits import AuditDays, write_audit
from bench.seed_rows import Row, changed
from bench.seed_story import Story, Track
from service.analyses.models import KpiSource, KpiValue
from service.audits.models import AuditPurpose
from service.audits.templates import template_registry
from service.history import EventKind
from service.kpis import kpi_catalogue
from service.partnerships.service import OUTCOME_TRIGGERS
from service.plans.models import Outcome, PartnershipDecision, Party, Plan, PlanApproval, Review
from workflows import ParticipationState, Phase, PlanState
from workflows.plan_health import ActionStatus

PLAN_MONTHS = 6
LATE_WHILE_RUNNING = 0.15  # share of actions due by now that are still open
LATE_WHEN_FINISHED = 0.05
MISSED_REVIEW_SHARE = 0.08
BUYER_TEMPLATE = ("buyer-readiness", 1)  # the buyer had no evaluation audit to repeat
OUTCOMES = {Outcome.partnership: 60, Outcome.conditional: 25, Outcome.declined: 15}
OUTCOME_STATES = {
    Outcome.partnership: ParticipationState.partner,
    Outcome.conditional: ParticipationState.conditional_partner,
    Outcome.declined: ParticipationState.no_partnership,
}
RATIONALES = {
    Outcome.partnership: "Every major finding was addressed and on-time delivery reached the "
    "agreed target.",
    Outcome.conditional: "Delivery and quality improved, but capacity is still short at peak "
    "season.",
    Outcome.declined: "Deliveries stayed late and the firm did not finish its quality actions.",
}
CONDITIONS = "Deliver 95 % of orders on time over the next two quarters, with lot records."


def improve(story: Story) -> None:
    """Phase four, as far as `now` allows: plans, decisions, and completion."""
    story.move_engagement("start_plans", Phase.improvement_plans, story.marks.plans)
    for track in story.firms():
        _plan(story, track)
    for track in story.selected():
        _decide(story, track)
    if story.marks.completed < story.now:
        story.move_engagement("complete", Phase.completed, story.marks.completed)


def _plan(story: Story, track: Track) -> None:
    marks, rng = story.marks, story.rows.rng
    opened = marks.plans + rng.randint(1, 3)
    if opened >= story.now:
        return
    plan = _open(story, track, opened)
    courses, all_added = add_actions(story, track, plan, opened)
    if not all_added or not _submit_and_approve(story, track, plan):
        return
    if marks.plan_start >= story.now:
        return
    at = story.event(
        story.broker,
        EventKind.plan,
        (marks.plan_start, 8),
        "start",
        (PlanState.approved, PlanState.in_progress),
        track=track,
    )
    changed(plan, at, state=PlanState.in_progress)
    story.move(
        track,
        ("start_implementation", ParticipationState.implementing),
        (marks.plan_start, 8),
        "its improvement plan started",
    )
    finished = marks.plan_end < story.now
    horizon = min(story.now - 1, marks.plan_end)
    plot_courses(rng, courses, horizon, LATE_WHEN_FINISHED if finished else LATE_WHILE_RUNNING)
    gain = Decimal(rng.randint(30, 100)) / 100  # how far the KPIs move towards their goals
    _reviews(story, track, courses, horizon, gain)
    for course in courses:
        settle(story, track, course)
    if finished:
        _finish(story, track, gain)


def _open(story: Story, track: Track, opened: int) -> Row:
    at = story.calendar.at(opened, 10)
    plan = story.rows.add(
        Plan,
        programme_id=story.engagement["programme_id"],
        engagement_id=story.engagement["id"],
        participation_id=track.participation["id"] if track.participation else None,
        organization_id=track.organization["id"],
        starts_on=story.calendar.day(story.marks.plan_start),
        months=PLAN_MONTHS,
        created_by=story.broker["id"],
        created_at=at,
        updated_at=at,
    )
    track.plan = plan
    story.event(
        story.broker,
        EventKind.plan,
        (opened, 10),
        "open_plan",
        (None, PlanState.draft),
        track=track,
    )
    story.move(
        track,
        ("start_planning", ParticipationState.planning),
        (opened, 10),
        "its improvement plan was opened",
    )
    return plan


def _submit_and_approve(story: Story, track: Track, plan: Row) -> bool:
    """Submitted ten days into the phase, then approved by the broker, the buyer and (for a
    supplier's plan) the supplier a few days apart; True once every party approved."""
    rng = story.rows.rng
    submitted = story.marks.plans + 10 + rng.randint(0, 2)
    if submitted >= story.now:
        return False
    at = story.event(
        story.broker,
        EventKind.plan,
        (submitted, 10),
        "submit",
        (PlanState.draft, PlanState.submitted),
        track=track,
    )
    changed(plan, at, state=PlanState.submitted)
    parties = [(1, Party.broker, story.broker), (rng.randint(2, 4), Party.buyer, story.buyer.user)]
    if track.participation is not None:
        parties.append((rng.randint(2, 5), Party.supplier, track.user))
    parties.sort(key=lambda party: party[0])
    for n, (after, party, user) in enumerate(parties, start=1):
        day = submitted + after
        if day >= story.now:
            return False
        at = story.event(
            user,
            EventKind.plan,
            (day, 11),
            "approve",
            track=track,
            reason=f"approved for the {party.value}",
        )
        story.rows.add(
            PlanApproval, plan_id=plan["id"], party=party, user_id=user["id"], approved_at=at
        )
        if n < len(parties):
            changed(plan, at)
            continue
        story.event(
            user,
            EventKind.plan,
            (day, 11),
            "approved",
            (PlanState.submitted, PlanState.approved),
            track=track,
            reason="approved by every party",
        )
        changed(plan, at, state=PlanState.approved)
    return True


def _reviews(
    story: Story, track: Track, courses: list[Course], horizon: int, gain: Decimal
) -> None:
    """A review about every thirty days up to the horizon; now and then one is missed."""
    rng, marks = story.rows.rng, story.marks
    for month in range(1, PLAN_MONTHS + 1):
        day = min(marks.plan_end, marks.plan_start + 30 * month + rng.randint(-3, 3))
        if day > horizon:
            return
        if rng.random() < MISSED_REVIEW_SHARE:
            continue
        _review(story, track, courses, (day, horizon), gain * month / PLAN_MONTHS)


def _review(
    story: Story, track: Track, courses: list[Course], days: tuple[int, int], share: Decimal
) -> None:
    """Progress of every started action, as `add_review` records it (the open ones move to
    in progress), KPI values measured two days before, notes and next steps."""
    day, horizon = days
    assert track.plan is not None
    at = story.calendar.at(day, 17)
    progress = {}
    for course in courses:
        reported = course.report_on(day, horizon)
        if reported is None:
            continue
        progress[str(course.row["id"])] = reported
        if course.open_on(day):
            status = ActionStatus.in_progress if reported > 0 else course.row["status"]
            changed(course.row, at, progress=reported, status=status)
    readings = _readings(track, share)
    _record(story, track, readings, (day - 2, day), KpiSource.review)
    held_on = story.calendar.day(day)
    notes, next_steps = _notes(track, courses, day, horizon, readings)
    story.rows.add(
        Review,
        plan_id=track.plan["id"],
        held_on=held_on,
        broker_id=story.broker["id"],
        notes=notes,
        next_steps=next_steps,
        progress=progress,
        created_at=at,
    )
    story.event(
        story.broker,
        EventKind.plan,
        (day, 17),
        "review",
        track=track,
        reason=f"monthly review of {held_on}",
    )
    changed(track.plan, at)


def _readings(track: Track, share: Decimal) -> list[tuple[str, str]]:
    """Each baseline KPI moved `share` of the way to its agreed target (or, without one, to
    its goal), as whole numbers."""
    readings = []
    for kpi, baseline in sorted(track.baselines.items()):
        goal = track.targets.get(kpi) or _goal(kpi, baseline)
        value = baseline + (goal - baseline) * share
        readings.append((kpi, str(value.quantize(Decimal(1), ROUND_HALF_UP))))
    return readings


def _goal(kpi: str, baseline: Decimal) -> Decimal:
    """A third better than the baseline, within the KPI's bounds."""
    entry = kpi_catalogue()[kpi]
    goal = baseline * (Decimal("1.3") if entry.better == "higher" else Decimal("0.7"))
    return min(goal, entry.max) if entry.max is not None else goal


def _record(
    story: Story,
    track: Track,
    readings: list[tuple[str, str]],
    days: tuple[int, int],
    source: KpiSource,
) -> None:
    measured, recorded = days
    at = story.calendar.at(recorded, 16)
    for kpi, value in readings:
        story.rows.add(
            KpiValue,
            engagement_id=story.engagement["id"],
            organization_id=track.organization["id"],
            kpi=kpi,
            value=value,
            measured_on=story.calendar.day(measured),
            how_measured="Delivery notes and invoices of the month",
            source=source,
            recorded_by=story.broker["id"],
            created_at=at,
        )


def _notes(
    track: Track, courses: list[Course], day: int, horizon: int, readings: list[tuple[str, str]]
) -> tuple[str, str]:
    done = sum(1 for c in courses if c.done and c.settled_on is not None and c.settled_on <= day)
    late = [c.row["title"] for c in courses if c.open_on(day) and c.due < day]
    notes = f"Monthly review with {track.user['full_name']}: {done} of {len(courses)} actions done"
    if late:
        notes += f"; late: {', '.join(late[:3])}"
    notes += "".join(f". {kpi}: {value}" for kpi, value in readings) + "."
    steps = [
        f"{c.row['title']}: reach {min(100, (c.report_on(day, horizon) or 0) + 25)} %"
        for c in courses
        if c.open_on(day)
    ][:2]
    return notes, "; ".join(steps) or "Prepare the final audit and measure the KPIs."


def _finish(story: Story, track: Track, gain: Decimal) -> None:
    """Finished on its last day; audited again with the evaluation's template (buyer
    readiness for the buyer), its final KPIs recorded, and closed, as far as `now` allows."""
    plan, end, now = track.plan, story.marks.plan_end, story.now
    assert plan is not None
    at = story.event(
        story.broker,
        EventKind.plan,
        (end, 9),
        "finish",
        (PlanState.in_progress, PlanState.final_review),
        track=track,
    )
    changed(plan, at, state=PlanState.final_review)
    if end + 3 >= now:  # created two days after the end, first answers the day after
        return
    template = track.template or template_registry()[BUYER_TEMPLATE]
    days = AuditDays(end + 2, story.past(end + 8), story.past(end + 10))
    write_audit(story, track, template, AuditPurpose.final, days, complete=end + 5 < now)
    if end + 10 >= now:
        return
    readings = _readings(track, gain)
    _record(story, track, readings, (end + 5, end + 10), KpiSource.final)
    at = story.event(
        story.broker,
        EventKind.plan,
        (end + 10, 16),
        "record_final_kpis",
        track=track,
        reason=", ".join(f"{k} = {v}" for k, v in readings),
    )
    changed(plan, at)
    if end + 14 >= now:
        return
    at = story.event(
        story.broker,
        EventKind.plan,
        (end + 14, 10),
        "close",
        (PlanState.final_review, PlanState.closed),
        track=track,
    )
    changed(plan, at, state=PlanState.closed, closed_at=at)
    story.move(
        track,
        ("close", ParticipationState.closed),
        (end + 14, 10),
        "its improvement plan was closed after the final review",
    )


def _decide(story: Story, track: Track) -> None:
    """The buyer's partnership decision on a supplier whose plan is closed, with its event,
    and the supplier's track moved to its outcome."""
    rng = story.rows.rng
    day = story.marks.plan_end + rng.randint(16, 22)
    if track.plan is None or track.plan["state"] != PlanState.closed or day >= story.now:
        return
    outcome = rng.choices(list(OUTCOMES), list(OUTCOMES.values()))[0]
    conditions = CONDITIONS if outcome == Outcome.conditional else None
    rationale = RATIONALES[outcome]
    buyer: Row = story.buyer.user
    decided_at: datetime = story.calendar.at(day, 11)
    story.rows.add(
        PartnershipDecision,
        programme_id=story.engagement["programme_id"],
        engagement_id=story.engagement["id"],
        participation_id=track.participation["id"] if track.participation else None,
        outcome=outcome,
        conditions=conditions,
        rationale=rationale,
        decided_by=buyer["id"],
        decided_at=decided_at,
    )
    reason = f"{rationale} (conditions: {conditions})" if conditions else rationale
    story.event(
        buyer,
        EventKind.decision,
        (day, 11),
        "decide_partnership",
        (None, outcome),
        track=track,
        reason=reason,
    )
    step = (OUTCOME_TRIGGERS[outcome], OUTCOME_STATES[outcome])
    story.move(track, step, (day, 11), reason, actor=buyer)
