"""Public shapes of improvement analyses: findings with their links, and baselines."""

from sqlmodel import Session

from service.analyses import queries
from service.analyses.models import Analysis, AnalysisPublic, Finding, FindingPublic, KpiValuePublic


def publics(session: Session, analyses: list[Analysis]) -> list[AnalysisPublic]:
    """Analyses with their findings, links and baselines, in four queries whatever the count."""
    ids = [analysis.id for analysis in analyses]
    findings = queries.findings_of(session, ids)
    links = queries.links_of(session, [finding.id for finding in findings])
    baselines = queries.baselines_of(session, ids)
    return [
        AnalysisPublic.model_validate(
            {
                **analysis.model_dump(),
                "findings": [
                    {
                        **finding.model_dump(),
                        "links": [link for link in links if link.finding_id == finding.id],
                    }
                    for finding in findings
                    if finding.analysis_id == analysis.id
                ],
                "baselines": [
                    KpiValuePublic.model_validate(value, from_attributes=True)
                    for value in baselines
                    if value.analysis_id == analysis.id
                ],
            }
        )
        for analysis in analyses
    ]


def public(session: Session, analysis: Analysis) -> AnalysisPublic:
    """One analysis with its findings and baselines."""
    return publics(session, [analysis])[0]


def finding_public(session: Session, finding: Finding) -> FindingPublic:
    """One finding with the answers and files it rests on."""
    links = queries.links_of(session, [finding.id])
    return FindingPublic.model_validate({**finding.model_dump(), "links": links})
