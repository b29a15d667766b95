"""Every participation trigger from every state, its guards and its reasons."""

from dataclasses import replace

import pytest

from workflows import (
    ParticipationSnapshot,
    ReasonRequired,
    TransitionRefused,
    apply_to_participation,
    available_for_participation,
)
from workflows import ParticipationState as S
from workflows import Phase as P

from .snapshots import NORTE, ready_participation

NOT_FINAL = (S.candidate, S.evaluated, S.selected, S.analysed, S.planning, S.implementing, S.closed)

# Written by hand from DESIGN §2, not derived from the table under test.
LEADS_TO: dict[str, dict[S, S]] = {
    "evaluate": {S.candidate: S.evaluated},
    "select": {S.evaluated: S.selected},
    "not_select": {S.evaluated: S.not_selected},
    "analyse": {S.selected: S.analysed},
    "start_planning": {S.analysed: S.planning},
    "start_implementation": {S.planning: S.implementing},
    "close": {S.implementing: S.closed},
    "record_partnership": {S.closed: S.partner},
    "record_conditional_partnership": {S.closed: S.conditional_partner},
    "record_no_partnership": {S.closed: S.no_partnership},
    "drop": dict.fromkeys(NOT_FINAL, S.dropped),
}
ONLY_IN = {
    trigger: f"state {next(iter(moves))}" for trigger, moves in LEADS_TO.items() if len(moves) == 1
} | {"drop": "states candidate, evaluated, selected, analysed, planning, implementing, closed"}
# The engagement phase each trigger needs; the others accept any active phase.
NEEDS_PHASE = {
    "select": P.supplier_evaluation,
    "not_select": P.supplier_evaluation,
    "start_planning": P.improvement_plans,
    "record_partnership": P.improvement_plans,
    "record_conditional_partnership": P.improvement_plans,
    "record_no_partnership": P.improvement_plans,
}
REQUIRES_REASON = [
    "select",
    "not_select",
    "record_partnership",
    "record_conditional_partnership",
    "record_no_partnership",
    "drop",
]
ALLOWED_PAIRS = [(t, state, dest) for t, moves in LEADS_TO.items() for state, dest in moves.items()]
REFUSED_PAIRS = [(t, state) for t in LEADS_TO for state in S if state not in LEADS_TO[t]]


def ready(trigger: str, state: S) -> ParticipationSnapshot:
    return ready_participation(state, NEEDS_PHASE.get(trigger, P.improvement_analysis))


def reason_for(trigger: str) -> str | None:
    return "the buyer's panel scored it first" if trigger in REQUIRES_REASON else None


def refusal_reasons(snapshot: ParticipationSnapshot, trigger: str) -> tuple[str, ...]:
    with pytest.raises(TransitionRefused) as refusal:
        apply_to_participation(snapshot, trigger, reason_for(trigger))
    return refusal.value.blocked_by


def test_the_table_covers_every_trigger_and_state_pair():
    assert len(ALLOWED_PAIRS) + len(REFUSED_PAIRS) == 11 * 12


@pytest.mark.parametrize(("trigger", "state", "dest"), ALLOWED_PAIRS)
def test_a_trigger_leads_from_its_source_state_to_its_destination(trigger, state, dest):
    assert apply_to_participation(ready(trigger, state), trigger, reason_for(trigger)) == dest


@pytest.mark.parametrize(("trigger", "state"), REFUSED_PAIRS)
def test_a_trigger_is_refused_outside_its_source_states_naming_them(trigger, state):
    assert refusal_reasons(ready(trigger, state), trigger) == (
        f"{trigger} is only possible in {ONLY_IN[trigger]}; {NORTE} is in {state}",
    )


@pytest.mark.parametrize("state", list(S))
def test_available_lists_every_trigger_in_table_order_with_what_is_allowed(state):
    checks = available_for_participation(ready_participation(state, P.improvement_plans))
    assert [check.trigger for check in checks] == list(LEADS_TO)
    allowed = {c.trigger: c.dest for c in checks if c.allowed}
    assert allowed == {
        t: moves[state]
        for t, moves in LEADS_TO.items()
        if state in moves and NEEDS_PHASE.get(t, P.improvement_plans) == P.improvement_plans
    }


def test_available_marks_decisions_and_drops_as_requiring_a_reason():
    checks = available_for_participation(ready_participation(S.candidate))
    assert [c.trigger for c in checks if c.requires_reason] == REQUIRES_REASON


@pytest.mark.parametrize("trigger", REQUIRES_REASON)
@pytest.mark.parametrize("reason", [None, "", " \n"])
def test_decisions_and_drops_require_a_non_blank_reason(trigger, reason):
    state = next(iter(LEADS_TO[trigger]))
    with pytest.raises(ReasonRequired) as error:
        apply_to_participation(ready(trigger, state), trigger, reason)
    assert error.value.trigger == trigger


@pytest.mark.parametrize(
    ("trigger", "state", "unmet", "reason"),
    [
        (
            "evaluate",
            S.candidate,
            "has_reviewed_evaluation_audit",
            "has no reviewed evaluation audit",
        ),
        ("analyse", S.selected, "has_approved_analysis", "has no approved analysis"),
        ("start_implementation", S.planning, "plan_approved", "has no approved plan"),
        ("close", S.implementing, "plan_closed", "has no closed plan"),
    ],
)
def test_a_trigger_needing_a_fact_names_the_firm_that_lacks_it(trigger, state, unmet, reason):
    snapshot = replace(ready(trigger, state), **{unmet: False})
    assert refusal_reasons(snapshot, trigger) == (f"{NORTE} {reason}",)


@pytest.mark.parametrize(("trigger", "needed"), NEEDS_PHASE.items())
def test_a_decision_is_refused_in_the_wrong_engagement_phase(trigger, needed):
    state = next(iter(LEADS_TO[trigger]))
    snapshot = ready_participation(state, P.round_tables)
    assert refusal_reasons(snapshot, trigger) == (
        f"the engagement is in round_tables, not {needed}",
    )


STOPPED = [
    (P.on_hold, "the engagement is on hold"),
    (P.withdrawn, "the engagement has been withdrawn"),
    (P.completed, "the engagement is completed"),
]


@pytest.mark.parametrize(("trigger", "state", "dest"), ALLOWED_PAIRS)
@pytest.mark.parametrize(("phase", "why"), STOPPED)
def test_no_trigger_moves_a_participation_while_the_engagement_is_stopped(
    trigger, state, dest, phase, why
):
    assert refusal_reasons(ready_participation(state, phase), trigger) == (why,)


def test_a_stopped_engagement_is_listed_with_every_other_unmet_condition():
    snapshot = replace(
        ready_participation(S.candidate, P.on_hold), has_reviewed_evaluation_audit=False
    )
    assert refusal_reasons(snapshot, "evaluate") == (
        "the engagement is on hold",
        f"{NORTE} has no reviewed evaluation audit",
    )


def test_participation_state_members_equal_their_values():
    assert [state.name for state in S] == [state.value for state in S]
