"""Words the pages show for the method's states, triggers, roles and kinds: English message
ids that the templates pass through gettext (the `web` catalogue)."""

from workflows import Phase


def N_(message: str) -> str:
    """Mark a message for the catalogue; it is translated where it is shown."""
    return message


PHASES = {
    "enrolment": N_("Enrolment"),
    "supplier_evaluation": N_("Supplier evaluation"),
    "round_tables": N_("Round tables"),
    "improvement_analysis": N_("Improvement analysis"),
    "improvement_plans": N_("Improvement plans"),
    "completed": N_("Completed"),
    "on_hold": N_("On hold"),
    "withdrawn": N_("Withdrawn"),
}
STATES = {
    "candidate": N_("Candidate"),
    "evaluated": N_("Evaluated"),
    "selected": N_("Selected"),
    "not_selected": N_("Not selected"),
    "analysed": N_("Analysed"),
    "planning": N_("Planning"),
    "implementing": N_("Implementing"),
    "closed": N_("Closed"),
    "partner": N_("Partner"),
    "conditional_partner": N_("Conditional partner"),
    "no_partnership": N_("No partnership"),
    "dropped": N_("Dropped"),
}
TRIGGERS = {
    "start_evaluation": N_("Start the supplier evaluation"),
    "convene_round_tables": N_("Convene the round tables"),
    "start_analysis": N_("Start the improvement analysis"),
    "start_plans": N_("Start the improvement plans"),
    "complete": N_("Complete the engagement"),
    "hold": N_("Put on hold"),
    "resume": N_("Resume"),
    "withdraw": N_("Withdraw"),
    "create_engagement": N_("Engagement opened"),
    "update_engagement": N_("Engagement changed"),
    "add_candidate": N_("Candidate added"),
    "record_selection": N_("Selection recorded"),
    "evaluate": N_("Evaluated"),
    "select": N_("Selected"),
    "not_select": N_("Not selected"),
    "drop": N_("Dropped"),
}
EVENT_KINDS = {
    "created": N_("Opened"),
    "transition": N_("Moved on"),
    "candidate_added": N_("Candidate added"),
    "broker_assigned": N_("Broker assigned"),
    "audit": N_("Audit"),
    "round_table": N_("Round table"),
    "target": N_("Target"),
    "analysis": N_("Analysis"),
    "plan": N_("Plan"),
    "decision": N_("Decision"),
    "programme": N_("Programme settings changed"),
    "organization": N_("Organization changed"),
    "user": N_("User changed"),
}
AUDIT_STATES = {
    "draft": N_("Draft"),
    "submitted": N_("Submitted"),
    "reviewed": N_("Reviewed"),
}
AUDIT_TRIGGERS = {
    "submit": N_("Submit the audit"),
    "review": N_("Review and lock the audit"),
    "reopen": N_("Reopen the audit"),
}
ROUND_TABLE_STATES = {
    "scheduled": N_("Scheduled"),
    "held": N_("Held"),
    "cancelled": N_("Cancelled"),
}
ROLES = {
    "admin": N_("Administrator"),
    "broker": N_("Broker"),
    "buyer": N_("Buyer"),
    "supplier": N_("Supplier"),
    "provider": N_("Provider"),
    "observer": N_("Observer"),
}
KINDS = {
    "unit": N_("Programme unit"),
    "buyer": N_("Buyer firm"),
    "supplier": N_("Supplier"),
    "provider": N_("Provider"),
    "financier": N_("Financier"),
    "donor": N_("Donor"),
}

# The method's phases in order, for the stepper, and the trigger that leaves each one.
STEPS: tuple[Phase, ...] = (
    Phase.enrolment,
    Phase.supplier_evaluation,
    Phase.round_tables,
    Phase.improvement_analysis,
    Phase.improvement_plans,
    Phase.completed,
)
NEXT_TRIGGER = {
    Phase.enrolment: "start_evaluation",
    Phase.supplier_evaluation: "convene_round_tables",
    Phase.round_tables: "start_analysis",
    Phase.improvement_analysis: "start_plans",
    Phase.improvement_plans: "complete",
    Phase.on_hold: "resume",
}
