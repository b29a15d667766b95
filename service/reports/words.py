"""Words for the values the service stores (phases, states, categories), marked for the
gettext catalogues and translated when a report is laid out."""

from collections.abc import Callable


def N_(text: str) -> str:
    return text


WORDS: dict[str, dict[str, str]] = {
    "category": {
        "training": N_("Training"),
        "technical_assistance": N_("Technical assistance"),
        "process_improvement": N_("Process improvement"),
        "quality_system": N_("Quality system"),
        "investment": N_("Investment"),
        "financing": N_("Financing"),
    },
    "status": {
        "planned": N_("Planned"),
        "in_progress": N_("In progress"),
        "done": N_("Done"),
        "cancelled": N_("Cancelled"),
    },
    "plan_state": {
        "draft": N_("Draft"),
        "submitted": N_("Submitted"),
        "approved": N_("Approved"),
        "in_progress": N_("In progress"),
        "final_review": N_("Final review"),
        "closed": N_("Closed"),
        "cancelled": N_("Cancelled"),
    },
    "audit_state": {
        "draft": N_("a draft"),
        "submitted": N_("submitted"),
        "reviewed": N_("reviewed"),
    },
    "selection": {
        "selected": N_("Selected"),
        "not_selected": N_("Not selected"),
        "dropped": N_("Dropped"),
    },
    "health": {
        "on_track": N_("On track"),
        "at_risk": N_("At risk"),
        "off_track": N_("Off track"),
    },
    "payer": {
        "firm": N_("The firm"),
        "buyer": N_("The buyer"),
        "programme": N_("The programme"),
        "donor": N_("Donor"),
        "loan": N_("Loan"),
    },
    "phase": {
        "enrolment": N_("Enrolment"),
        "supplier_evaluation": N_("Supplier evaluation"),
        "round_tables": N_("Round tables"),
        "improvement_analysis": N_("Improvement analysis"),
        "improvement_plans": N_("Improvement plans"),
        "completed": N_("Completed"),
        "on_hold": N_("On hold"),
        "withdrawn": N_("Withdrawn"),
    },
    "outcome": {
        "partner": N_("Partnership"),
        "conditional_partner": N_("Conditional partnership"),
        "no_partnership": N_("No partnership"),
    },
    "decision": {
        "partnership": N_("Partnership"),
        "conditional": N_("Conditional partnership"),
        "declined": N_("No partnership"),
    },
    "band": {
        "not_ready": N_("Not ready"),
        "developable": N_("Can be developed"),
        "qualified": N_("Qualified"),
        "excellent": N_("Excellent"),
    },
    "party": {
        "buyer": N_("The buyer"),
        "supplier": N_("The supplier"),
    },
    "severity": {
        "major": N_("Major"),
        "minor": N_("Minor"),
        "observation": N_("Observation"),
    },
}


def word_function(gettext: Callable[[str], str]) -> Callable[[str, str], str]:
    """word(group, value): the value's word in the report's language."""

    def word(group: str, value: str) -> str:
        known = WORDS[group].get(value)
        return gettext(known) if known else value

    return word
