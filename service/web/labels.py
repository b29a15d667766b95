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
    "tender": N_("Tender"),
}
# What an event records, in the past tense: by trigger, or by "kind.trigger" where one
# trigger means different things on different objects (a round table "hold" is a meeting
# held; an engagement "hold" puts it on hold). Every trigger recorded anywhere has an entry
# (tests/web/test_history_labels.py reads them from the code).
HAPPENED = {
    # The engagement and its participations (kind "transition").
    "start_evaluation": N_("Supplier evaluation started"),
    "convene_round_tables": N_("Round tables convened"),
    "start_analysis": N_("Improvement analysis started"),
    "start_plans": N_("Improvement plans started"),
    "complete": N_("Engagement completed"),
    "hold": N_("Put on hold"),
    "resume": N_("Resumed"),
    "withdraw": N_("Withdrawn"),
    "evaluate": N_("Supplier evaluated"),
    "select": N_("Supplier selected"),
    "not_select": N_("Supplier not selected"),
    "drop": N_("Supplier dropped out"),
    "analyse": N_("Supplier analysed"),
    "start_planning": N_("Planning started"),
    "start_implementation": N_("Implementation started"),
    "close": N_("Closed"),
    "record_partnership": N_("Partnership agreed"),
    "record_conditional_partnership": N_("Conditional partnership agreed"),
    "record_no_partnership": N_("No partnership"),
    "decide_partnership": N_("Partnership decision recorded"),
    # Audits.
    "audit_created": N_("Audit started"),
    "add_evidence": N_("Evidence added"),
    "submit": N_("Submitted"),
    "audit.submit": N_("Audit submitted"),
    "audit.review": N_("Audit reviewed and locked"),
    "reopen": N_("Reopened"),
    "audit.reopen": N_("Audit reopened"),
    # Round tables and targets.
    "schedule": N_("Round table scheduled"),
    "reschedule": N_("Round table rescheduled"),
    "round_table.hold": N_("Round table held"),
    "round_table.cancel": N_("Round table cancelled"),
    "agree_target": N_("Target agreed"),
    "change_target": N_("Target changed"),
    # Analyses.
    "open_analysis": N_("Analysis opened"),
    "add_finding": N_("Finding added"),
    "record_baseline": N_("Baseline recorded"),
    "approve": N_("Approved"),
    "analysis.approve": N_("Analysis approved"),
    "analysis.reopen": N_("Analysis reopened"),
    # Improvement plans and their actions.
    "open_plan": N_("Plan opened"),
    "change_window": N_("Plan dates changed"),
    "add_action": N_("Action added"),
    "edit_action": N_("Action changed"),
    "update_action": N_("Action progress reported"),
    "plan.submit": N_("Plan submitted"),
    "return_to_draft": N_("Plan returned to draft"),
    "plan.approve": N_("Plan approved by one party"),
    "approved": N_("Plan approved by every party"),
    "start": N_("Started"),
    "plan.start": N_("Plan started"),
    "finish": N_("Plan finished: final review"),
    "plan.close": N_("Plan closed"),
    "cancel": N_("Cancelled"),
    "plan.cancel": N_("Plan cancelled"),
    "review": N_("Monthly review recorded"),
    "record_review_kpis": N_("KPI values recorded at a review"),
    "record_final_kpis": N_("Final KPI values recorded"),
    "rate_provider": N_("Provider rated"),
    # Tenders.
    "create": N_("Tender drafted"),
    "amend": N_("Tender amended"),
    "add_lot": N_("Lot added"),
    "invite": N_("Provider invited"),
    "publish": N_("Tender published"),
    "answer": N_("Clarification answered"),
    "submit_bid": N_("Bid submitted"),
    "withdraw_bid": N_("Bid withdrawn"),
    "assign_evaluator": N_("Evaluator assigned"),
    "declare_no_conflict": N_("No conflict of interest declared"),
    "submit_scores": N_("Scores submitted"),
    "decide_lot": N_("Lot decided"),
    "complete_evaluation": N_("Evaluation completed"),
    "award": N_("Tender awarded"),
    "contract": N_("Contracts took effect"),
    "declare_unsuccessful": N_("Tender declared unsuccessful"),
    "tender.cancel": N_("Tender cancelled"),
    "tender.close": N_("Tender closed"),
    "set_tender_policy": N_("Tender rules changed"),
    # The programme, its organizations and users.
    "open_programme": N_("Programme opened"),
    "change_settings": N_("Programme settings changed"),
    "create_organization": N_("Organization created"),
    "update_organization": N_("Organization changed"),
    "set_profile": N_("Provider profile changed"),
    "add_qualification": N_("Qualification added"),
    "create_user": N_("User created"),
    "update_user": N_("User changed"),
    "reset_password": N_("Password reset"),
    "enable_user": N_("User enabled"),
    "disable_user": N_("User disabled"),
    "update_profile": N_("Profile changed"),
    "change_password": N_("Password changed"),
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
