"""Where a chapter of the demo plays: the session, the clock, the cast, one engagement and
its broker."""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from service.accounts.models import User
from service.demo.cast import Cast
from service.demo.clock import StoryClock
from service.engagements.models import Engagement, Participation


@dataclass
class Scene:
    """One engagement's story: the use cases it calls run in `session`, on `clock`."""

    session: Session
    clock: StoryClock
    cast: Cast
    engagement: Engagement
    broker: User

    def version(self, row: Any) -> int:
        """The row's version as stored now, as a client reads it before it writes (If-Match)."""
        self.session.refresh(row)
        return int(row.version)

    def participations(self) -> list[Participation]:
        """The engagement's participations, as stored now, oldest first."""
        statement = (
            select(Participation)
            .where(Participation.engagement_id == self.engagement.id)
            .order_by(Participation.created_at, Participation.id)  # type: ignore[arg-type]
            .execution_options(populate_existing=True)
        )
        return list(self.session.exec(statement).all())

    def participation(self, name: str) -> Participation | None:
        """The participation of the supplier of that name; None for the buyer."""
        supplier_id = self.cast.organization(name)
        return next((p for p in self.participations() if p.supplier_id == supplier_id), None)

    def name(self, participation: Participation) -> str:
        """The supplier's name."""
        return self.cast.name_of(participation.supplier_id)

    @property
    def buyer_name(self) -> str:
        """The engagement's buyer."""
        return self.cast.name_of(self.engagement.buyer_id)
