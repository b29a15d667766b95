"""Random trigger sequences over random facts never leave the engagement table's paths."""

from dataclasses import replace

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from workflows import (
    EngagementSnapshot,
    ParticipationFacts,
    ParticipationState,
    Phase,
    ReasonRequired,
    TransitionRefused,
    apply,
    available,
    held_phase_after,
)
from workflows.engagement import TRANSITIONS

from .snapshots import BUYER, CAFE, LAGO, NORTE, ready_engagement

TERMINAL = (Phase.completed, Phase.withdrawn)
TRIGGERS = list(dict.fromkeys(row["trigger"] for row in TRANSITIONS))
FORWARD = ["start_evaluation", "convene_round_tables", "start_analysis", "start_plans", "complete"]
# (trigger, from, to) for every move the table allows, read straight from the table.
MOVES = {
    (row["trigger"], source, row["dest"])
    for row in TRANSITIONS
    for source in (row["source"] if isinstance(row["source"], list) else [row["source"]])
}

# The trigger that takes each phase a step further along the method.
MOVES_ON = {source: trigger for trigger, source, _ in MOVES if trigger in FORWARD}
MOVES_ON[Phase.on_hold] = "resume"

flags = st.booleans()
participations = st.builds(
    ParticipationFacts,
    name=st.sampled_from([LAGO, NORTE, CAFE]),
    state=st.sampled_from(ParticipationState),
    has_reviewed_evaluation_audit=flags,
    attended_round_table=flags,
    has_agreed_targets=flags,
    has_approved_analysis=flags,
    plan_closed=flags,
    has_partnership_decision=flags,
)
random_facts = st.builds(
    EngagementSnapshot,
    phase=st.just(Phase.enrolment),  # replaced by the phase the run has reached
    buyer_name=st.sampled_from([BUYER, "the buyer"]),
    has_broker=flags,
    participations=st.lists(participations, max_size=4).map(tuple),
    round_table_held_with_minutes=flags,
    buyer_attended_round_table=flags,
    buyer_has_approved_analysis=flags,
    buyer_plan_closed=flags,
)
# Random facts rarely meet every guard at once, so half the draws meet them all.
facts = st.one_of(random_facts, st.builds(ready_engagement, st.just(Phase.enrolment)))
reasons = st.sampled_from([None, "", "  ", "the buyer asked for a pause"])


def outcome(
    snapshot: EngagementSnapshot, trigger: str, reason: str | None
) -> Phase | ReasonRequired | TransitionRefused:
    """The phase a trigger leads to, or the error that refused it."""
    try:
        return apply(snapshot, trigger, reason)
    except (ReasonRequired, TransitionRefused) as error:
        return error


class EngagementRun(RuleBasedStateMachine):
    """One engagement driven by random triggers, as the service would drive it."""

    def __init__(self) -> None:
        super().__init__()
        self.phase = Phase.enrolment
        self.held_phase: Phase | None = None

    def snapshot(self, drawn: EngagementSnapshot) -> EngagementSnapshot:
        return replace(drawn, phase=self.phase, held_phase=self.held_phase)

    def step(self, trigger: str, drawn: EngagementSnapshot, reason: str | None) -> None:
        snapshot = self.snapshot(drawn)
        result = outcome(snapshot, trigger, reason)
        if isinstance(result, ReasonRequired):
            assert (result.trigger, trigger in ("hold", "withdraw")) == (trigger, True)
        elif isinstance(result, TransitionRefused):
            assert result.trigger == trigger
            assert len(result.blocked_by) >= 1
        else:
            assert (trigger, self.phase, result) in MOVES
            assert trigger != "resume" or result == self.held_phase
            self.phase, self.held_phase = result, held_phase_after(snapshot, trigger)
            event(f"reached {result}")  # shows how deep runs go (--hypothesis-show-statistics)

    @rule(trigger=st.sampled_from(TRIGGERS), drawn=facts, reason=reasons)
    def fire_any_trigger(self, trigger: str, drawn: EngagementSnapshot, reason: str | None) -> None:
        self.step(trigger, drawn, reason)

    @rule(drawn=facts)
    def fire_the_trigger_that_moves_on(self, drawn: EngagementSnapshot) -> None:
        # Random triggers alone rarely get past round tables; this one follows the method.
        self.step(MOVES_ON.get(self.phase, "complete"), drawn, None)

    @invariant()
    def terminal_phases_allow_nothing(self) -> None:
        if self.phase in TERMINAL:
            everything_met = ready_engagement(self.phase, self.held_phase)
            assert [check.trigger for check in available(everything_met) if check.allowed] == []

    @rule(drawn=facts)
    def available_agrees_with_apply(self, drawn: EngagementSnapshot) -> None:
        snapshot = self.snapshot(drawn)
        for check in available(snapshot):
            result = outcome(snapshot, check.trigger, "a reason")
            if isinstance(result, TransitionRefused):
                assert (check.allowed, check.blocked_by) == (False, result.blocked_by)
            else:
                assert (check.allowed, check.dest) == (True, result)


EngagementRun.TestCase.settings = settings(
    max_examples=200,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_random_trigger_sequences_follow_the_engagement_table = EngagementRun.TestCase
