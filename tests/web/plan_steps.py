"""A journey step through the plan pages, for chaining after the step that brings an
engagement to `improvement_plans`: every plan opened, drafted with a training action that
addresses the firm's findings, submitted, approved by the broker, the buyer and each
supplier, started, and one monthly review recorded, purely through the pages."""

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.web.conftest import accessible, sign_in


def sign_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile("^Sign out")).click()
    page.wait_for_url(re.compile(r"/signin(\?.*)?$"))


def draft_plan(page: Page, firm: str, starts_on: date) -> str:
    """Open the firm's plan from the plans page and add a training action covering every
    finding; the plan's path."""
    page.get_by_label("Firm").select_option(label=firm)
    page.get_by_label("Starts on").fill(starts_on.isoformat())
    page.get_by_label("Length in months").fill("6")
    page.get_by_role("button", name="Open the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Improvement plan of {firm}")
    path = re.sub(r"^https?://[^/]+", "", page.url)
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("Category").select_option("training")
    page.get_by_label("Title").fill(f"Production planning course for {firm}")
    page.get_by_label("Starts on").fill(starts_on.isoformat())
    page.get_by_label("Due on").fill((starts_on + timedelta(days=60)).isoformat())
    page.get_by_label("Estimated cost").fill("1200.00")
    page.get_by_label("The firm", exact=True).fill("30")
    page.get_by_label("The programme", exact=True).fill("70")
    expect(page.locator("#funding-total")).to_have_text("100")
    for box in page.locator("input[name^=finding-]").all():
        box.check()
    accessible(page)
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator("table.actions")).to_contain_text(f"Production planning course for {firm}")
    page.get_by_role("button", name="Submit the plan for approval").click()
    expect(page.locator(".awaited")).to_be_visible()
    return path


def approve(page: Page, path: str, party: str) -> None:
    """Approve the plan at `path` for the signed-in user's party."""
    page.goto(path)
    accessible(page)
    page.get_by_role("button", name=f"Approve as {party}").click()
    expect(page.locator("#approvals + ul")).to_contain_text(party)


def plans_through_ui(
    page: Page,
    engagement_id: object,
    *,
    broker_email: str,
    buyer_email: str,
    supplier_emails: dict[str, str],
    password: str = PASSWORD,
    starts_on: date | None = None,
) -> dict[str, str]:
    """From an engagement that just entered improvement_plans: every firm's plan drafted,
    approved by every party and started, and one monthly review of the first plan recorded. `supplier_emails`
    maps each supplier's name to a user of it. Returns each firm's plan path; the broker is
    signed in at the end."""
    start = starts_on or date.today() - timedelta(days=1)  # started in any programme's zone
    sign_in(page, broker_email, password, next_path=f"/engagements/{engagement_id}")
    page.get_by_role("link", name="Plans, approvals, Gantt view and monthly reviews").click()
    accessible(page)
    plans: dict[str, str] = {}
    listing = f"/engagements/{engagement_id}/plans"
    while page.get_by_label("Firm").count():
        firm = page.get_by_label("Firm").locator("option").first.inner_text().strip()
        plans[firm] = draft_plan(page, firm, start)
        approve(page, plans[firm], "The broker (programme unit)")
        page.goto(listing)
    sign_out(page)
    sign_in(page, buyer_email, password)
    for path in plans.values():
        approve(page, path, "The buyer")
    sign_out(page)
    for firm, email in supplier_emails.items():
        sign_in(page, email, password)
        approve(page, plans[firm], "The supplier")
        sign_out(page)
    sign_in(page, broker_email, password)
    for path in plans.values():
        page.goto(path)
        page.get_by_role("button", name="Start the plan").click()
        expect(page.locator("#plan-state")).to_have_text("In progress")
    page.goto(next(iter(plans.values())))
    record_review(page)
    return plans


def record_review(page: Page) -> None:
    """The monthly review of the plan on screen: every open action at 20 %, with notes."""
    page.get_by_role("link", name="Record the monthly review").click()
    accessible(page)
    for field in page.locator("input[name^=progress-]").all():
        field.fill("20")
    page.get_by_label("Notes").fill("Course started; attendance is good.")
    page.get_by_label("Next steps").fill("Visit the plant floor in four weeks.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator("#reviews + ul")).to_contain_text("Course started; attendance is good.")
    accessible(page)
