"""Routes for improvement analyses: open, read, summary, findings, baselines, approve, reopen."""

import uuid
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from sqlmodel import Session, col, select

from service.accounts.models import Role, User
from service.analyses import service
from service.analyses.models import (
    Analysis,
    AnalysisCreate,
    AnalysisPublic,
    AnalysisUpdate,
    BaselineCreate,
    FindingCreate,
    FindingPublic,
    KpiValue,
    KpiValuePublic,
)
from service.deps import CallerDep
from service.engagements import access as engagement_access
from service.engagements.models import Engagement, TransitionRequest
from service.engagements.router import READ, WRITE, EngagementDep, VersionDep, etag
from service.engagements.views import triggers
from service.errors import problems
from workflows import available_for_analysis

router = APIRouter(tags=["analyses"])
CREATE = problems(401, 403, 404, 409, 422)


class AnalysisTrigger(StrEnum):
    approve = "approve"
    reopen = "reopen"


def may_see(user: User, engagement: Engagement, analysis: Analysis) -> bool:
    """Unit staff and the buyer see every analysis of the engagement; a supplier its own."""
    if user.role in engagement_access.READS_ALL or user.role == Role.buyer:
        return True
    return user.role == Role.supplier and analysis.organization_id == user.organization_id


def publics(session: Session, analyses: list[Analysis]) -> list[AnalysisPublic]:
    """Analyses with their findings, links and baselines, in four queries whatever the count."""
    ids = [analysis.id for analysis in analyses]
    findings = service.findings_of(session, ids)
    links = service.links_of(session, [finding.id for finding in findings])
    baselines = service.baselines_of(session, ids)
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
    return publics(session, [analysis])[0]


@router.post(
    "/engagements/{engagement_id}/analyses",
    response_model=AnalysisPublic,
    status_code=status.HTTP_201_CREATED,
    responses=CREATE,
)
def open_analysis(
    data: AnalysisCreate, engagement: EngagementDep, caller: CallerDep, response: Response
) -> AnalysisPublic:
    """Open the analysis of a selected supplier, or of the buyer (participation_id null)."""
    engagement_access.require_action(caller.user, engagement)
    analysis = service.open_analysis(
        session=caller.session, actor=caller.user, engagement=engagement, data=data
    )
    etag(response, analysis.version)
    return public(caller.session, analysis)


@router.get(
    "/engagements/{engagement_id}/analyses", response_model=list[AnalysisPublic], responses=READ
)
def list_analyses(engagement: EngagementDep, caller: CallerDep) -> list[AnalysisPublic]:
    """The engagement's analyses the caller may see."""
    rows = caller.session.exec(
        select(Analysis)
        .where(Analysis.engagement_id == engagement.id)
        .order_by(col(Analysis.created_at), col(Analysis.id))
    ).all()
    return publics(caller.session, [row for row in rows if may_see(caller.user, engagement, row)])


def analysis_dep(
    request: Request, analysis_id: uuid.UUID, caller: CallerDep
) -> tuple[Analysis, Engagement]:
    """The analysis and its engagement if the caller may see them, else 404."""
    return engagement_access.get_in_visible_engagement(
        caller.session,
        caller.user,
        Analysis,
        analysis_id,
        "analysis",
        request.method not in {"GET", "HEAD"},
        lambda engagement, analysis: may_see(caller.user, engagement, analysis),
    )


AnalysisDep = Annotated[tuple[Analysis, Engagement], Depends(analysis_dep)]


@router.get("/analyses/{analysis_id}", response_model=AnalysisPublic, responses=READ)
def read_analysis(found: AnalysisDep, caller: CallerDep, response: Response) -> AnalysisPublic:
    """One analysis with its findings and baselines; its ETag is the version for If-Match."""
    etag(response, found[0].version)
    return public(caller.session, found[0])


@router.patch("/analyses/{analysis_id}", response_model=AnalysisPublic, responses=WRITE)
def update_analysis(
    data: AnalysisUpdate,
    found: AnalysisDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
) -> AnalysisPublic:
    """Change the summary of a draft analysis."""
    engagement_access.require_action(caller.user, found[1])
    analysis = service.update_summary(
        session=caller.session, analysis=found[0], summary=data.summary, version=version
    )
    etag(response, analysis.version)
    return public(caller.session, analysis)


@router.post(
    "/analyses/{analysis_id}/findings",
    response_model=FindingPublic,
    status_code=status.HTTP_201_CREATED,
    responses=CREATE,
)
def add_finding(data: FindingCreate, found: AnalysisDep, caller: CallerDep) -> FindingPublic:
    """Add a finding: area, description, severity, root cause, and the audit answers and
    evidence files it rests on."""
    engagement_access.require_action(caller.user, found[1])
    finding = service.add_finding(
        session=caller.session, actor=caller.user, analysis=found[0], data=data
    )
    links = service.links_of(caller.session, [finding.id])
    return FindingPublic.model_validate({**finding.model_dump(), "links": links})


@router.post(
    "/analyses/{analysis_id}/baselines",
    response_model=KpiValuePublic,
    status_code=status.HTTP_201_CREATED,
    responses=CREATE,
)
def add_baseline(data: BaselineCreate, found: AnalysisDep, caller: CallerDep) -> KpiValue:
    """Record a baseline KPI value: value, when it was measured and how."""
    engagement_access.require_action(caller.user, found[1])
    return service.add_baseline(
        session=caller.session, actor=caller.user, analysis=found[0], data=data
    )


@router.get("/analyses/{analysis_id}/transitions", responses=READ)
def analysis_transitions(found: AnalysisDep, caller: CallerDep) -> list[Any]:
    """approve and reopen: whether each is allowed now and what blocks it."""
    return triggers(available_for_analysis(service.snapshot(caller.session, found[0], found[1])))


@router.post(
    "/analyses/{analysis_id}/transitions/{trigger}", response_model=AnalysisPublic, responses=WRITE
)
def transition_analysis(
    trigger: AnalysisTrigger,
    found: AnalysisDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
    data: TransitionRequest | None = None,
) -> AnalysisPublic:
    """Approve (refused with what is missing) or reopen (administrators, with a reason)."""
    analysis, engagement = found
    engagement_access.require_action(caller.user, engagement)
    analysis = service.transition(
        session=caller.session,
        actor=caller.user,
        engagement=engagement,
        analysis=analysis,
        trigger=trigger.value,
        reason=data.reason if data else None,
        version=version,
    )
    etag(response, analysis.version)
    return public(caller.session, analysis)
