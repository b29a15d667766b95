"""The whole journey through the pages, in a real Chromium with axe-core on every page it
visits: from a programme with only its unit, users and firms, the administrator enrols a buyer,
gives it a user and opens its engagement with a broker; the broker lists a candidate, fills its
evaluation audit completely, submits and reviews it, selects the supplier with a reason,
schedules the round table and holds it once it has begun, agrees the targets, has every
analysis approved, and every plan is approved by each party, started and reviewed once."""

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect
from sqlmodel import Session, col, select

from service.accounts.models import Role, User
from service.analyses.models import Analysis
from service.audits.models import Answer, Audit, Evidence
from service.audits.service import template_for
from service.engagements.models import Engagement, Participation
from service.plans.models import Action, Plan, PlanApproval, Review
from service.programmes.models import Organization, OrganizationKind
from service.roundtables.models import RoundTable, RoundTableInvitee, RoundTableState
from service.targets.models import Target
from tests.factories import PASSWORD, make_tenant
from tests.web.conftest import accessible, fresh, sign_in
from tests.web.journey_steps import fill_audit_through_ui, targets_and_analyses_through_ui
from tests.web.plan_steps import plans_through_ui, sign_out
from workflows import AnalysisState, AuditState, ParticipationState, Phase, PlanState

BUYER = "Ron Caribe S.A."
SUPPLIER = "Alpha supplier"  # the factories' supplier, with its user supplier@alpha.test
BUYER_USER = "ana.perez@roncaribe.test"


def enrol_the_buyer_and_open_the_engagement(page: Page, broker: str) -> str:
    """As the administrator: the buyer enrolled, a user of it added, the engagement opened
    with `broker`; the engagement's path."""
    sign_in(page, "admin@alpha.test")
    accessible(page)
    page.get_by_role("link", name="Organizations").click()
    accessible(page)
    page.get_by_label("Name", exact=True).fill(BUYER)
    page.get_by_label("Kind").select_option("buyer")
    page.get_by_label("Country (two letters, e.g. NI)").fill("NI")
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_role("link", name=BUYER)).to_be_visible()
    page.get_by_role("link", name="Users").click()
    accessible(page)
    page.get_by_label("Full name").fill("Ana Pérez")
    page.get_by_label("E-mail").fill(BUYER_USER)
    page.get_by_label("Role").select_option("buyer")
    page.get_by_label("Organization").select_option(label=BUYER)
    page.get_by_label("Password (at least 12 characters)").fill(PASSWORD)
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("link", name="Ana Pérez")).to_be_visible()
    page.get_by_role("link", name="My engagements").click()
    page.get_by_role("link", name="New engagement").click()
    accessible(page)
    page.get_by_label("Title").fill("Ron Caribe local sourcing")
    page.get_by_label("Buyer").select_option(label=BUYER)
    page.get_by_label("Broker").select_option(label=broker)
    page.get_by_role("button", name="Open the engagement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ron Caribe local sourcing")
    expect(page.locator("[aria-current=step]")).to_have_text(re.compile("Enrolment"))
    accessible(page)
    path = re.sub(r"^https?://[^/]+", "", page.url)
    sign_out(page)
    return path


