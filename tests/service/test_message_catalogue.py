"""Every English message the code can put into a problem has a Spanish and a French entry.

The messages are collected from the source, not from a list kept by hand
(`tests/raised_messages.py`), so a new message without its translations fails here. Values in
the messages must come out of the translation as they went in.
"""

import re
from http import HTTPStatus
from types import SimpleNamespace

import pytest

from service.messages import PATTERNS, PLACEHOLDER, SENTENCES, catalogue, sentence, translate
from tests.raised_messages import SAMPLE, collected
from workflows.analysis import ANALYSIS
from workflows.audit import AUDIT
from workflows.engagement import ENGAGEMENT
from workflows.machine import check, sources_of
from workflows.participation import PARTICIPATION
from workflows.plan import PLAN
from workflows.tender import TENDER

MESSAGES, UNKNOWN = collected()


def worded(pattern: re.Pattern[str]) -> bool:
    """Whether a template has words of its own: "{field}: {message}" only joins two texts."""
    return bool(re.search(r"[a-z]", re.sub(r"\(\?P<\w+>[^)]*\)", "", pattern.pattern)))


def has_entry(text: str, language: str) -> bool:
    """Whether the text comes out translated: the catalogue holds it, exactly or as one of
    its worded templates; or it is "field: message" or "reason; reason" of such texts. A bare
    sample is a value, or a message read where it is written."""
    if text == SAMPLE:
        return True
    exact, templates = catalogue(language)
    if text in exact or any(pattern.match(text) for pattern, _ in templates if worded(pattern)):
        return translate(text, language) != text
    field, colon, message = text.partition(": ")
    if colon and re.fullmatch(r"[\w.]+", field):
        return has_entry(message, language)
    if "; " in text:
        return all(has_entry(part, language) for part in text.split("; "))
    return False


def test_the_walk_finds_the_messages_it_should() -> None:
    assert len(MESSAGES) > 200
    assert "no broker is assigned" in MESSAGES
    assert f"2 candidates have no reviewed evaluation audit: {SAMPLE}, {SAMPLE}" in MESSAGES
    assert "must be a whole number, not a boolean or a string" in MESSAGES
    assert "an HTML page" in MESSAGES  # a value the upload refusal names, translated too


def test_every_message_expression_can_be_read() -> None:
    assert UNKNOWN == []


@pytest.mark.parametrize("language", ["es", "fr"])
def test_every_message_the_code_raises_has_a_translation(language: str) -> None:
    missing = sorted(
        f"{where}: {text}" for text, where in MESSAGES.items() if not has_entry(text, language)
    )
    assert missing == []


@pytest.mark.parametrize("language", ["es", "fr"])
def test_every_http_phrase_of_a_problem_has_a_translation(language: str) -> None:
    statuses = {400, 401, 403, 404, 405, 409, 410, 412, 413, 415, 422, 428, 429, 500}
    missing = [
        HTTPStatus(status).phrase
        for status in sorted(statuses)
        if not has_entry(HTTPStatus(status).phrase, language)
    ]
    assert missing == []


# Realistic values for the context of pydantic's errors: an enum lists several members.
CONTEXT = {"choices": "draft, submitted or reviewed", "min_length": "2", "max_length": "200"}


@pytest.mark.parametrize("language", ["es", "fr"])
@pytest.mark.parametrize("template", sorted(set(SENTENCES.values()) | set(PATTERNS.values())))
def test_every_validation_sentence_is_translated_with_its_values(
    template: str, language: str
) -> None:
    names = PLACEHOLDER.findall(template)
    text = template.format_map({name: CONTEXT.get(name, "12") for name in names})
    translated = translate(text, language)
    assert translated != text
    for name in names:
        assert CONTEXT.get(name, "12") in translated


@pytest.mark.parametrize("language", ["es", "fr"])
def test_a_placeholder_comes_out_with_the_value_that_went_in(language: str) -> None:
    text = "the version is now 7, not 6; read it again"
    translated = translate(text, language)
    assert ("7" in translated, "6" in translated, translated != text) == (True, True, True)
    reasons = "start_evaluation is refused: no broker is assigned; no active candidate is listed"
    assert translate(reasons, language).startswith("start_evaluation ")


@pytest.mark.parametrize(
    ("error", "spanish"),
    [
        (
            {"type": "enum", "ctx": {"expected": "'draft', 'submitted' or 'reviewed'"}},
            "debe ser uno de draft, submitted or reviewed",
        ),
        (
            {"type": "string_too_long", "ctx": {"max_length": 200}},
            "debe tener como máximo 200 caracteres",
        ),
    ],
)
def test_a_validation_error_with_several_values_is_translated_whole(
    error: dict[str, object], spanish: str
) -> None:
    assert translate(sentence(error), "es") == spanish


def test_a_union_tag_that_names_no_shape_is_translated_with_the_tags() -> None:
    text = "'x' is not one of 'kpi', 'audit_section'"
    assert translate(text, "fr") == "'x' n'est pas l'une des valeurs 'kpi', 'audit_section'"


def wrong_state_reasons() -> set[str]:
    """The reason of every trigger of every machine tried from each state it does not start
    from, naming a firm "Ron Caribe"."""
    reasons: set[str] = set()
    for workflow in (ENGAGEMENT, PARTICIPATION, AUDIT, ANALYSIS, PLAN, TENDER):
        for state in workflow.states:
            firm = "Ron Caribe"
            snapshot = SimpleNamespace(state=state, phase=state, firm=firm, name=firm, title=firm)
            for trigger in workflow.triggers:
                rows = [row for row in workflow.table if row["trigger"] == trigger]
                if all(state not in sources_of(row) for row in rows):
                    reasons.update(check(workflow, snapshot, trigger).blocked_by)
    return reasons


@pytest.mark.parametrize("language", ["es", "fr"])
def test_a_trigger_from_the_wrong_state_is_refused_in_the_language(language: str) -> None:
    reasons = wrong_state_reasons()
    assert len(reasons) > 50
    assert sorted(r for r in reasons if "is only possible" in translate(r, language)) == []
