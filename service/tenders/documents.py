"""The tender's PDFs, through the report machinery (templates, formats, worker processes):
the call for proposals (the notice) and the evaluation and award report. Their own words
come from the `tenders` catalogue (service/locales/<language>/LC_MESSAGES/tenders.po)."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from service.accounts.models import User
from service.i18n import choose, translations
from service.programmes.models import Programme
from service.reports import formats
from service.reports.rendering import plain, render_pdf
from service.tenders import evaluation, queries, views
from service.tenders.models import Tender
from service.types import Language, utcnow

LABELS = {
    "deadline": "Deadline for bids",
    "questions_until": "Questions until",
    "who_may_bid": "Who may bid",
    "open_call": "Every provider of the programme",
    "invited_only": "Invited providers",
    "amendments": "Amendments",
    "criteria": "Evaluation criteria",
    "criterion": "Criterion",
    "weight": "Weight",
    "price_formula": "Lowest price / bid price × weight",
    "quality_formula": "Quality criteria: the evaluators' mean points (0-100) / 100 × weight.",
    "category": "Category",
    "period": "Period",
    "budget_ceiling": "Budget ceiling",
    "qualifications": "Required qualifications",
    "scope": "Scope",
    "deliverables": "Deliverables",
    "action": "Plan action",
    "dates": "Dates",
    "sealed": "Bids stay sealed and encrypted until the deadline; they are opened together.",
    "state": "State",
    "standstill_until": "Standstill until",
    "ranking": "Ranking",
    "bidder": "Bidder",
    "price": "Bid price",
    "total": "Total",
    "scores_by_evaluator": "Scores by evaluator",
    "evaluator": "Evaluator",
    "points": "Points",
    "decision": "Decision",
    "rationale": "Rationale",
    "awarded_to": "Awarded to %(name)s",
    "unsuccessful": "Unsuccessful",
    "undecided": "Not decided",
    "notice_title": "Call for proposals",
    "state_closed": "Closed",
    "state_evaluated": "Evaluated",
    "state_awarded": "Awarded",
    "state_unsuccessful": "Unsuccessful",
    "state_cancelled": "Cancelled",
    "award_title": "Evaluation and award report",
}


def labels(language: str) -> dict[str, str]:
    catalogue = translations(language, "tenders")
    return {key: catalogue.gettext(text) for key, text in LABELS.items()}


def _moment(value: datetime | None, programme: Programme, language: str) -> str | None:
    if value is None:
        return None
    local = value.astimezone(ZoneInfo(programme.timezone))
    clock = formats.clock(value, programme.timezone, language)
    return f"{formats.long_day(local.date(), language)}, {clock}"


def _common(tender: Tender, programme: Programme, language: str, title: str) -> dict[str, Any]:
    t = labels(language)
    return {
        "t": t,
        "title": t[title],
        "subtitle": tender.title,
        "programme": programme.name,
        "firm": tender.title,
        "issued_on": utcnow().astimezone(ZoneInfo(programme.timezone)).date(),
        "paper": programme.paper_size.value,
        "currency": programme.currency,
        "deadline": _moment(tender.deadline_at, programme, language),
        "criteria": tender.criteria,
    }


def notice(session: Session, tender: Tender, programme: Programme, language: str) -> dict[str, Any]:
    """The call for proposals: criteria, lots with their actions, dates and eligibility."""
    public = views.public(session, tender)
    context = {
        **_common(tender, programme, language, "notice_title"),
        "description": tender.description,
        "clarification_ends": _moment(tender.clarification_ends_at, programme, language),
        "open_to_all": tender.open_to_all,
        "amendments": tender.amendments,
        "lots": [lot.model_dump() for lot in public.lots],
    }
    return plain(context)


def award(session: Session, tender: Tender, programme: Programme, language: str) -> dict[str, Any]:
    """Criteria, scores per evaluator and bid, ranking, and each lot's decision."""
    context = _common(tender, programme, language, "award_title")
    t = context["t"]
    keys = {str(c["key"]): str(c["name"]) for c in tender.criteria}
    scores = views.scores(session, tender, None, True)
    lots = []
    for lot in queries.lots_of(session, tender):
        ranking = views.ranking_rows(session, evaluation.ranking(session, tender, lot))
        names = {row.bid_id: row.organization_name for row in ranking}
        winner = next((r.organization_name for r in ranking if r.bid_id == lot.awarded_bid_id), "")
        decision = {
            "awarded": t["awarded_to"] % {"name": winner},
            "unsuccessful": t["unsuccessful"],
        }.get(lot.outcome.value, t["undecided"])
        lots.append(
            {
                "title": lot.title,
                "ranking": [row.model_dump() for row in ranking],
                "scores": [
                    {
                        "evaluator": s.evaluator,
                        "bidder": names[s.bid_id],
                        "criterion": keys.get(s.criterion, s.criterion),
                        "points": s.points,
                    }
                    for s in scores
                    if s.bid_id in names
                ],
                "decision": decision,
                "rationale": lot.rationale,
            }
        )
    context.update(
        state=t.get(f"state_{tender.state.value}", tender.state.value),
        standstill=_moment(tender.standstill_ends_at, programme, language),
        lots=lots,
    )
    return plain(context)


def pdf(
    session: Session, user: User, tender: Tender, lang: Language | None, awarded: bool
) -> bytes:
    """The notice or the award report in the language asked for, else the user's, else the
    programme's."""
    programme = session.get(Programme, tender.programme_id)
    assert programme is not None
    language = choose(lang, user.language, programme.language)
    template, build = ("tender_award.html", award) if awarded else ("tender_notice.html", notice)
    return render_pdf(template, language, build(session, tender, programme, language))
