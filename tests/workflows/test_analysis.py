"""The analysis machine: approval lists what is missing; reopen needs a reason."""

import pytest

from workflows import (
    AnalysisSnapshot,
    AnalysisState,
    ReasonRequired,
    TransitionRefused,
    apply_to_analysis,
)


def test_an_analysis_with_findings_and_baselines_is_approved() -> None:
    snapshot = AnalysisSnapshot("Etiquetas", AnalysisState.draft, findings=2)
    assert apply_to_analysis(snapshot, "approve") == AnalysisState.approved


def test_approval_lists_the_missing_finding_and_baselines() -> None:
    snapshot = AnalysisSnapshot("Etiquetas", AnalysisState.draft, 0, ("lead_time", "scrap_rate"))
    with pytest.raises(TransitionRefused) as refused:
        apply_to_analysis(snapshot, "approve")
    assert refused.value.blocked_by == (
        "the analysis of Etiquetas has no finding",
        "2 targeted KPIs have no baseline: lead_time, scrap_rate",
    )


def test_approval_waits_for_the_analysis_phase() -> None:
    snapshot = AnalysisSnapshot("E", AnalysisState.draft, 1, in_analysis_phase=False)
    with pytest.raises(TransitionRefused) as refused:
        apply_to_analysis(snapshot, "approve")
    assert refused.value.blocked_by == ("the engagement is not in phase improvement_analysis",)


def test_reopen_needs_a_reason() -> None:
    with pytest.raises(ReasonRequired):
        apply_to_analysis(AnalysisSnapshot("E", AnalysisState.approved), "reopen")
    assert (
        apply_to_analysis(AnalysisSnapshot("E", AnalysisState.approved), "reopen", "new data")
        == AnalysisState.draft
    )
