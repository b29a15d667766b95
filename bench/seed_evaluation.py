"""Enrolment and supplier evaluation: the engagement opened with its candidates, each candidate
audited with the engagement's template, and the selection decided on the scores."""

from dataclasses import dataclass

from bench.seed_audits import AuditDays, write_audit
from bench.seed_cast import Cast, Firm
from bench.seed_rows import Calendar, Row, Rows, changed
from bench.seed_story import Milestones, Story, Track
from service.audits.models import AuditPurpose
from service.audits.templates import Template
from service.engagements.models import Engagement, Participation
from service.history import EventKind
from service.types import name_key
from workflows import AuditState, ParticipationState, Phase

S = ParticipationState
CURRENT_SUPPLIER_SHARE = 0.4
# In an engagement still evaluating, how many evaluated candidates are already decided on,
# and how many unfinished audits belong to candidates who have since withdrawn.
DECIDED_EARLY_SHARE = 0.5
DROPPED_SHARE = 0.1
# How many candidates a finished evaluation leaves out (the rest are selected).
NOT_SELECTED_COUNTS = (0, 1, 1, 2)


@dataclass(frozen=True)
class Opening:
    """Who an engagement is between and when it was opened."""

    buyer: Track
    broker: Row
    template: Template
    calendar: Calendar
    marks: Milestones
    now: int


def open_engagement(rows: Rows, cast: Cast, opening: Opening, firms: list[Firm]) -> Story:
    """The engagement opened by the admin with its broker, its candidates listed over two
    days, and the evaluation started."""
    calendar = opening.calendar
    created_at = calendar.at(0, 9)
    title = f"{opening.buyer.name}: local suppliers {calendar.day(0).year}"
    engagement = rows.add(
        Engagement,
        programme_id=cast.programme["id"],
        buyer_id=opening.buyer.organization["id"],
        broker_id=opening.broker["id"],
        title=title,
        title_key=name_key(title),
        created_at=created_at,
        updated_at=created_at,
    )
    story = Story(
        rows,
        cast,
        calendar,
        opening.marks,
        opening.now,
        engagement,
        opening.broker,
        opening.buyer,
        opening.template,
    )
    story.event(cast.admin, EventKind.created, (0, 9), states=(None, Phase.enrolment))
    for n, firm in enumerate(firms):
        _list_candidate(story, firm, day=2 * n // len(firms))
    story.move_engagement("start_evaluation", Phase.supplier_evaluation, opening.marks.evaluation)
    return story


def _list_candidate(story: Story, firm: Firm, day: int) -> None:
    at = story.calendar.at(day, 10)
    participation = story.rows.add(
        Participation,
        engagement_id=story.engagement["id"],
        supplier_id=firm.organization["id"],
        is_current_supplier=story.rows.rng.random() < CURRENT_SUPPLIER_SHARE,
        created_at=at,
        updated_at=at,
    )
    track = Track(firm.organization, firm.user, firm.maturity, participation)
    story.tracks.append(track)
    story.event(
        story.cast.admin,
        EventKind.candidate_added,
        (day, 10),
        states=(None, S.candidate),
        track=track,
        reason=track.name,
    )
    changed(story.engagement, at)


def finish_evaluation(story: Story) -> None:
    """Every candidate's audit reviewed weeks before the round tables, the weakest left out,
    the others selected, and round tables convened."""
    rng, start = story.rows.rng, story.marks.evaluation
    for track in story.tracks:
        created = start + rng.randint(0, 15)
        submitted = created + rng.randint(5, 12)
        _audit(story, track, AuditDays(created, submitted, submitted + rng.randint(1, 5)))
    ranked = sorted(story.tracks, key=_total)
    left_out = rng.choice(NOT_SELECTED_COUNTS)
    for n, track in enumerate(ranked):
        day = story.marks.round_tables - rng.randint(1, 5)
        _decide(story, track, day, selected=n >= left_out)
    story.move_engagement("convene_round_tables", Phase.round_tables, story.marks.round_tables)


def evaluate_until_now(story: Story) -> None:
    """Audits as far along as `now` allows; the first candidate's is answered in full with
    its evidence but not yet submitted. Some evaluated candidates are decided on already;
    a few with unfinished audits withdrew."""
    rng, start, now = story.rows.rng, story.marks.evaluation, story.now
    for n, track in enumerate(story.tracks):
        if n == 0:
            _audit(story, track, AuditDays(rng.randint(start, now - 4)))
            continue
        created = rng.randint(start, min(start + 15, now - 2))  # first answers the day after
        submitted = created + rng.randint(5, 12)
        reviewed = submitted + rng.randint(1, 5)
        days = AuditDays(created, story.past(submitted), story.past(reviewed))
        complete = created + 3 < now
        _audit(story, track, days, complete)
        if days.reviewed is not None:
            decided_on = reviewed + rng.randint(1, 4)
            if decided_on < now and rng.random() < DECIDED_EARLY_SHARE:
                _decide(story, track, decided_on, selected=_total(track) >= 40)
        elif not complete and rng.random() < DROPPED_SHARE:
            reason = "The firm withdrew: the owner has no time for the programme this year."
            story.move(track, ("drop", S.dropped), (now - 1, 12), reason)


def _audit(story: Story, track: Track, days: AuditDays, complete: bool = True) -> None:
    """The candidate's evaluation audit; once reviewed, the candidate is evaluated."""
    audit, score = write_audit(
        story, track, story.template, AuditPurpose.evaluation, days, complete
    )
    track.audit, track.template, track.score = audit, story.template, score
    if days.reviewed is not None:
        reason = "its evaluation audit was reviewed"
        story.move(track, ("evaluate", S.evaluated), (days.reviewed, 11), reason, audit=audit)
    assert audit["state"] != AuditState.reviewed or track.state == S.evaluated


def _total(track: Track) -> float:
    return (track.score.total or 0.0) if track.score else 0.0


def _decide(story: Story, track: Track, day: int, selected: bool) -> None:
    assert track.score is not None
    total, band = _total(track), track.score.band
    if selected:
        reason = f"Evaluation score {total:.1f} ({band}); committed to grow with the buyer."
        story.move(track, ("select", S.selected), (day, 14), reason)
    else:
        reason = f"Evaluation score {total:.1f} ({band}); too small for next year's volumes."
        story.move(track, ("not_select", S.not_selected), (day, 14), reason)
