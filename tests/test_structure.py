"""The shape of the code, read from its source with `ast`: no module imports a router, no
domain below engagements imports the engagement use cases, no import circles, every domain
has the same file set, routers stay thin and no module grows past 400 lines."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVICE = ROOT / "service"

# Each domain folder holds this file set (service/CONVENTIONS.md); `queries.py` is optional.
FILE_SET = ("models.py", "access.py", "service.py", "views.py", "router.py")
DOMAINS = (
    "accounts",
    "programmes",
    "engagements",
    "audits",
    "roundtables",
    "targets",
    "analyses",
    "plans",
    "tracking",
    "partnerships",
    "reports",
    "notifications",
    "providers",
    "tenders",
)
# Packages that are not domains: infrastructure, or users of every domain.
NOT_DOMAINS = ("migrations", "idempotency", "demo", "web", "storage")
# Domains whose facts the engagement guards read: they build on engagements, so they may use
# its models, access rules and inner steps, but never its use cases.
BELOW_ENGAGEMENTS = (
    "accounts",
    "programmes",
    "audits",
    "roundtables",
    "targets",
    "analyses",
    "plans",
    "tracking",
    "partnerships",
    "providers",
    "tenders",
)
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def service_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in SERVICE.rglob("*.py")
        if "migrations" not in path.relative_to(SERVICE).parts
    }


def imported(path: Path, known: dict[str, Path]) -> Iterator[str]:
    """Every module of the service that a file imports, at the top or inside a function."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                whole = f"{node.module}.{alias.name}"
                yield whole if whole in known else node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    modules = service_modules()
    return {
        name: {other for other in imported(path, modules) if other in modules and other != name}
        for name, path in modules.items()
    }


def is_router(module: str) -> bool:
    return module.endswith(".router") or module.startswith("service.web.")


def test_no_module_imports_a_router() -> None:
    offenders = [
        f"{module} imports {other}"
        for module, others in import_graph().items()
        if module != "service.app" and not module.startswith("service.web")
        for other in sorted(others)
        if is_router(other)
    ]
    assert offenders == []


def test_no_domain_below_engagements_imports_the_engagement_use_cases() -> None:
    offenders = [
        f"{module} imports {other}"
        for module, others in import_graph().items()
        if module.split(".")[1:2] and module.split(".")[1] in BELOW_ENGAGEMENTS
        for other in sorted(others)
        if other == "service.engagements.service"
    ]
    assert offenders == []


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle of the graph, or [] when it has none."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for other in sorted(graph[node]):
            if state.get(other) == 1:
                return [*path[path.index(other) :], other]
            if other not in state and (cycle := visit(other)):
                return cycle
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return []


def test_find_cycle_names_a_circle_and_only_a_circle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_service_modules_import_each_other_without_a_circle() -> None:
    assert find_cycle(import_graph()) == []


def test_every_package_is_a_domain_or_named_as_infrastructure() -> None:
    packages = sorted(
        path.parent.name for path in SERVICE.glob("*/__init__.py") if path.parent != SERVICE
    )
    unknown = [name for name in packages if name not in DOMAINS + NOT_DOMAINS]
    assert unknown == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_domain_has_the_file_set(domain: str) -> None:
    missing = [name for name in FILE_SET if not (SERVICE / domain / name).is_file()]
    assert missing == []


def routers() -> list[Path]:
    return sorted(SERVICE.glob("*/router.py"))


def test_only_files_named_router_declare_routes() -> None:
    declaring = [
        str(path.relative_to(ROOT))
        for path in SERVICE.rglob("*.py")
        if path.name != "router.py"
        and "APIRouter(" in path.read_text()
        and path.relative_to(SERVICE).parts[0] not in ("web", "app.py", "health.py")
    ]
    assert declaring == []


@pytest.mark.parametrize("path", routers(), ids=lambda path: path.parent.name)
def test_routers_define_no_shapes_and_run_no_queries(path: Path) -> None:
    tree = ast.parse(path.read_text(), str(path))
    classes = [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    queries = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name | ast.Attribute)
        and getattr(node.func, "id", getattr(node.func, "attr", "")) == "select"
    ]
    assert (classes, queries) == ([], [])


def test_no_module_of_the_service_is_longer_than_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in SERVICE.rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}
