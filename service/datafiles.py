"""Strict YAML data files: duplicate keys refused, and every error names file, line and path."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError


@dataclass(frozen=True)
class DataFileError:
    """One problem in a data file, as a template author should read it."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class DataFileInvalid(Exception):
    """A data file that cannot be used; carries every problem found."""

    def __init__(self, errors: list[DataFileError]) -> None:
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


class LineDict(dict[Any, Any]):
    """A mapping that remembers the line of each key."""

    line = 1
    lines: dict[Any, int]


class LineList(list[Any]):
    """A sequence that remembers the line of each item."""

    line = 1
    lines: list[int]


class _DuplicateKey(yaml.MarkedYAMLError):
    pass


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        mapping = LineDict()
        mapping.line, mapping.lines = node.start_mark.line + 1, {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in mapping.lines:
                first = mapping.lines[key]
                raise _DuplicateKey(
                    problem=f"duplicate key {key!r} (first on line {first})",
                    problem_mark=key_node.start_mark,
                )
            mapping.lines[key] = key_node.start_mark.line + 1
            mapping[key] = self.construct_object(value_node, deep=True)
        return mapping

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineList:
        items = LineList(self.construct_object(child, deep=True) for child in node.value)
        items.line, items.lines = (
            node.start_mark.line + 1,
            [child.start_mark.line + 1 for child in node.value],
        )
        return items


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_sequence)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file keeping line numbers; syntax errors and duplicate keys are refused."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark is not None else 1
        raise DataFileInvalid([DataFileError(path.name, line, str(error.problem))]) from error
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise DataFileInvalid([DataFileError(path.name, 1, str(error))]) from error


def line_of(document: Any, location: tuple[Any, ...]) -> int:
    """The line of the deepest node of `location` that exists in the document."""
    line, node = getattr(document, "line", 1), document
    for step in location:
        in_mapping = isinstance(node, LineDict) and step in node
        in_sequence = isinstance(node, LineList) and isinstance(step, int) and step < len(node)
        if not (in_mapping or in_sequence):
            break
        line, node = node.lines[step], node[step]
    return line


def dotted(location: tuple[Any, ...]) -> str:
    """A path inside the file as a reader says it: sections[2].questions[0].weight."""
    text = ""
    for step in location:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text or "(top)"


def validate(model: type[BaseModel], document: Any, file: str, context: dict[str, Any]) -> Any:
    """Validate a parsed document; pydantic's errors become file:line: path: message."""
    try:
        return model.model_validate(document, context=context)
    except ValidationError as error:
        raise DataFileInvalid(list(_errors(error, document, file))) from error


def _errors(error: ValidationError, document: Any, file: str) -> Iterator[DataFileError]:
    for item in error.errors():
        location = tuple(step for step in item["loc"] if not str(step).startswith("function-"))
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = f"unknown key {location[-1]!r}"
        yield DataFileError(file, line_of(document, location), f"{dotted(location)}: {message}")
