"""Both machines described as data (for JSON) and as Mermaid state diagrams."""

from typing import Any

from workflows.engagement import ENGAGEMENT
from workflows.machine import Workflow, sources_of
from workflows.participation import PARTICIPATION

MACHINES: dict[str, Workflow[Any, Any]] = {
    ENGAGEMENT.name: ENGAGEMENT,
    PARTICIPATION.name: PARTICIPATION,
}


def describe() -> dict[str, Any]:
    """States, terminal states and every transitions row of both machines, JSON-ready."""
    return {name: _describe(workflow) for name, workflow in MACHINES.items()}


def _describe(workflow: Workflow[Any, Any]) -> dict[str, Any]:
    return {
        "states": [state.value for state in workflow.states],
        "initial": workflow.initial.value,
        "terminal": [state.value for state in workflow.states if state in workflow.terminal],
        "transitions": [
            {
                "trigger": row["trigger"],
                "sources": [source.value for source in sources_of(row)],
                "dest": row["dest"].value,
                "guards": [
                    {"name": guard.name, "description": guard.description}
                    for guard in row["conditions"]
                ],
                "requires_reason": row["trigger"] in workflow.requires_reason,
            }
            for row in workflow.table
        ],
    }


def mermaid(machine_name: str) -> str:
    """A Mermaid stateDiagram-v2 of one machine, one line per source of each table row."""
    workflow = MACHINES.get(machine_name)
    if workflow is None:
        raise ValueError(f"unknown machine {machine_name!r}; known: {', '.join(MACHINES)}")
    lines = ["stateDiagram-v2", f"    [*] --> {workflow.initial.value}"]
    for row in workflow.table:
        lines.extend(
            f"    {source.value} --> {row['dest'].value}: {row['trigger']}"
            for source in sources_of(row)
        )
    lines.extend(
        f"    {state.value} --> [*]" for state in workflow.states if state in workflow.terminal
    )
    return "\n".join(lines) + "\n"
