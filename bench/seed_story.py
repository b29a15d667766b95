"""One engagement's story as the seed writes it: its calendar, its firms' tracks, and the events
each change leaves, written as the service's own use cases write them."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from bench.seed_cast import Cast
from bench.seed_rows import Calendar, Row, Rows, changed
from service.audits.scoring import AuditScore
from service.audits.templates import Template
from service.history import Event, EventKind, SubjectKind
from workflows import ParticipationState, Phase
from workflows.states import SELECTED_TRACK

NO_MOVE: tuple[str | None, str | None] = (None, None)


@dataclass(frozen=True)
class Milestones:
    """The day offsets, from the day the engagement was opened, on which its phases begin,
    and on which its plans start and end (the end is the plan's six calendar months)."""

    evaluation: int
    round_tables: int
    analysis: int
    plans: int
    plan_start: int
    plan_end: int

    @property
    def completed(self) -> int:
        return self.plan_end + 25


@dataclass
class Track:
    """One firm in the engagement: a supplier with its participation, or the buyer (no
    participation), with what has been made for it so far."""

    organization: Row
    user: Row  # the person who speaks for the firm and approves its plan
    maturity: int  # 0 (little in place) to 4 (best practice)
    participation: Row | None = None
    audit: Row | None = None  # the evaluation audit
    template: Template | None = None
    score: AuditScore | None = None
    targets: dict[str, Decimal] = field(default_factory=dict)  # KPI → agreed value
    baselines: dict[str, Decimal] = field(default_factory=dict)  # KPI → baseline value
    findings: list[Row] = field(default_factory=list)
    analysis: Row | None = None
    plan: Row | None = None

    @property
    def state(self) -> ParticipationState | None:
        return self.participation["state"] if self.participation else None

    @property
    def name(self) -> str:
        return str(self.organization["name"])


@dataclass
class Story:
    """What the seed writes for one engagement. `now` is the offset of the day the story is
    told on: everything written happens before it."""

    rows: Rows
    cast: Cast
    calendar: Calendar
    marks: Milestones
    now: int
    engagement: Row
    broker: Row
    buyer: Track
    template: Template  # the evaluation template its suppliers are audited with
    tracks: list[Track] = field(default_factory=list)

    def past(self, day: int) -> int | None:
        """The day, if it lies before `now`; None for a day still to come."""
        return day if day < self.now else None

    def selected(self) -> list[Track]:
        """Suppliers on the selected track."""
        return [track for track in self.tracks if track.state in SELECTED_TRACK]

    def firms(self) -> list[Track]:
        """Firms with an analysis and a plan: the selected suppliers, then the buyer."""
        return [*self.selected(), self.buyer]

    def event(
        self,
        actor: Row,
        kind: EventKind,
        when: tuple[int, int],
        trigger: str | None = None,
        states: tuple[str | None, str | None] = NO_MOVE,
        track: Track | None = None,
        audit: Row | None = None,
        reason: str | None = None,
    ) -> datetime:
        """An event on day offset `when[0]` at hour `when[1]`; returns its instant."""
        at = self.calendar.at(*when)
        participation = track.participation if track else None
        subject = (SubjectKind.engagement, self.engagement["id"])
        if audit:
            subject = (SubjectKind.audit, audit["id"])
        elif participation:
            subject = (SubjectKind.participation, participation["id"])
        self.rows.add(
            Event,
            programme_id=self.engagement["programme_id"],
            sequence=0,  # chained once the programme is written (bench/seed.py)
            hash="",
            subject_kind=subject[0],
            subject_id=subject[1],
            engagement_id=self.engagement["id"],
            participation_id=participation["id"] if participation else None,
            audit_id=audit["id"] if audit else None,
            actor_id=actor["id"],
            kind=kind,
            trigger=trigger,
            from_state=states[0],
            to_state=states[1],
            reason=reason,
            created_at=at,
        )
        return at

    def move_engagement(
        self, trigger: str, dest: Phase, offset: int, reason: str | None = None
    ) -> None:
        """An engagement transition by its broker, as `transition_engagement` writes it."""
        source = self.engagement["phase"]
        at = self.event(
            self.broker, EventKind.transition, (offset, 16), trigger, (source, dest), reason=reason
        )
        held = source if trigger == "hold" else None
        changed(self.engagement, at, phase=dest, held_phase=held)

    def move(
        self,
        track: Track,
        step: tuple[str, ParticipationState],
        when: tuple[int, int],
        reason: str | None,
        actor: Row | None = None,
        audit: Row | None = None,
    ) -> None:
        """A supplier's participation moved by (trigger, destination), as the broker unless
        another actor is named, as `transition_participation` and `follow` write it."""
        participation = track.participation
        if participation is None:
            return  # the buyer's analysis and plan move no track
        trigger, dest = step
        source = participation["state"]
        at = self.event(
            actor or self.broker,
            EventKind.transition,
            when,
            trigger,
            (source, dest),
            track=track,
            audit=audit,
            reason=reason,
        )
        changed(participation, at, state=dest)
