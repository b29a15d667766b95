"""Routes for improvement analyses: open, read, summary, findings, baselines, approve, reopen."""

from typing import Any

from fastapi import APIRouter, Response, status

from service.analyses import queries, service, views
from service.analyses.access import AnalysisDep
from service.analyses.models import (
    AnalysisCreate,
    AnalysisPublic,
    AnalysisTrigger,
    AnalysisUpdate,
    BaselineCreate,
    FindingCreate,
    FindingPublic,
    KpiValue,
    KpiValuePublic,
)
from service.deps import (
    READ,
    WRITE,
    CallerDep,
    EngagementDep,
    VersionDep,
    created_under_parent,
    etag,
    parent_etag,
)
from service.engagements import access as engagement_access
from service.engagements.models import TransitionRequest
from service.engagements.views import triggers
from service.errors import problems
from service.pagination import CursorQuery, LimitQuery, Page, page_after
from workflows import available_for_analysis

router = APIRouter(tags=["analyses"])
CREATE = problems(401, 403, 404, 409, 412, 422, 428)


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
    return views.public(caller.session, analysis)


@router.get(
    "/engagements/{engagement_id}/analyses", response_model=Page[AnalysisPublic], responses=READ
)
def list_analyses(
    engagement: EngagementDep, caller: CallerDep, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> Page[AnalysisPublic]:
    """The engagement's analyses the caller may see, oldest first."""
    analyses = queries.analyses_of(caller.session, caller.user, engagement)
    return page_after(analyses, cursor, limit, lambda rows: views.publics(caller.session, rows))


@router.get("/analyses/{analysis_id}", response_model=AnalysisPublic, responses=READ)
def read_analysis(found: AnalysisDep, caller: CallerDep, response: Response) -> AnalysisPublic:
    """One analysis with its findings and baselines; its ETag is the version for If-Match."""
    etag(response, found[0].version)
    return views.public(caller.session, found[0])


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
    return views.public(caller.session, analysis)


@router.post(
    "/analyses/{analysis_id}/findings",
    response_model=FindingPublic,
    status_code=status.HTTP_201_CREATED,
    responses={**CREATE, **created_under_parent(child_etag=False)},
)
def add_finding(
    data: FindingCreate,
    found: AnalysisDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
) -> FindingPublic:
    """Add a finding: area, description, severity, root cause, and the audit answers and
    evidence files it rests on. If-Match is the analysis's; Parent-ETag its new version."""
    engagement_access.require_action(caller.user, found[1])
    finding = service.add_finding(
        session=caller.session, actor=caller.user, analysis=found[0], data=data, version=version
    )
    parent_etag(response, version + 1)
    return views.finding_public(caller.session, finding)


@router.post(
    "/analyses/{analysis_id}/baselines",
    response_model=KpiValuePublic,
    status_code=status.HTTP_201_CREATED,
    responses={**CREATE, **created_under_parent(child_etag=False)},
)
def add_baseline(
    data: BaselineCreate,
    found: AnalysisDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
) -> KpiValue:
    """Record a baseline KPI value: value, when it was measured and how. If-Match is the
    analysis's; Parent-ETag its new version."""
    engagement_access.require_action(caller.user, found[1])
    value = service.add_baseline(
        session=caller.session, actor=caller.user, analysis=found[0], data=data, version=version
    )
    parent_etag(response, version + 1)
    return value


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
    return views.public(caller.session, analysis)
