"""Words the plan pages show for plan states, triggers, parties, action categories, statuses,
payers and health: English message ids translated where they are shown (`web` catalogue)."""

from service.web.labels import N_

PLAN_STATES = {
    "draft": N_("Draft"),
    "submitted": N_("Submitted"),
    "approved": N_("Approved"),
    "in_progress": N_("In progress"),
    "final_review": N_("Final review"),
    "closed": N_("Closed"),
    "cancelled": N_("Cancelled"),
}
PLAN_TRIGGERS = {
    "submit": N_("Submit the plan for approval"),
    "return_to_draft": N_("Return the plan to draft"),
    "start": N_("Start the plan"),
    "finish": N_("Move to the final review"),
    "close": N_("Close the plan"),
}
PARTIES = {
    "broker": N_("The broker (programme unit)"),
    "buyer": N_("The buyer"),
    "supplier": N_("The supplier"),
}
CATEGORIES = {
    "training": N_("Training"),
    "technical_assistance": N_("Technical assistance"),
    "process_improvement": N_("Process improvement"),
    "quality_system": N_("Quality system"),
    "investment": N_("Investment"),
    "financing": N_("Financing"),
}
STATUSES = {
    "planned": N_("Planned"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "cancelled": N_("Cancelled"),
}
PAYERS = {
    "firm": N_("The firm"),
    "buyer": N_("The buyer"),
    "programme": N_("The programme"),
    "donor": N_("A donor"),
    "loan": N_("A loan"),
}
HEALTH = {
    "on_track": N_("On track"),
    "at_risk": N_("At risk"),
    "off_track": N_("Off track"),
}
ALL = {
    "plan_state": PLAN_STATES,
    "plan_trigger": PLAN_TRIGGERS,
    "party": PARTIES,
    "category": CATEGORIES,
    "action_status": STATUSES,
    "payer": PAYERS,
    "health": HEALTH,
}
