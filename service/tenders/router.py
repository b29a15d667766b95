"""Routes for tenders: drafting, lots, invitations, transitions, clarifications, sealed bids,
evaluation, award and its effect on the plans, and the programme's tender policy."""

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Response, status

from service.deps import READ, WRITE, CallerDep, ProgrammeDep, VersionDep, etag
from service.engagements.models import TransitionRequest
from service.engagements.views import triggers
from service.errors import problems
from service.pagination import CursorQuery, LimitQuery, Page, RankCursorQuery
from service.tenders import (
    access,
    bids,
    clarifications,
    contracts,
    documents,
    evaluation,
    lists,
    queries,
    service,
    views,
)
from service.tenders.access import LotDep, TenderDep
from service.tenders.models import (
    AnswerCreate,
    BidIn,
    Declaration,
    EvaluatorAssign,
    InvitationCreate,
    LotCreate,
    LotDecision,
    PolicyUpdate,
    QuestionCreate,
    ScoreSheet,
    TenderAmend,
    TenderCreate,
    TenderTrigger,
)
from service.types import Language, utcnow
from workflows.tender import available_for_tender

router = APIRouter(tags=["tenders"])
ACT = problems(401, 403, 404, 409, 422)
SEEN = problems(401, 403, 404, 422)


@router.post(
    "/tenders",
    response_model=views.TenderPublic,
    status_code=status.HTTP_201_CREATED,
    responses=ACT,
)
def create_tender(data: TenderCreate, caller: CallerDep, response: Response) -> views.TenderPublic:
    """Draft a call for proposals (administrators)."""
    evaluation.require_admin(caller.user)
    tender = service.create_tender(session=caller.session, actor=caller.user, data=data)
    etag(response, tender.version)
    return views.public(caller.session, tender)