def evaluate_and_select(page: Page, home: str) -> None:
    """As the broker: the candidate listed, the evaluation started, its audit filled,
    submitted and reviewed, the supplier selected with a reason and the round tables
    convened."""
    sign_in(page, "broker@alpha.test", next_path=home)
    accessible(page)
    page.get_by_label("Supplier", exact=True).select_option(label=SUPPLIER)
    page.get_by_role("button", name="Add candidate").click()
    expect(page.locator("#candidates + ul")).to_contain_text(SUPPLIER)
    page.get_by_role("button", name="Start the supplier evaluation").click()
    expect(page.locator("[aria-current=step]")).to_have_text(re.compile("Supplier evaluation"))
    accessible(page)
    page.get_by_label("Candidate", exact=True).select_option(label=SUPPLIER)
    page.get_by_label("Audit template").select_option(
        label="Supplier evaluation (enterprise audit) (v1)"
    )
    page.get_by_role("button", name="Start an evaluation audit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(SUPPLIER)
    audit = re.sub(r"^https?://[^/]+", "", page.url)
    fill_audit_through_ui(page, audit)
    expect(page.get_by_text("The audit cannot be submitted yet:")).to_have_count(0)
    page.get_by_role("button", name="Submit the audit").click()
    expect(page.locator("main > p .state")).to_have_text("Submitted")
    accessible(page)
    page.get_by_role("button", name="Review and lock the audit").click()
    expect(page.locator("main > p .state")).to_have_text("Reviewed")
    accessible(page)
    page.get_by_role("link", name="Ron Caribe local sourcing").click()
    choice = page.get_by_role("group", name=f"Selection of {SUPPLIER}")
    choice.get_by_label("Select", exact=True).check()
    choice.get_by_label("Reason").fill("Best audit score; already close to the buyer's plant.")
    choice.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#candidates + ul .state")).to_have_text("Selected")
    accessible(page)
    page.get_by_role("button", name="Convene the round tables").click()
    expect(page.locator("[aria-current=step]")).to_have_text(re.compile("Round tables"))
    accessible(page)


def schedule_and_hold_the_round_table(page: Page, timezone: str) -> None:
    """Scheduled for the next whole minute (a round table is scheduled ahead), its calendar
    file downloaded, and recorded as held with attendance and minutes once it has begun (the
    pages refuse to hold it before)."""
    page.locator("ol.stepper").get_by_role("link", name="Round tables").click()
    accessible(page)
    starts = (datetime.now(ZoneInfo(timezone)) + timedelta(seconds=65)).replace(
        second=0, microsecond=0
    )
    page.get_by_label("Title").fill("First round table")
    page.get_by_label("Starts at (local time)").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    expect(page.get_by_label("Time zone (e.g. America/Managua)")).to_have_value(timezone)
    page.get_by_label("Duration in minutes").fill("90")
    page.get_by_label("Place").fill("Cámara de Industria, Managua")
    page.get_by_label("Agenda (one item a line)").fill("Results of the audit\nTargets")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("First round table")
    expect(page.locator("main > p .state")).to_have_text("Scheduled")
    accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Calendar file (.ics)").click()
    calendar = download.value.path().read_text()
    assert "BEGIN:VCALENDAR" in calendar
    assert "SUMMARY:First round table" in calendar
    time.sleep(max(0.0, (starts - datetime.now(ZoneInfo(timezone))).total_seconds()) + 0.5)
    for firm, people in ((BUYER, "Ana Pérez, Luis Roa"), (SUPPLIER, "Marta Díaz")):
        card = page.locator("#invitees-heading + form li", has_text=firm)
        card.get_by_label("Attended", exact=True).check()
        card.get_by_label("Who came (names, separated by commas)").fill(people)
    page.get_by_label("Minutes").fill("Audit results shared; on-time delivery target agreed.")
    page.get_by_role("button", name="Record as held").click()
    expect(page.locator("main > p .state")).to_have_text("Held")
    accessible(page)


def test_an_engagement_goes_from_enrolment_to_a_reviewed_improvement_plan_through_the_pages(
    page: Page, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    broker = tenant.users[Role.broker]
    home = enrol_the_buyer_and_open_the_engagement(page, broker.full_name)
    engagement_id = home.rsplit("/", 1)[1]
    evaluate_and_select(page, home)
    schedule_and_hold_the_round_table(page, tenant.programme.timezone)
    targets_and_analyses_through_ui(page, engagement_id)
    plans = plans_through_ui(
        page,
        engagement_id,
        broker_email="broker@alpha.test",
        buyer_email=BUYER_USER,
        supplier_emails={SUPPLIER: "supplier@alpha.test"},
    )
    assert list(plans) == [SUPPLIER, BUYER]

    fresh(session)
    buyer = session.exec(select(Organization).where(Organization.name == BUYER)).one()
    assert (buyer.kind, buyer.country) == (OrganizationKind.buyer, "NI")
    ana = session.exec(select(User).where(User.email == BUYER_USER)).one()
    assert (ana.role, ana.organization_id, ana.full_name) == (Role.buyer, buyer.id, "Ana Pérez")
    engagement = session.exec(select(Engagement)).one()
    assert (str(engagement.id), engagement.buyer_id, engagement.broker_id, engagement.phase) == (
        engagement_id, buyer.id, broker.id, Phase.improvement_plans,
    )  # fmt: skip
    supplier = tenant.organizations[OrganizationKind.supplier]
    participation = session.exec(select(Participation)).one()
    assert (participation.supplier_id, participation.state) == (
        supplier.id,
        ParticipationState.implementing,
    )
    audit = session.exec(select(Audit)).one()
    template = template_for("supplier-evaluation", 1)
    questions = [q for section in template.sections for q in section.questions]
    required = sorted(q.id for q in questions if q.evidence == "required")
    answers = session.exec(select(Answer).where(Answer.audit_id == audit.id)).all()
    files = session.exec(select(Evidence).where(Evidence.audit_id == audit.id)).all()
    assert (audit.organization_id, audit.state) == (supplier.id, AuditState.reviewed)
    assert sorted(a.question_id for a in answers) == sorted(q.id for q in questions)
    assert all(not a.not_applicable and a.value is not None for a in answers)
    assert sorted(f.question_id for f in files) == required
    round_table = session.exec(select(RoundTable)).one()
    assert (round_table.state, round_table.minutes) == (
        RoundTableState.held,
        "Audit results shared; on-time delivery target agreed.",
    )
    invitees = session.exec(select(RoundTableInvitee)).all()
    assert sorted((i.organization_id == buyer.id, i.attended, i.attendees) for i in invitees) == [
        (False, True, ["Marta Díaz"]),
        (True, True, ["Ana Pérez", "Luis Roa"]),
    ]
    target = session.exec(select(Target)).one()
    assert (target.participation_id, target.kpi, target.value) == (
        participation.id, "on_time_delivery", "95",
    )  # fmt: skip
    analyses = session.exec(select(Analysis)).all()
    assert sorted((a.organization_id == buyer.id, a.state) for a in analyses) == [
        (False, AnalysisState.approved),
        (True, AnalysisState.approved),
    ]
    rows = session.exec(select(Plan).order_by(col(Plan.created_at))).all()
    assert [(row.organization_id, row.state) for row in rows] == [
        (supplier.id, PlanState.in_progress),
        (buyer.id, PlanState.in_progress),
    ]
    approvals = session.exec(select(PlanApproval)).all()
    assert sorted((a.plan_id == rows[0].id, a.party.value) for a in approvals) == [
        (False, "broker"), (False, "buyer"),
        (True, "broker"), (True, "buyer"), (True, "supplier"),
    ]  # fmt: skip
    review = session.exec(select(Review)).one()
    assert (review.plan_id, review.broker_id, review.notes) == (
        rows[0].id, broker.id, "Course started; attendance is good.",
    )  # fmt: skip
    assert sorted(a.progress for a in session.exec(select(Action)).all()) == [0, 20]
