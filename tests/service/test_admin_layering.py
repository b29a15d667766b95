"""Accounts sit below programmes: no module of `service/accounts/` imports `service.programmes`
(programmes import accounts), so the two domains never import each other."""

import ast
from pathlib import Path

ACCOUNTS = Path(__file__).parents[2] / "service" / "accounts"


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, at any depth of its syntax tree."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            modules.add(node.module)
    return modules


def test_accounts_import_nothing_of_programmes() -> None:
    offenders = {
        path.name: sorted(m for m in imported_modules(path) if m.startswith("service.programmes"))
        for path in sorted(ACCOUNTS.glob("*.py"))
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_check_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    source = tmp_path / "module.py"
    source.write_text("def f():\n    from service.programmes.models import Programme\n")
    assert imported_modules(source) == {"service.programmes.models"}
