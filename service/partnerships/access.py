"""Who may see and record a partnership decision: unit staff and the buyer see them; the
buyer, the broker or an administrator record them."""

from service.accounts.models import Role, User
from service.engagements import access as engagement_access
from service.engagements.models import Engagement
from service.errors import Forbidden
from service.plans.models import PartnershipDecision


def may_see(user: User, engagement: Engagement, decision: PartnershipDecision) -> bool:
    """Unit staff and the engagement's buyer see its decisions; a supplier reads the outcome
    as its participation's state."""
    if user.role in engagement_access.READS_ALL:
        return True
    return user.role == Role.buyer and engagement.buyer_id == user.organization_id


def may_write(user: User, engagement: Engagement, decision: PartnershipDecision | None) -> bool:
    """The buyer decides with the broker, so either (or an administrator) records it."""
    return engagement_access.may_decide_selection(user, engagement)


def require_write(user: User, engagement: Engagement) -> None:
    """403 unless the user may record the engagement's partnership decisions."""
    if not may_write(user, engagement, None):
        raise Forbidden("only the buyer, the broker or an administrator record the decision")
