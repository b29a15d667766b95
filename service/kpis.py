"""The KPI catalogue: a validated data file of indicators with units and better directions."""

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from service.datafiles import DataFileError, DataFileInvalid, line_of, read_yaml, validate
from service.settings import get_settings
from service.types import measure

TEMPLATES_DIR = get_settings().templates_dir
CATALOGUE_FILE = TEMPLATES_DIR / "kpi_catalogue.yaml"

# No measured value is larger than this, in any unit: it keeps stored figures short and exact.
MAGNITUDE = Decimal(10) ** 15

NonBlank = Annotated[str, StringConstraints(min_length=1, pattern=r"\S")]


class Texts(BaseModel):
    """A text in every language the service speaks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    en: NonBlank
    es: NonBlank
    fr: NonBlank


# Which direction of a KPI is an improvement.
Better = Literal["higher", "lower"]


class Kpi(BaseModel):
    """One indicator of the catalogue."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    name: Texts
    unit: NonBlank
    better: Better
    min: Decimal | None = None
    max: Decimal | None = None
    applies_to: list[Literal["supplier", "buyer"]] = Field(min_length=1)

    @model_validator(mode="after")
    def _bounds_in_order(self) -> "Kpi":
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise ValueError(f"min {self.min} must be below max {self.max}")
        return self

    @property
    def lowest(self) -> Decimal:
        return self.min if self.min is not None else -MAGNITUDE

    @property
    def highest(self) -> Decimal:
        return self.max if self.max is not None else MAGNITUDE

    def bound_error(self, value: Decimal) -> str | None:
        """Why a value is out of this KPI's bounds, or None."""
        if value < self.lowest:
            return f"{self.key} cannot be below {self.lowest} {self.unit}"
        if value > self.highest:
            return f"{self.key} cannot be above {self.highest} {self.unit}"
        return None

    def value_type(self) -> Any:
        """The request type of this KPI's values: a JSON number within its bounds."""
        return measure(self.lowest, self.highest, self.bound_error)


class Catalogue(BaseModel):
    """The whole catalogue file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kpis: list[Kpi] = Field(min_length=1)


def load_catalogue(path: Path = CATALOGUE_FILE) -> dict[str, Kpi]:
    """The catalogue by key; refuses a broken file or a duplicate key with file and line."""
    document = read_yaml(path)
    catalogue = validate(Catalogue, document, path.name, {})
    seen: dict[str, int] = {}
    for index, kpi in enumerate(catalogue.kpis):
        if kpi.key in seen:
            line = line_of(document, ("kpis", index, "key"))
            raise DataFileInvalid(
                [DataFileError(path.name, line, f"kpis[{index}].key: duplicate key {kpi.key!r}")]
            )
        seen[kpi.key] = index
    return {kpi.key: kpi for kpi in catalogue.kpis}


@lru_cache
def kpi_catalogue() -> dict[str, Kpi]:
    """The shipped catalogue, loaded once."""
    return load_catalogue()
