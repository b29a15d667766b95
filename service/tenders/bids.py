"""Sealed bids: a provider submits, amends or withdraws its bid on a lot until the deadline,
by the server's clock, under the tender's row lock. Nothing here writes an Event, moves the
tender's version or says anything about other bids: until the tender closes, only the
bidder learns that its bid exists."""

from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from service.accounts.models import User
from service.errors import Conflict, NotFound, Unprocessable
from service.providers.models import ProviderProfile, Qualification
from service.tenders import access, crypto
from service.tenders.models import Bid, BidIn, BidVersion, Lot, Tender
from service.types import utcnow
from workflows.tender import TenderState


def _require_open(tender: Tender) -> None:
    """Refuse once the deadline has passed by the server's clock, whatever the state says."""
    now = utcnow()
    if tender.state != TenderState.published or now >= tender.deadline_at:
        raise Conflict(
            f"the deadline was {tender.deadline_at.isoformat()}; bids are no longer accepted"
        )


def _require_eligible(session: Session, user: User, lot: Lot, today: date) -> None:
    """The provider delivers the lot's category and holds its qualifications, unexpired."""
    profile = session.get(ProviderProfile, user.organization_id)
    if profile is None or lot.category.value not in profile.categories:
        raise Conflict(
            f"your registered capabilities do not include {lot.category.value}",
            field="price",
        )
    held = {
        q.name.casefold()
        for q in session.exec(
            select(Qualification).where(Qualification.organization_id == user.organization_id)
        ).all()
        if q.expires_on is None or q.expires_on >= today
    }
    missing = [name for name in lot.qualifications if name.casefold() not in held]
    if missing:
        raise Conflict(f"you hold no valid qualification {', '.join(missing)}", field="price")


def _bid_of(session: Session, user: User, lot: Lot) -> Bid | None:
    return session.exec(
        select(Bid).where(Bid.lot_id == lot.id, Bid.organization_id == user.organization_id)
    ).first()


def _add_version(
    session: Session, tender: Tender, bid: Bid, user: User, content: dict[str, Any]
) -> BidVersion:
    bid.versions += 1
    nonce, ciphertext = crypto.seal(tender.id, bid.id, bid.versions, content)
    version = BidVersion(
        bid_id=bid.id,
        number=bid.versions,
        withdrawn=bid.withdrawn,
        nonce=nonce,
        ciphertext=ciphertext,
        submitted_by=user.id,
        submitted_at=utcnow(),
    )
    session.add_all([bid, version])
    return version


def submit_bid(*, session: Session, actor: User, lot: Lot, tender: Tender, data: BidIn) -> Bid:
    """Submit or amend the provider's bid on the lot: a new encrypted version, the old kept."""
    access.require_provider(actor)
    _require_open(tender)
    if Decimal(data.price) > lot.budget_ceiling:
        raise Unprocessable(
            f"the price is above the lot's budget ceiling of {lot.budget_ceiling}", field="price"
        )
    _require_eligible(session, actor, lot, utcnow().date())
    bid = _bid_of(session, actor, lot)
    if bid is None:
        assert actor.organization_id is not None
        bid = Bid(tender_id=tender.id, lot_id=lot.id, organization_id=actor.organization_id)
        session.add(bid)
        session.flush()
    bid.withdrawn = False
    _add_version(session, tender, bid, actor, data.model_dump(mode="json"))
    session.commit()
    session.refresh(bid)
    return bid


def withdraw_bid(*, session: Session, actor: User, lot: Lot, tender: Tender) -> Bid:
    """Withdraw the provider's bid: a last version that says so; the earlier ones are kept."""
    access.require_provider(actor)
    _require_open(tender)
    bid = _bid_of(session, actor, lot)
    if bid is None or bid.withdrawn:
        raise NotFound("you have no bid on this lot")
    bid.withdrawn = True
    _add_version(session, tender, bid, actor, {})
    session.commit()
    session.refresh(bid)
    return bid


def own_bid(session: Session, user: User, lot: Lot) -> tuple[Bid, list[BidVersion]]:
    """The provider's bid on the lot with every version, or 404."""
    access.require_provider(user)
    bid = _bid_of(session, user, lot)
    if bid is None:
        raise NotFound("you have no bid on this lot")
    versions = session.exec(
        select(BidVersion).where(BidVersion.bid_id == bid.id).order_by(col(BidVersion.number))
    ).all()
    return bid, list(versions)


def contents(tender: Tender, bid: Bid, version: BidVersion) -> dict[str, Any]:
    """One version's contents, decrypted with the tender's key."""
    return crypto.unseal(tender.id, bid.id, version.number, version.nonce, version.ciphertext)
