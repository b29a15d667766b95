"""The English messages the code can put into a problem, read from the source.

An AST walk over `service/` and `workflows/` finds what reaches a problem's detail, its field
messages or its `blocked_by` reasons:

- the `detail` argument of the problem classes and of every function or class that takes a
  `detail` (the upload refusals, the idempotency problems...), and the values of `"detail"` and
  `"message"` keys of problem documents built by hand;
- guard reasons: `unless(condition, reason)`, `shortfall(noun, predicate, names)` (in both its
  singular and plural forms) and `blocked_by=[...]`;
- validation messages: `PydanticCustomError(kind, message)` and the `ValueError`s raised by the
  validators of request types.

A message is a literal, an f-string, a `+` of such, a local variable or module constant
assigned from them, a parameter (what every caller passes), or a call of a function of the
service that returns them. A value in an f-string becomes SAMPLE, unless it is a parameter
whose callers all pass words ("held", "cancelled").
"""

import ast
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import service.app  # noqa: F401  (every module imported, so every problem class is known)
from service import errors
from workflows.machine import shortfall

ROOT = Path(__file__).parents[1]
# Pages have their own catalogue (web.po), the demo and migrations never answer a request.
SKIPPED = ("service/web/", "service/demo/", "service/migrations/")
# Workflow modules whose returned lists are not reasons of a refusal: a plan's health is read
# in the tracking views; the machine's own reasons (`shortfall` and a trigger from the wrong
# state) are read by `shortfalls` and by test_message_catalogue.
NOT_REFUSALS = {"workflows/plan_health.py", "workflows/machine.py"}
# Files whose ValueErrors are raised by validators of request types and become field messages.
VALIDATORS = {"service/types.py", "service/history_views.py", "service/plans/views.py"}
# Message expressions whose text the source does not show, and where their texts are read.
DYNAMIC = {
    # `measure(lowest, highest, problem)`: the KPI catalogue's `bound_error` (PRODUCERS).
    ("service/types.py", "message"),
    # A problem's own detail, as it was raised.
    ("service/errors.py", "self.detail"),
    # Starlette's HTTPException: its detail is the status's phrase (test_message_catalogue).
    ("service/errors.py", "str(exc.detail)"),
    # A validation error's message: `sentence(error)`, SENTENCES and PATTERNS of
    # `service/messages.py` (test_message_catalogue).
    ("service/errors.py", "message"),
}
# Functions whose returned text is a message given to the code through a callable.
PRODUCERS = {"bound_error"}
SAMPLE = "Sample"


