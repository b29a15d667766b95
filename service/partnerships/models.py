"""The request bodies of a partnership decision, one per outcome. The PartnershipDecision
table and its Outcome stay in plans/models.py, where the migrations found them."""

from typing import Annotated, Literal

import pydantic

from service.plans.models import Outcome, PartnershipDecision
from service.roundtables.models import Minutes, RequiredReason
from service.types import InputModel

__all__ = [
    "ConditionalPartnership",
    "DecisionCreate",
    "Outcome",
    "PartnershipDecided",
    "PartnershipDecision",
    "PartnershipDeclined",
]


class PartnershipDecided(InputModel):
    outcome: Literal["partnership"]
    rationale: RequiredReason


class ConditionalPartnership(InputModel):
    outcome: Literal["conditional"]
    conditions: Minutes
    rationale: RequiredReason


class PartnershipDeclined(InputModel):
    outcome: Literal["declined"]
    rationale: RequiredReason


DecisionCreate = Annotated[
    PartnershipDecided | ConditionalPartnership | PartnershipDeclined,
    pydantic.Field(discriminator="outcome"),
]
