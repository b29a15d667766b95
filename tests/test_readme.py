"""The README shows what the code does."""

import re
from pathlib import Path

from workflows import mermaid

README = (Path(__file__).parents[1] / "README.md").read_text()


def test_the_readme_diagram_is_the_engagement_table() -> None:
    block = re.search(
        r"<!-- engagement-diagram:start -->\n```mermaid\n(.*?)```\n<!-- engagement-diagram:end -->",
        README,
        re.DOTALL,
    )
    assert block is not None
    assert block.group(1) == mermaid("engagement")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text()
    assert "<!-- test-command -->" in README
    assert "awk '/<!-- test-command -->/" in ci
