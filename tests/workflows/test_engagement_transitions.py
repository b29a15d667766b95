"""Every engagement trigger from every phase: where it leads, or the exact refusal."""

import pytest

from workflows import Phase as P
from workflows import (
    ReasonRequired,
    TransitionRefused,
    UnknownTrigger,
    apply,
    available,
    held_phase_after,
)

from .snapshots import ready_engagement

ACTIVE = (
    P.enrolment,
    P.supplier_evaluation,
    P.round_tables,
    P.improvement_analysis,
    P.improvement_plans,
)
HELD_IN = P.round_tables  # the phase a held engagement resumes to in these tests

# Written by hand from DESIGN §2, not derived from the table under test.
LEADS_TO: dict[str, dict[P, P]] = {
    "start_evaluation": {P.enrolment: P.supplier_evaluation},
    "convene_round_tables": {P.supplier_evaluation: P.round_tables},
    "start_analysis": {P.round_tables: P.improvement_analysis},
    "start_plans": {P.improvement_analysis: P.improvement_plans},
    "complete": {P.improvement_plans: P.completed},
    "hold": dict.fromkeys(ACTIVE, P.on_hold),
    "resume": {P.on_hold: HELD_IN},
    "withdraw": dict.fromkeys((*ACTIVE, P.on_hold), P.withdrawn),
}
ONLY_IN = {
    "start_evaluation": "phase enrolment",
    "convene_round_tables": "phase supplier_evaluation",
    "start_analysis": "phase round_tables",
    "start_plans": "phase improvement_analysis",
    "complete": "phase improvement_plans",
    "hold": "phases enrolment, supplier_evaluation, round_tables, improvement_analysis, "
    "improvement_plans",
    "resume": "phase on_hold",
    "withdraw": "phases enrolment, supplier_evaluation, round_tables, improvement_analysis, "
    "improvement_plans, on_hold",
}
REASON = {"hold": "buyer plant shut for a month", "withdraw": "buyer left the programme"}
ALLOWED_PAIRS = [(t, phase, dest) for t, moves in LEADS_TO.items() for phase, dest in moves.items()]
REFUSED_PAIRS = [(t, phase) for t in LEADS_TO for phase in P if phase not in LEADS_TO[t]]


def ready(phase: P):
    return ready_engagement(phase, held_phase=HELD_IN if phase == P.on_hold else None)


def test_the_table_covers_every_trigger_and_phase_pair():
    assert len(ALLOWED_PAIRS) + len(REFUSED_PAIRS) == 8 * 8


@pytest.mark.parametrize(("trigger", "phase", "dest"), ALLOWED_PAIRS)
def test_a_trigger_leads_from_its_source_phase_to_its_destination(trigger, phase, dest):
    assert apply(ready(phase), trigger, REASON.get(trigger)) == dest


@pytest.mark.parametrize(("trigger", "phase"), REFUSED_PAIRS)
def test_a_trigger_is_refused_outside_its_source_phases_naming_them(trigger, phase):
    with pytest.raises(TransitionRefused) as refusal:
        apply(ready(phase), trigger, REASON.get(trigger))
    assert refusal.value.trigger == trigger
    assert refusal.value.blocked_by == (
        f"{trigger} is only possible in {ONLY_IN[trigger]}; the engagement is in {phase}",
    )


@pytest.mark.parametrize("phase", list(P))
def test_available_lists_every_trigger_in_table_order_with_what_is_allowed(phase):
    checks = available(ready(phase))
    assert [check.trigger for check in checks] == list(LEADS_TO)
    assert {c.trigger: c.dest for c in checks if c.allowed} == {
        trigger: moves[phase] for trigger, moves in LEADS_TO.items() if phase in moves
    }


def test_available_explains_a_trigger_refused_for_its_source_phase():
    check = available(ready(P.supplier_evaluation))[2]
    assert (check.trigger, check.allowed, check.dest, check.blocked_by) == (
        "start_analysis",
        False,
        None,
        (
            "start_analysis is only possible in phase round_tables; "
            "the engagement is in supplier_evaluation",
        ),
    )


def test_available_marks_only_hold_and_withdraw_as_requiring_a_reason():
    checks = available(ready(P.enrolment))
    assert [c.trigger for c in checks if c.requires_reason] == ["hold", "withdraw"]


@pytest.mark.parametrize(
    "phase",
    [
        P.enrolment,
        P.supplier_evaluation,
        P.round_tables,
        P.improvement_analysis,
        P.improvement_plans,
    ],
)
def test_hold_then_resume_returns_to_the_phase_it_was_held_in(phase):
    before = ready_engagement(phase)
    assert apply(before, "hold", "waiting for the buyer's budget") == P.on_hold
    held = held_phase_after(before, "hold")
    assert held == phase
    on_hold = ready_engagement(P.on_hold, held_phase=held)
    assert apply(on_hold, "resume") == phase
    assert held_phase_after(on_hold, "resume") is None


def test_withdraw_keeps_the_held_phase_for_the_record():
    on_hold = ready_engagement(P.on_hold, held_phase=P.round_tables)
    assert held_phase_after(on_hold, "withdraw") == P.round_tables


def test_resume_is_refused_when_no_held_phase_is_recorded():
    with pytest.raises(TransitionRefused) as refusal:
        apply(ready_engagement(P.on_hold), "resume")
    assert refusal.value.blocked_by == ("no held phase is recorded to resume to",)


def test_resume_is_refused_when_the_held_phase_is_not_an_active_phase():
    with pytest.raises(TransitionRefused) as refusal:
        apply(ready_engagement(P.on_hold, held_phase=P.completed), "resume")
    assert refusal.value.blocked_by == ("the held phase completed is not an active phase",)


def test_available_shows_no_destination_when_resume_has_nowhere_to_go():
    resume = available(ready_engagement(P.on_hold))[6]
    assert (resume.trigger, resume.allowed, resume.dest) == ("resume", False, None)


@pytest.mark.parametrize("trigger", ["hold", "withdraw"])
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_hold_and_withdraw_require_a_non_blank_reason(trigger, reason):
    with pytest.raises(ReasonRequired) as error:
        apply(ready_engagement(P.round_tables), trigger, reason)
    assert error.value.trigger == trigger
    assert str(error.value) == f"{trigger} requires a reason"


def test_a_missing_reason_is_a_value_error():
    assert issubclass(ReasonRequired, ValueError)


def test_a_missing_reason_is_reported_before_the_wrong_phase():
    with pytest.raises(ReasonRequired):
        apply(ready_engagement(P.completed), "withdraw")


def test_an_unknown_trigger_is_refused_naming_the_known_ones():
    with pytest.raises(UnknownTrigger) as error:
        apply(ready_engagement(P.enrolment), "approve")
    assert error.value.trigger == "approve"
    assert str(error.value) == (
        "unknown trigger 'approve'; known triggers: start_evaluation, convene_round_tables, "
        "start_analysis, start_plans, complete, hold, resume, withdraw"
    )


def test_a_refusal_message_joins_every_reason():
    with pytest.raises(TransitionRefused) as refusal:
        apply(ready_engagement(P.completed), "hold", "too late")
    assert str(refusal.value) == (
        "hold is refused: hold is only possible in phases enrolment, supplier_evaluation, "
        "round_tables, improvement_analysis, improvement_plans; the engagement is in completed"
    )


def test_phase_members_equal_their_values():
    assert [phase.name for phase in P] == [phase.value for phase in P]
