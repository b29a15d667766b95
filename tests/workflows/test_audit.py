"""The audit machine: submit lists what is missing; reopen needs a reason."""

import pytest

from workflows import AuditSnapshot, AuditState, ReasonRequired, TransitionRefused, apply_to_audit


def test_a_complete_draft_is_submitted() -> None:
    assert (
        apply_to_audit(AuditSnapshot("Etiquetas", AuditState.draft), "submit")
        == AuditState.submitted
    )


def test_submit_lists_missing_answers_and_evidence() -> None:
    snapshot = AuditSnapshot("Etiquetas", AuditState.draft, ("qa-01", "qa-02"), ("dl-03",))
    with pytest.raises(TransitionRefused) as refused:
        apply_to_audit(snapshot, "submit")
    assert refused.value.blocked_by == (
        "2 questions have no answer: qa-01, qa-02",
        "1 question lacks required evidence: dl-03",
    )


def test_review_only_follows_submission() -> None:
    with pytest.raises(TransitionRefused) as refused:
        apply_to_audit(AuditSnapshot("Etiquetas", AuditState.draft), "review")
    assert refused.value.blocked_by == (
        "review is only possible in state submitted; the audit of Etiquetas is in draft",
    )
    assert apply_to_audit(AuditSnapshot("E", AuditState.submitted), "review") == AuditState.reviewed


@pytest.mark.parametrize("state", [AuditState.submitted, AuditState.reviewed])
def test_reopen_returns_to_draft_with_a_reason(state: AuditState) -> None:
    with pytest.raises(ReasonRequired):
        apply_to_audit(AuditSnapshot("E", state), "reopen")
    assert apply_to_audit(AuditSnapshot("E", state), "reopen", "wrong figures") == AuditState.draft


def test_nothing_moves_while_the_engagement_is_not_active() -> None:
    with pytest.raises(TransitionRefused) as refused:
        apply_to_audit(AuditSnapshot("E", AuditState.submitted, engagement_active=False), "review")
    assert refused.value.blocked_by == ("the engagement is not active",)
