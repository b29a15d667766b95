"""Audit templates: versioned YAML files, loaded strictly and validated at boot."""

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from service.datafiles import DataFileError, DataFileInvalid, line_of, read_yaml, validate
from service.kpis import TEMPLATES_DIR, Kpi, NonBlank, Texts, kpi_catalogue

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
QuestionType = Literal["scale", "yes_no", "number", "choice", "text"]
SCORED_TYPES = frozenset({"scale", "yes_no", "choice"})


class Frozen(BaseModel):
    # Strict: YAML already gives native types, so "yes" or "2" where a number belongs is an error.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Scale(Frozen):
    min: int = Field(ge=0)
    max: int = Field(ge=1)
    levels: dict[int, Texts]

    @model_validator(mode="after")
    def _levels_without_gaps(self) -> "Scale":
        if self.max <= self.min:
            raise ValueError(f"max {self.max} must be above min {self.min}")
        expected = set(range(self.min, self.max + 1))
        if set(self.levels) != expected:
            raise ValueError(_gap_message(expected, set(self.levels)))
        return self


def _gap_message(expected: set[int], given: set[int]) -> str:
    missing = ", ".join(str(level) for level in sorted(expected - given))
    extra = ", ".join(str(level) for level in sorted(given - expected))
    parts = [
        f"missing level {missing}" if missing else "",
        f"unknown level {extra}" if extra else "",
    ]
    return "levels must cover the scale without gaps: " + "; ".join(part for part in parts if part)


class Band(Frozen):
    from_: float = Field(alias="from", ge=0, le=100)
    label: Identifier


class Option(Frozen):
    id: Identifier
    score: float = Field(ge=0, le=100)
    text: Texts


class Question(Frozen):
    id: Identifier
    type: QuestionType
    text: Texts
    guidance: Texts | None = None
    weight: float | None = Field(default=None, gt=0)
    critical: bool = False
    evidence: Literal["none", "recommended", "required"] = "none"
    levels: dict[int, Texts] | None = None
    unit: NonBlank | None = None
    kpi: Identifier | None = None
    options: list[Option] | None = None

    @model_validator(mode="after")
    def _fits_its_type(self) -> "Question":
        scored = self.type in SCORED_TYPES
        if scored and self.weight is None:
            raise ValueError(f"a {self.type} question needs a weight")
        if not scored and self.weight is not None:
            raise ValueError(f"a {self.type} question is not scored and takes no weight")
        if (self.type == "scale") != (self.levels is not None):
            raise ValueError("levels belong to scale questions, and every scale question has them")
        if (self.type == "number") != (self.unit is not None):
            raise ValueError(
                "a unit belongs to number questions, and every number question has one"
            )
        if self.kpi is not None and self.type != "number":
            raise ValueError("only a number question can feed a KPI")
        if (self.type == "choice") != (self.options is not None):
            raise ValueError(
                "options belong to choice questions, and every choice question has them"
            )
        if self.options is not None and len(self.options) < 2:
            raise ValueError("a choice question needs at least two options")
        return self

    @property
    def scored(self) -> bool:
        return self.type in SCORED_TYPES


class Section(Frozen):
    id: Identifier
    title: Texts
    weight: float = Field(gt=0)
    questions: list[Question] = Field(min_length=1)


DEFAULT_BANDS = (
    Band.model_validate({"from": 0, "label": "not_ready"}),
    Band.model_validate({"from": 40, "label": "developable"}),
    Band.model_validate({"from": 60, "label": "qualified"}),
    Band.model_validate({"from": 80, "label": "excellent"}),
)


class Template(Frozen):
    id: Identifier
    version: int = Field(ge=1)
    title: Texts
    description: Texts
    applies_to: list[Literal["supplier", "buyer"]] = Field(min_length=1)
    scale: Scale
    bands: tuple[Band, ...] = DEFAULT_BANDS
    sections: list[Section] = Field(min_length=1)

    def questions(self) -> Iterable[tuple[Section, Question]]:
        for section in self.sections:
            for question in section.questions:
                yield section, question

    def question(self, question_id: str) -> Question | None:
        return next((q for _s, q in self.questions() if q.id == question_id), None)

    def band(self, score: float) -> str:
        """The label of the highest band the score reaches."""
        reached = [
            band for band in sorted(self.bands, key=lambda b: b.from_) if score >= band.from_
        ]
        return reached[-1].label if reached else self.bands[0].label


def load_template(path: Path, catalogue: dict[str, Kpi]) -> Template:
    """One template file, or DataFileInvalid listing every problem with its line."""
    document = read_yaml(path)
    template: Template = validate(Template, document, path.name, {})
    problems = list(_cross_checks(template, document, path.name, catalogue))
    expected_name = f"{template.id}-v{template.version}.yaml"
    if path.name != expected_name:
        problems.append(DataFileError(path.name, 1, f"the file must be named {expected_name}"))
    if problems:
        raise DataFileInvalid(problems)
    return template


def _cross_checks(
    template: Template, document: Any, file: str, catalogue: dict[str, Kpi]
) -> Iterable[DataFileError]:
    def at(*location: Any) -> int:
        return line_of(document, location)

    section_ids: set[str] = set()
    question_ids: set[str] = set()
    for s, section in enumerate(template.sections):
        if section.id in section_ids:
            yield DataFileError(
                file,
                at("sections", s, "id"),
                f"sections[{s}].id: duplicate section id {section.id!r}",
            )
        section_ids.add(section.id)
        for q, question in enumerate(section.questions):
            where = ("sections", s, "questions", q)
            if question.id in question_ids:
                yield DataFileError(
                    file, at(*where, "id"), f"question id {question.id!r} is used twice"
                )
            question_ids.add(question.id)
            if question.levels is not None and set(question.levels) != set(template.scale.levels):
                message = _gap_message(set(template.scale.levels), set(question.levels))
                yield DataFileError(
                    file, at(*where, "levels"), f"question {question.id}: {message}"
                )
            if question.kpi is not None and question.kpi not in catalogue:
                yield DataFileError(
                    file,
                    at(*where, "kpi"),
                    f"question {question.id}: KPI {question.kpi!r} is not in the catalogue",
                )
            option_ids = [option.id for option in question.options or []]
            if len(option_ids) != len(set(option_ids)):
                yield DataFileError(
                    file,
                    at(*where, "options"),
                    f"question {question.id}: option ids must be unique",
                )


def load_folder(folder: Path = TEMPLATES_DIR) -> dict[tuple[str, int], Template]:
    """Every `*-v*.yaml` template of a folder; all problems of all files are reported at once."""
    catalogue = kpi_catalogue()
    templates: dict[tuple[str, int], Template] = {}
    problems: list[DataFileError] = []
    for path in sorted(folder.glob("*-v*.yaml")):
        try:
            template = load_template(path, catalogue)
        except DataFileInvalid as error:
            problems += error.errors
            continue
        templates[(template.id, template.version)] = template
    if problems:
        raise DataFileInvalid(problems)
    return templates


@lru_cache
def template_registry() -> dict[tuple[str, int], Template]:
    """The shipped templates, loaded and validated once per process (at boot)."""
    return load_folder()


def supplier_sections() -> list[str]:
    """The section ids of every template that audits suppliers, sorted."""
    return sorted(
        {
            s.id
            for t in template_registry().values()
            if "supplier" in t.applies_to
            for s in t.sections
        }
    )