@router.get("/tenders", response_model=Page[views.TenderPublic], responses=READ)
def list_tenders(
    caller: CallerDep, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> Page[views.TenderPublic]:
    """The tenders you may see: the unit all, a provider those open to it."""
    rows, next_cursor = queries.tender_page(caller.session, caller.user, cursor, limit)
    return Page(items=views.publics(caller.session, rows), next_cursor=next_cursor)


@router.get("/tenders/{tender_id}", response_model=views.TenderPublic, responses=READ)
def read_tender(tender: TenderDep, caller: CallerDep, response: Response) -> views.TenderPublic:
    """A tender with its lots and their actions."""
    etag(response, tender.version)
    return views.public(caller.session, tender)


@router.patch("/tenders/{tender_id}", response_model=views.TenderPublic, responses=WRITE)
def amend_tender(
    data: TenderAmend, tender: TenderDep, version: VersionDep, caller: CallerDep, response: Response
) -> views.TenderPublic:
    """Change a draft, or amend a published tender (the deadline moves with it)."""
    access.require_write(caller.user, tender)
    tender = service.amend_tender(
        session=caller.session, actor=caller.user, tender=tender, data=data, version=version
    )
    etag(response, tender.version)
    return views.public(caller.session, tender)


@router.post(
    "/tenders/{tender_id}/lots",
    response_model=views.LotPublic,
    status_code=status.HTTP_201_CREATED,
    responses=ACT,
)
def add_lot(data: LotCreate, tender: TenderDep, caller: CallerDep) -> views.LotPublic:
    """A lot bundling "to be tendered" actions of one category."""
    access.require_write(caller.user, tender)
    lot = service.add_lot(session=caller.session, actor=caller.user, tender=tender, data=data)
    return views.lot_public(caller.session, lot)


@router.post(
    "/tenders/{tender_id}/invitations", status_code=status.HTTP_204_NO_CONTENT, responses=ACT
)
def invite(data: InvitationCreate, tender: TenderDep, caller: CallerDep) -> None:
    """Invite a provider of the programme."""
    access.require_write(caller.user, tender)
    service.invite(
        session=caller.session,
        actor=caller.user,
        tender=tender,
        organization_id=data.organization_id,
    )


@router.get("/tenders/{tender_id}/transitions", responses=READ)
def tender_transitions(tender: TenderDep, caller: CallerDep) -> list[Any]:
    """Every tender trigger: whether it is allowed now and what blocks it."""
    return triggers(available_for_tender(queries.snapshot(caller.session, tender, utcnow())))


@router.post(
    "/tenders/{tender_id}/transitions/{trigger}", response_model=views.TenderPublic, responses=WRITE
)
def transition_tender(
    trigger: TenderTrigger,
    tender: TenderDep,
    version: VersionDep,
    caller: CallerDep,
    response: Response,
    data: TransitionRequest | None = None,
) -> views.TenderPublic:
    """Publish, close, complete the evaluation, award, declare unsuccessful or cancel."""
    access.require_write(caller.user, tender)
    tender = service.fire(
        session=caller.session,
        actor=caller.user,
        tender=tender,
        trigger=trigger.value,
        version=version,
        reason=data.reason if data else None,
    )
    etag(response, tender.version)
    return views.public(caller.session, tender)


@router.post(
    "/tenders/{tender_id}/clarifications",
    response_model=views.ClarificationPublic,
    status_code=status.HTTP_201_CREATED,
    responses=ACT,
)
def ask(data: QuestionCreate, tender: TenderDep, caller: CallerDep) -> views.ClarificationPublic:
    """A provider's question during the clarification period."""
    item = clarifications.ask(
        session=caller.session, actor=caller.user, tender=tender, question=data.question
    )
    return views.clarification_public(item, reveal_asker=True)


@router.get(
    "/tenders/{tender_id}/clarifications",
    response_model=Page[views.ClarificationPublic],
    responses=READ,
)
def list_clarifications(
    tender: TenderDep, caller: CallerDep, cursor: CursorQuery = None, limit: LimitQuery = 50
) -> Page[views.ClarificationPublic]:
    """Questions and answers, in the order they were asked; providers see the answered ones
    without who asked."""
    return lists.clarification_page(caller.session, caller.user, tender, cursor, limit)


@router.post(
    "/tenders/{tender_id}/clarifications/{clarification_id}/answer",
    response_model=views.ClarificationPublic,
    responses=ACT,
)
def answer(
    clarification_id: uuid.UUID, data: AnswerCreate, tender: TenderDep, caller: CallerDep
) -> views.ClarificationPublic:
    """The unit's answer, published to every bidder."""
    access.require_write(caller.user, tender)
    item = clarifications.answer(
        session=caller.session,
        actor=caller.user,
        tender=tender,
        clarification_id=clarification_id,
        text=data.answer,
    )
    return views.clarification_public(item, reveal_asker=True)


@router.put(
    "/lots/{lot_id}/bid",
    response_model=views.BidReceipt,
    responses=ACT,
    dependencies=[Depends(access.sealed)],
)
def submit_bid(data: BidIn, found: LotDep, caller: CallerDep) -> views.BidReceipt:
    """Submit or amend your bid until the deadline; each version is kept, encrypted."""
    lot, tender = found
    bid = bids.submit_bid(
        session=caller.session, actor=caller.user, lot=lot, tender=tender, data=data
    )
    return views.receipt(bid)


@router.delete(
    "/lots/{lot_id}/bid",
    response_model=views.BidReceipt,
    responses=ACT,
    dependencies=[Depends(access.sealed)],
)
def withdraw_bid(found: LotDep, caller: CallerDep) -> views.BidReceipt:
    """Withdraw your bid until the deadline."""
    lot, tender = found
    bid = bids.withdraw_bid(session=caller.session, actor=caller.user, lot=lot, tender=tender)
    return views.receipt(bid)


@router.get(
    "/lots/{lot_id}/bid",
    response_model=views.BidPublic,
    responses=SEEN,
    dependencies=[Depends(access.sealed)],
)
def read_own_bid(found: LotDep, caller: CallerDep) -> views.BidPublic:
    """Your bid on the lot, every version."""
    lot, tender = found
    bid, versions = bids.own_bid(caller.session, caller.user, lot)
    return views.bid_public(caller.session, tender, bid, versions)


@router.get("/lots/{lot_id}/bids", response_model=Page[views.BidPublic], responses=ACT)
def opened_bids(
    found: LotDep, caller: CallerDep, cursor: lists.BidCursor = None, limit: LimitQuery = 50
) -> Page[views.BidPublic]:
    """The lot's bids, once opened, for its declared evaluators; by bidder's name."""
    lot, tender = found
    evaluation.require_reader(caller.session, caller.user, tender)
    return lists.bid_page(caller.session, tender, lot, cursor, limit)


@router.post(
    "/tenders/{tender_id}/evaluators", status_code=status.HTTP_204_NO_CONTENT, responses=ACT
)
def assign_evaluator(data: EvaluatorAssign, tender: TenderDep, caller: CallerDep) -> None:
    """Assign a unit user to score the bids."""
    access.require_write(caller.user, tender)
    evaluation.assign_evaluator(
        session=caller.session, actor=caller.user, tender=tender, user_id=data.user_id
    )


@router.get(
    "/tenders/{tender_id}/evaluators",
    response_model=Page[views.EvaluatorPublic],
    responses=SEEN,
)
def list_evaluators(
    tender: TenderDep,
    caller: CallerDep,
    cursor: lists.EvaluatorCursor = None,
    limit: LimitQuery = 50,
) -> Page[views.EvaluatorPublic]:
    """The evaluators by name, with their declarations and submissions (the unit)."""
    evaluation.require_unit(caller.user)
    return lists.evaluator_page(caller.session, tender, cursor, limit)


@router.post(
    "/tenders/{tender_id}/declarations",
    response_model=views.EvaluatorPublic,
    status_code=status.HTTP_201_CREATED,
    responses=ACT,
)
def declare(data: Declaration, tender: TenderDep, caller: CallerDep) -> views.EvaluatorPublic:
    """Declare no conflict of interest with the bidders, before reading any bid."""
    evaluation.declare(
        session=caller.session, actor=caller.user, tender=tender, statement=data.statement
    )
    return next(e for e in views.evaluators(caller.session, tender) if e.user_id == caller.user.id)


@router.post("/tenders/{tender_id}/scores", status_code=status.HTTP_204_NO_CONTENT, responses=ACT)
def submit_scores(data: ScoreSheet, tender: TenderDep, caller: CallerDep) -> None:
    """Your scores of every quality criterion of every bid, submitted once."""
    evaluation.submit_scores(session=caller.session, actor=caller.user, tender=tender, sheet=data)


@router.get("/tenders/{tender_id}/scores", response_model=Page[views.BidScorePublic], responses=ACT)
def read_scores(
    tender: TenderDep, caller: CallerDep, cursor: lists.ScoreCursor = None, limit: LimitQuery = 50
) -> Page[views.BidScorePublic]:
    """Your scores; everyone's once every evaluator has submitted; by criterion."""
    evaluation.require_reader(caller.session, caller.user, tender)
    return lists.score_page(caller.session, tender, caller.user, cursor, limit)


@router.get("/lots/{lot_id}/ranking", response_model=Page[views.RankingRow], responses=ACT)
def ranking(
    found: LotDep, caller: CallerDep, cursor: RankCursorQuery = None, limit: LimitQuery = 50
) -> Page[views.RankingRow]:
    """The lot's bids ranked by weighted total (price: lowest / price × weight), best first;
    a cursor is the last rank read and its bid."""
    lot, tender = found
    evaluation.require_ranking_reader(caller.session, caller.user, tender)
    return lists.ranking_page(caller.session, tender, lot, cursor, limit)


@router.post("/lots/{lot_id}/decision", response_model=views.LotPublic, responses=ACT)
def decide_lot(data: LotDecision, found: LotDep, caller: CallerDep) -> views.LotPublic:
    """Award the lot to a bid with a rationale, or declare it unsuccessful."""
    lot, tender = found
    access.require_write(caller.user, tender)
    lot = evaluation.decide_lot(
        session=caller.session,
        actor=caller.user,
        tender=tender,
        lot=lot,
        bid_id=data.bid_id,
        rationale=data.rationale,
    )
    return views.lot_public(caller.session, lot)


@router.post("/tenders/{tender_id}/contracts", response_model=views.TenderPublic, responses=ACT)
def contract(tender: TenderDep, caller: CallerDep, response: Response) -> views.TenderPublic:
    """After the standstill, the award takes effect on the plan actions."""
    access.require_write(caller.user, tender)
    tender = contracts.contract(session=caller.session, actor=caller.user, tender=tender)
    etag(response, tender.version)
    return views.public(caller.session, tender)


@router.get("/lots/{lot_id}/result", response_model=views.LotResult, responses=ACT)
def lot_result(found: LotDep, caller: CallerDep) -> views.LotResult:
    """After the award, a bidder's own scores and rank and the winning price."""
    lot, tender = found
    evaluation.require_result_reader(caller.user, tender)
    rows = views.ranking_rows(caller.session, evaluation.ranking(caller.session, tender, lot))
    return views.lot_result(lot, rows, caller.user.organization_id)


@router.get(
    "/programmes/{programme_id}/tender-policy", response_model=views.PolicyPublic, responses=SEEN
)
def read_policy(programme: ProgrammeDep, caller: CallerDep) -> views.PolicyPublic:
    """The standstill and the least an amendment extends the deadline, in days."""
    evaluation.require_unit(caller.user)
    return views.policy_public(queries.policy_of(caller.session, programme.id))


@router.put(
    "/programmes/{programme_id}/tender-policy", response_model=views.PolicyPublic, responses=ACT
)
def set_policy(
    data: PolicyUpdate, programme: ProgrammeDep, caller: CallerDep
) -> views.PolicyPublic:
    """Set the programme's tender policy (administrators)."""
    evaluation.require_admin(caller.user)
    policy = service.set_policy(
        session=caller.session, actor=caller.user, programme_id=programme.id, data=data
    )
    return views.policy_public(policy)


PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}}}


@router.get("/tenders/{tender_id}/notice.pdf", response_class=Response, responses={**PDF, **READ})
def tender_notice(tender: TenderDep, caller: CallerDep, lang: Language | None = None) -> Response:
    """The call for proposals as a PDF, in the language asked for (en, es, fr)."""
    pdf = documents.pdf(caller.session, caller.user, tender, lang, awarded=False)
    return Response(pdf, media_type="application/pdf")


@router.get(
    "/tenders/{tender_id}/award-report.pdf", response_class=Response, responses={**PDF, **ACT}
)
def award_report(tender: TenderDep, caller: CallerDep, lang: Language | None = None) -> Response:
    """Criteria, scores per evaluator and bid, ranking and decisions, once evaluated."""
    evaluation.require_award_reader(caller.session, caller.user, tender)
    pdf = documents.pdf(caller.session, caller.user, tender, lang, awarded=True)
    return Response(pdf, media_type="application/pdf")