@dataclass
class Module:
    """One parsed source file, with each node's parent."""

    name: str
    tree: ast.Module

    def __post_init__(self) -> None:
        self.parents = {
            child: parent
            for parent in ast.walk(self.tree)
            for child in ast.iter_child_nodes(parent)
        }

    def function_of(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None


def modules() -> list[Module]:
    found = []
    for top in ("service", "workflows"):
        for path in sorted((ROOT / top).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if not name.startswith(SKIPPED):
                found.append(Module(name, ast.parse(path.read_text(), name)))
    return found


MODULES = modules()
DEFINITIONS: dict[str, list[tuple[Module, ast.FunctionDef | ast.ClassDef]]] = {}
for _module in MODULES:
    for _node in ast.walk(_module.tree):
        if isinstance(_node, ast.FunctionDef | ast.ClassDef):
            DEFINITIONS.setdefault(_node.name, []).append((_module, _node))


def problem_classes() -> set[str]:
    """ProblemError and every class below it."""
    names, todo = {"ProblemError"}, [errors.ProblemError]
    while todo:
        for sub in todo.pop().__subclasses__():
            names.add(sub.__name__)
            todo.append(sub)
    return names


PROBLEM_CLASSES = problem_classes()


def callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def parameters(node: ast.FunctionDef | ast.ClassDef) -> list[ast.arg]:
    """The parameters of a function, or of a class's __init__, without self."""
    if isinstance(node, ast.ClassDef):
        init = [item for item in node.body if isinstance(item, ast.FunctionDef)]
        init = [item for item in init if item.name == "__init__"]
        if not init:
            return []
        node = init[0]
    found = node.args.posonlyargs + node.args.args
    return found[1:] if found and found[0].arg in ("self", "cls") else found


def detail_position(name: str | None) -> int | None:
    """Where a function or class of the service takes its `detail`, if it takes one."""
    if name in PROBLEM_CLASSES:
        return 0
    if name is None or name == "__init__":
        return None  # super().__init__(detail) passes its caller's message on
    for _module, node in DEFINITIONS.get(name, []):
        names = [parameter.arg for parameter in parameters(node)]
        if "detail" in names:
            return names.index("detail")
    return None


class Unknown(Exception):
    """A message expression whose text cannot be read from the source."""


def texts(module: Module, expr: ast.expr, depth: int = 0) -> list[str]:
    """Every English text the expression can give, each value of an f-string as SAMPLE."""
    if depth > 6:
        raise Unknown(ast.unparse(expr))
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.JoinedStr):
        choices = [hole(module, part, depth) for part in expr.values]
        return ["".join(parts) for parts in itertools.product(*choices)]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        left, right = texts(module, expr.left, depth + 1), texts(module, expr.right, depth + 1)
        return [a + b for a, b in itertools.product(left, right)]
    if isinstance(expr, ast.IfExp):
        return texts(module, expr.body, depth + 1) + texts(module, expr.orelse, depth + 1)
    if isinstance(expr, ast.Call) and callee(expr) == "join":
        return [SAMPLE]
    if isinstance(expr, ast.Call) and callee(expr) == "get" and len(expr.args) == 2:
        return looked_up(module, expr, depth)
    if isinstance(expr, ast.Call):
        return returned(module, callee(expr), expr, depth)
    if isinstance(expr, ast.Name):
        return assigned(module, expr, depth)
    raise Unknown(ast.unparse(expr))


def looked_up(module: Module, call: ast.Call, depth: int) -> list[str]:
    """`TEXTS.get(key, default)` on a module's dictionary: each of its texts, and the default."""
    table = call.func.value if isinstance(call.func, ast.Attribute) else None
    if not isinstance(table, ast.Name):
        raise Unknown(ast.unparse(call))
    found = [
        node.value
        for node in module.tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Dict)
        and any(isinstance(t, ast.Name) and t.id == table.id for t in node.targets)
    ]
    if not found:
        raise Unknown(ast.unparse(call))
    assert isinstance(found[0], ast.Dict)
    values = [text for value in found[0].values for text in texts(module, value, depth + 1)]
    return values + texts(module, call.args[1], depth + 1)


def hole(module: Module, part: ast.expr, depth: int) -> list[str]:
    """What one part of an f-string can be: its text, the words a local variable was last
    given ("question has" or "questions have") or every caller passes for a parameter ("held",
    "cancelled"), or else a sample value."""
    if isinstance(part, ast.Constant):
        return [str(part.value)]
    assert isinstance(part, ast.FormattedValue)
    if not isinstance(part.value, ast.Name):
        return [SAMPLE]
    function = module.function_of(part)
    earlier = [
        node
        for node in ast.walk(function or module.tree)
        if isinstance(node, ast.Assign)
        and node.lineno < part.lineno
        and any(isinstance(t, ast.Name) and t.id == part.value.id for t in node.targets)
    ]
    try:
        if function is not None and earlier:
            last = max(earlier, key=lambda node: node.lineno)
            return texts(module, last.value, depth + 1)
        return assigned(module, part.value, depth + 1) or [SAMPLE]
    except Unknown:
        return [SAMPLE]


def returned(module: Module, name: str | None, expr: ast.expr, depth: int) -> list[str]:
    """The texts a function of the service returns (None returns aside), the function of
    the same module if it has one."""
    definitions = DEFINITIONS.get(name or "", [])
    definitions = [d for d in definitions if d[0] is module] or definitions
    if not definitions or any(isinstance(node, ast.ClassDef) for _, node in definitions):
        raise Unknown(ast.unparse(expr))
    found = []
    for module, node in definitions:
        for item in ast.walk(node):
            if isinstance(item, ast.Return) and item.value is not None and not is_none(item.value):
                found += texts(module, item.value, depth + 1)
    return found


def assigned(module: Module, name: ast.Name, depth: int) -> list[str]:
    """The texts a local variable, or else a module constant, is assigned."""
    function = module.function_of(name)
    for scope in (function, module.tree):
        if scope is None:
            continue
        values = [
            node.value
            for node in ast.walk(scope)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name.id for t in node.targets)
        ]
        if values:
            return [text for value in values for text in texts(module, value, depth + 1)]
        if scope is function and name.id in [a.arg for a in parameters(function)]:
            return passed(function, name.id, depth)
    raise Unknown(name.id)


