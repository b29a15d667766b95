"""Each engagement guard's exact reasons, naming firms, with singular and plural right."""

from dataclasses import replace

import pytest

from workflows import (
    EngagementSnapshot,
    ParticipationFacts,
    TransitionRefused,
    apply,
    can_add_candidate,
    candidate_addition_blocked_by,
)
from workflows import ParticipationState as S
from workflows import Phase as P

from .snapshots import BUYER, CAFE, LAGO, NORTE, ready_engagement, supplier_with_everything_done


def refusal_reasons(snapshot: EngagementSnapshot, trigger: str) -> tuple[str, ...]:
    with pytest.raises(TransitionRefused) as refusal:
        apply(snapshot, trigger)
    return refusal.value.blocked_by


def with_suppliers(phase: P, *participations: ParticipationFacts) -> EngagementSnapshot:
    return replace(ready_engagement(phase), participations=participations)


def test_evaluation_cannot_start_without_a_broker_or_a_candidate():
    assert refusal_reasons(EngagementSnapshot(P.enrolment), "start_evaluation") == (
        "no broker is assigned",
        "no active candidate is listed",
    )


def test_evaluation_cannot_start_when_every_candidate_was_dropped():
    snapshot = with_suppliers(P.enrolment, ParticipationFacts(LAGO, S.dropped))
    assert refusal_reasons(snapshot, "start_evaluation") == ("no active candidate is listed",)


def test_evaluation_starts_with_a_broker_and_one_candidate():
    snapshot = EngagementSnapshot(
        P.enrolment, has_broker=True, participations=(ParticipationFacts(LAGO, S.candidate),)
    )
    assert apply(snapshot, "start_evaluation") == P.supplier_evaluation


def test_round_tables_cannot_start_before_every_candidate_is_evaluated_and_decided():
    snapshot = with_suppliers(
        P.supplier_evaluation,
        ParticipationFacts(LAGO, S.not_selected),
        ParticipationFacts(NORTE, S.candidate),
    )
    assert refusal_reasons(snapshot, "convene_round_tables") == (
        f"2 candidates have no reviewed evaluation audit: {LAGO}, {NORTE}",
        f"1 candidate has no selection decision: {NORTE}",
        "no supplier is selected",
    )


def test_round_tables_name_one_unaudited_candidate_in_the_singular():
    snapshot = with_suppliers(
        P.supplier_evaluation,
        supplier_with_everything_done(LAGO),
        ParticipationFacts(NORTE, S.not_selected),
    )
    assert refusal_reasons(snapshot, "convene_round_tables") == (
        f"1 candidate has no reviewed evaluation audit: {NORTE}",
    )


def test_round_tables_name_every_undecided_candidate_in_the_plural():
    snapshot = with_suppliers(
        P.supplier_evaluation,
        supplier_with_everything_done(LAGO),
        supplier_with_everything_done(NORTE, S.evaluated),
        supplier_with_everything_done(CAFE, S.candidate),
    )
    assert refusal_reasons(snapshot, "convene_round_tables") == (
        f"2 candidates have no selection decision: {NORTE}, {CAFE}",
    )


def test_round_tables_ignore_dropped_candidates():
    snapshot = with_suppliers(
        P.supplier_evaluation,
        supplier_with_everything_done(LAGO),
        ParticipationFacts(NORTE, S.dropped),
    )
    assert apply(snapshot, "convene_round_tables") == P.round_tables


def test_analysis_cannot_start_and_lists_every_unmet_round_table_condition():
    snapshot = EngagementSnapshot(
        P.round_tables,
        buyer_name=BUYER,
        participations=(
            ParticipationFacts(LAGO, S.selected, has_agreed_targets=False),
            ParticipationFacts(NORTE, S.selected, attended_round_table=True),
            ParticipationFacts(CAFE, S.not_selected),
        ),
    )
    assert refusal_reasons(snapshot, "start_analysis") == (
        "no round table has been held with minutes",
        f"the buyer {BUYER} has not attended a round table",
        f"1 selected supplier has not attended a round table: {LAGO}",
        f"2 selected suppliers have no agreed targets: {LAGO}, {NORTE}",
    )


def test_an_unnamed_buyer_is_called_the_buyer():
    snapshot = replace(ready_engagement(P.round_tables), buyer_attended_round_table=False)
    assert refusal_reasons(replace(snapshot, buyer_name="the buyer"), "start_analysis") == (
        "the buyer has not attended a round table",
    )


def test_analysis_cannot_start_when_every_selected_supplier_was_dropped():
    snapshot = with_suppliers(P.round_tables, ParticipationFacts(LAGO, S.dropped))
    assert refusal_reasons(snapshot, "start_analysis") == ("no supplier is selected",)


def test_plans_cannot_start_before_every_analysis_is_approved():
    snapshot = replace(
        with_suppliers(
            P.improvement_analysis,
            ParticipationFacts(LAGO, S.analysed, has_approved_analysis=True),
            ParticipationFacts(NORTE, S.selected),
        ),
        buyer_has_approved_analysis=False,
    )
    assert refusal_reasons(snapshot, "start_plans") == (
        f"1 selected supplier has no approved analysis: {NORTE}",
        f"the buyer {BUYER} has no approved analysis",
    )


def test_the_engagement_cannot_complete_before_plans_close_and_partnerships_are_decided():
    snapshot = replace(
        with_suppliers(
            P.improvement_plans,
            ParticipationFacts(LAGO, S.closed, plan_closed=True),
            ParticipationFacts(NORTE, S.implementing),
        ),
        buyer_plan_closed=False,
    )
    assert refusal_reasons(snapshot, "complete") == (
        f"1 selected supplier has no closed plan: {NORTE}",
        f"the buyer {BUYER} has no closed plan",
        f"2 selected suppliers have no partnership decision: {LAGO}, {NORTE}",
    )


def test_the_engagement_completes_once_every_decision_is_recorded():
    snapshot = with_suppliers(
        P.improvement_plans,
        supplier_with_everything_done(LAGO, S.partner),
        supplier_with_everything_done(NORTE, S.no_partnership),
        ParticipationFacts(CAFE, S.dropped),
    )
    assert apply(snapshot, "complete") == P.completed


@pytest.mark.parametrize("phase", list(P))
def test_candidates_can_be_added_only_until_round_tables_start(phase):
    assert can_add_candidate(phase) is (phase in (P.enrolment, P.supplier_evaluation))


def test_adding_a_candidate_after_evaluation_says_why_not():
    assert candidate_addition_blocked_by(P.round_tables) == (
        "candidates can only be added in phases enrolment, supplier_evaluation; "
        "the engagement is in round_tables"
    )


def test_adding_a_candidate_during_evaluation_has_no_objection():
    assert candidate_addition_blocked_by(P.supplier_evaluation) is None
