"""describe() and mermaid() are generated from the transitions tables."""

import json

import pytest

from workflows import describe, mermaid
from workflows.engagement import TRANSITIONS as ENGAGEMENT_TABLE
from workflows.participation import TRANSITIONS as PARTICIPATION_TABLE

TABLES = {"engagement": ENGAGEMENT_TABLE, "participation": PARTICIPATION_TABLE}


def table_lines(table) -> list[str]:
    """One diagram line per source of each row, as the table states it."""
    lines = []
    for row in table:
        sources = row["source"] if isinstance(row["source"], list) else [row["source"]]
        lines += [f"    {source} --> {row['dest']}: {row['trigger']}" for source in sources]
    return lines


@pytest.mark.parametrize("name", TABLES)
def test_mermaid_draws_every_transition_of_the_table_and_nothing_else(name):
    lines = mermaid(name).splitlines()
    assert lines[0] == "stateDiagram-v2"
    assert [line for line in lines if ": " in line] == table_lines(TABLES[name])


def test_mermaid_marks_the_initial_and_terminal_engagement_phases():
    lines = mermaid("engagement").splitlines()
    assert lines[1] == "    [*] --> enrolment"
    assert lines[-2:] == ["    completed --> [*]", "    withdrawn --> [*]"]


def test_mermaid_marks_the_terminal_participation_states():
    assert mermaid("participation").splitlines()[-5:] == [
        "    not_selected --> [*]",
        "    partner --> [*]",
        "    conditional_partner --> [*]",
        "    no_partnership --> [*]",
        "    dropped --> [*]",
    ]


def test_mermaid_is_deterministic():
    assert mermaid("engagement") == mermaid("engagement")


def test_mermaid_refuses_an_unknown_machine():
    with pytest.raises(
        ValueError, match="unknown machine 'plan'; known: engagement, participation"
    ):
        mermaid("plan")


def test_describe_is_plain_json():
    assert json.loads(json.dumps(describe())) == describe()


def test_describe_lists_the_engagement_states_and_terminal_phases():
    engagement = describe()["engagement"]
    assert engagement["initial"] == "enrolment"
    assert engagement["terminal"] == ["completed", "withdrawn"]
    assert len(engagement["states"]) == 8


def test_describe_explains_the_guards_of_convene_round_tables_in_words():
    convene = describe()["engagement"]["transitions"][1]
    assert convene == {
        "trigger": "convene_round_tables",
        "sources": ["supplier_evaluation"],
        "dest": "round_tables",
        "guards": [
            {
                "name": "all_candidates_evaluated",
                "description": "every active candidate has a reviewed evaluation audit",
            },
            {
                "name": "all_candidates_decided",
                "description": "every active candidate has a selection decision",
            },
            {"name": "supplier_selected", "description": "at least one supplier is selected"},
        ],
        "requires_reason": False,
    }


def test_describe_shows_one_resume_row_per_phase_an_engagement_can_be_held_in():
    rows = [r for r in describe()["engagement"]["transitions"] if r["trigger"] == "resume"]
    assert [(r["sources"], r["dest"], r["guards"][0]["name"]) for r in rows] == [
        (["on_hold"], phase, f"held_in_{phase}")
        for phase in [
            "enrolment",
            "supplier_evaluation",
            "round_tables",
            "improvement_analysis",
            "improvement_plans",
        ]
    ]


def test_describe_marks_the_drop_as_requiring_a_reason():
    drop = describe()["participation"]["transitions"][-1]
    assert (drop["trigger"], drop["requires_reason"]) == ("drop", True)