def passed(
    function: ast.FunctionDef | ast.AsyncFunctionDef, parameter: str, depth: int
) -> list[str]:
    """The texts every caller of the function passes as this parameter."""
    if function.name == "__init__":
        return []  # a problem class's own detail: its callers are read as problem calls
    position = [a.arg for a in parameters(function)].index(parameter)
    found = []
    for module in MODULES:
        for call in ast.walk(module.tree):
            if isinstance(call, ast.Call) and callee(call) == function.name:
                given = [k.value for k in call.keywords if k.arg == parameter]
                given += call.args[position : position + 1]
                for value in given:
                    found += texts(module, value, depth + 1)
    return found


def message_expressions(module: Module) -> Iterator[ast.expr]:
    """Each expression of the module whose value reaches a problem."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call):
            yield from _call_messages(module, node)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in ("detail", "message"):
                    yield value
        elif isinstance(node, ast.FunctionDef):
            yield from _function_messages(node)
        elif isinstance(node, ast.Return) and _returns_reasons(module, node):
            assert isinstance(node.value, ast.List)
            yield from node.value.elts  # the reasons a guard explains itself with


def _call_messages(module: Module, node: ast.Call) -> Iterator[ast.expr]:
    name = callee(node)
    position = detail_position(name)
    if position is not None:
        yield from node.args[position : position + 1]
        yield from (k.value for k in node.keywords if k.arg == "detail")
        for keyword in node.keywords:
            if keyword.arg == "blocked_by" and isinstance(keyword.value, ast.List):
                yield from keyword.value.elts
    elif name in ("unless", "PydanticCustomError") and len(node.args) >= 2:
        yield node.args[1]  # the reason of a guard, the message of a validation error
    elif _first_argument_is_a_message(module, node, name):
        yield node.args[0]


def _returns_reasons(module: Module, node: ast.Return) -> bool:
    return (
        isinstance(node.value, ast.List)
        and module.name.startswith("workflows/")
        and module.name not in NOT_REFUSALS
    )


def _first_argument_is_a_message(module: Module, node: ast.Call, name: str | None) -> bool:
    """A reason appended to a guard's `reasons`, or a validator's ValueError."""
    if name == "ValueError":
        return module.name in VALIDATORS and bool(node.args)
    target = node.func.value if isinstance(node.func, ast.Attribute) else None
    return (
        name == "append"
        and isinstance(target, ast.Name)
        and target.id in ("reasons", "blocked")
        and module.name.startswith("workflows/")
        and module.name not in NOT_REFUSALS
        and len(node.args) == 1
    )


def _function_messages(node: ast.FunctionDef) -> Iterator[ast.expr]:
    """What a PRODUCERS function returns, and a `detail` parameter's default."""
    if node.name in PRODUCERS:
        for item in ast.walk(node):
            if isinstance(item, ast.Return) and item.value is not None and not is_none(item.value):
                yield item.value
    names = [a.arg for a in node.args.posonlyargs + node.args.args]
    defaults = node.args.defaults
    for name, default in zip(names[len(names) - len(defaults) :], defaults, strict=True):
        if name == "detail":
            yield default


def is_none(expr: ast.expr | None) -> bool:
    return expr is None or (isinstance(expr, ast.Constant) and expr.value is None)


def shortfalls(module: Module) -> Iterator[str]:
    """The reasons `shortfall` words, for one firm and for two."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Call) and callee(node) == "shortfall" and len(node.args) == 3:
            noun, predicate = node.args[0], node.args[1]
            assert isinstance(noun, ast.Constant)
            assert isinstance(predicate, ast.Constant)
            for names in ([SAMPLE], [SAMPLE, SAMPLE]):
                yield from shortfall(str(noun.value), str(predicate.value), names)


def collected() -> tuple[dict[str, str], list[str]]:
    """Every message with where it is raised, and the expressions that could not be read."""
    found: dict[str, str] = {}
    unknown: list[str] = []
    for module in MODULES:
        for expr in message_expressions(module):
            where = f"{module.name}:{expr.lineno}"
            try:
                for text in texts(module, expr):
                    if text != SAMPLE and not (text == "" or text.isspace()):
                        found.setdefault(text, where)
            except Unknown:
                source = ast.unparse(expr)
                if (module.name, source) not in DYNAMIC:
                    unknown.append(f"{where}: {source}")
        for text in shortfalls(module):
            found.setdefault(text, module.name)
    return found, unknown


MESSAGES, UNKNOWN = collected()
