"""Every message the pages show has a Spanish and a French translation in the `web`
catalogue, and the translations keep the message's placeholders."""

import ast
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

WEB = Path(__file__).parents[2] / "service" / "web"
LOCALES = Path(__file__).parents[2] / "service" / "locales"
IN_TEMPLATES = re.compile(r"""\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%%")


def messages() -> set[str]:
    """The message ids of the templates (`_("...")`) and of the Python code (`N_("...")`)."""
    found: set[str] = set()
    for path in WEB.glob("templates/*.html"):
        for match in IN_TEMPLATES.finditer(path.read_text()):
            found.add(match.group(1) if match.group(1) is not None else match.group(2))
    for path in WEB.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_":
                argument = node.args[0]
                assert isinstance(argument, ast.Constant)
                found.add(argument.value)
    return found


def test_the_pages_have_messages_to_translate() -> None:
    assert {"Sign in", "no active candidate is listed", "Enrolment"} <= messages()


@pytest.mark.parametrize("language", ["es", "fr"])
def test_every_message_of_the_pages_is_translated(language: str) -> None:
    with (LOCALES / language / "LC_MESSAGES" / "web.po").open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    translated = {str(message.id): str(message.string) for message in catalogue if message.id}
    missing = sorted(message for message in messages() if not translated.get(message))
    assert missing == []
    broken = [
        message
        for message in messages()
        if sorted(PLACEHOLDER.findall(message)) != sorted(PLACEHOLDER.findall(translated[message]))
    ]
    assert broken == []
