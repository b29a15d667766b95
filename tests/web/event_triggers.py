"""Every trigger the service can record on an event, read from the code: the workflow
tables' triggers, and the values passed as `trigger` to `record_event` and to each domain's
event helper (literals, either branch of a condition, a module's dict of triggers, a
variable assigned or looped over in the module)."""

import ast
import importlib
import pkgutil
from pathlib import Path

import workflows

SERVICE = Path(__file__).parents[2] / "service"
# Calls named like an event helper that build something else (a calendar entry).
NOT_EVENTS = {"feeds.py", "enqueue_event"}
# Triggers built from a value: each value the code can pass.
BUILT = {"record_{source.value}_kpis": {"record_review_kpis", "record_final_kpis"}}


def workflow_triggers() -> set[str]:
    """The triggers of every machine's transitions table."""
    found: set[str] = set()
    for module in pkgutil.iter_modules(workflows.__path__):
        table = getattr(importlib.import_module(f"workflows.{module.name}"), "TRANSITIONS", [])
        found |= {row["trigger"] for row in table}
    return found


def _records(function: ast.FunctionDef) -> bool:
    """Whether a function records an event itself or through an event helper."""
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
            if name == "record_event" or (name.endswith("_event") and name not in NOT_EVENTS):
                return True
    return False


def _trigger_positions(tree: ast.Module) -> dict[str, int]:
    """The module's functions that record an event with the `trigger` they take, and the
    position of that argument."""
    positions: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and _records(node):
            names = [arg.arg for arg in node.args.args]
            if "trigger" in names:
                positions[node.name] = names.index("trigger")
    return positions


def _values(node: ast.expr, tree: ast.Module) -> set[str]:
    """The strings an expression passed as a trigger can be."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _values(node.body, tree) | _values(node.orelse, tree)
    if isinstance(node, ast.JoinedStr):
        source = "".join(
            part.value if isinstance(part, ast.Constant) else "{" + ast.unparse(part.value) + "}"
            for part in node.values
        )
        return BUILT[source]
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        return _dict_values(node.value.id, tree)
    if isinstance(node, ast.Name):
        return _assigned(node.id, tree)
    return set()  # a workflow trigger the caller fired (`trigger.value`)


def _assigns(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Assign) and any(
        isinstance(target, ast.Name) and target.id == name for target in node.targets
    )


def _dict_values(name: str, tree: ast.Module) -> set[str]:
    """The values of a module's dict literal of triggers."""
    found: set[str] = set()
    for node in ast.walk(tree):
        value = node.value if _assigns(node, name) and isinstance(node, ast.Assign) else None
        if isinstance(value, ast.Dict):
            found |= {v.value for v in value.values if isinstance(v, ast.Constant)}
    return found


def _assigned(name: str, tree: ast.Module) -> set[str]:
    """What a module assigns to a name, or loops it over in a literal list of tuples."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if _assigns(node, name) and isinstance(node, ast.Assign):
            found |= _values(node.value, tree)
        if isinstance(node, ast.For) and isinstance(node.target, ast.Tuple):
            names = [getattr(element, "id", None) for element in node.target.elts]
            if name in names and isinstance(node.iter, ast.List):
                for row in node.iter.elts:
                    assert isinstance(row, ast.Tuple)
                    found |= _values(row.elts[names.index(name)], tree)
    return found


def recorded_triggers() -> set[str]:
    """Every trigger an event of the service can carry."""
    found = workflow_triggers()
    helpers: dict[str, int] = {}
    trees = {}
    for path in SERVICE.rglob("*.py"):
        if "web" in path.parts or path.name in NOT_EVENTS:
            continue
        trees[path] = ast.parse(path.read_text())
        helpers |= _trigger_positions(trees[path])
    for tree in trees.values():
        local = {**helpers, **_trigger_positions(tree)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
            if name != "record_event" and name not in local:
                continue
            passed = [k.value for k in node.keywords if k.arg == "trigger"]
            if not passed and name in local and len(node.args) > local[name]:
                passed = [node.args[local[name]]]
            for value in passed:
                found |= _values(value, tree)
    return found
