"""Audit templates as clients read them: each question typed by its `type`, so that a
generated client knows which JSON type answers it."""

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from service.audits.templates import Band, Option, Scale, Template
from service.kpis import Texts


class QuestionFields(BaseModel):
    id: str
    text: Texts
    guidance: Texts | None
    critical: bool
    evidence: Literal["none", "recommended", "required"]


class ScaleQuestion(QuestionFields):
    """Answered with a whole number: one of its levels (the template's scale)."""

    type: Literal["scale"]
    weight: float
    levels: dict[int, Texts]


class YesNoQuestion(QuestionFields):
    """Answered with true or false."""

    type: Literal["yes_no"]
    weight: float


class ChoiceQuestion(QuestionFields):
    """Answered with the id of one of its options (a string)."""

    type: Literal["choice"]
    weight: float
    options: list[Option]


class NumberQuestion(QuestionFields):
    """Answered with a JSON number in its unit; it may feed a KPI baseline."""

    type: Literal["number"]
    unit: str
    kpi: str | None


class TextQuestion(QuestionFields):
    """Answered with text; not scored."""

    type: Literal["text"]


QuestionPublic = Annotated[
    ScaleQuestion | YesNoQuestion | ChoiceQuestion | NumberQuestion | TextQuestion,
    Field(discriminator="type"),
]


class SectionPublic(BaseModel):
    id: str
    title: Texts
    weight: float
    questions: list[QuestionPublic]


class TemplatePublic(BaseModel):
    """One template version in full, with every text in English, Spanish and French."""

    id: str
    version: int
    title: Texts
    description: Texts
    applies_to: list[Literal["supplier", "buyer"]]
    scale: Scale
    bands: list[Band]
    sections: list[SectionPublic]


class TemplateSummary(BaseModel):
    """A template version in the list: id, version, titles and which firms it applies to."""

    id: str
    version: int
    title: Texts
    applies_to: list[Literal["supplier", "buyer"]]
    sections: int
    questions: int


def template_public(template: Template) -> TemplatePublic:
    """A template with its questions typed."""
    return TemplatePublic.model_validate(template.model_dump(by_alias=True))
