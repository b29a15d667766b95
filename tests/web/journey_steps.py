"""Steps of the broker's journey through the pages, each done only as a person would do it in
the browser (no API call, no database write), checked with axe-core on every page it visits,
so that journey tests can chain them."""

import re
from datetime import date

from playwright.sync_api import Locator, Page, expect

from tests.factories import TINY_PDF
from tests.web.conftest import accessible


def targets_and_analyses_through_ui(
    page: Page,
    engagement_id: object,
    *,
    kpi: str = "on_time_delivery",
    target: str = "95",
    due_on: date = date(2027, 6, 30),
    baseline: str = "80",
    measured_on: date = date(2026, 11, 2),
) -> None:
    """From round_tables, a round table held with the buyer and every selected supplier
    attending, to improvement_plans: a KPI target agreed with each selected supplier, the
    analysis started, every firm's analysis (the buyer's too) opened with a finding and the
    targeted KPI's baseline, approved, and the plans started. The page must be signed in as
    the engagement's broker or an administrator."""
    home = f"/engagements/{engagement_id}"
    page.goto(f"{home}/targets")
    accessible(page)
    for firm in page.locator("section.panel[aria-labelledby^=firm-] h2").all_inner_texts():
        _agree_target(page, firm, kpi, target, due_on)
    page.goto(home)
    page.get_by_role("button", name="Start the improvement analysis").click()
    expect(page.locator("[aria-current=step]")).to_have_text(re.compile("Improvement analysis"))
    accessible(page)
    page.get_by_role("link", name="Improvement analyses").first.click()
    accessible(page)
    while (opener := page.get_by_role("button", name=re.compile("^Open the analysis of "))).count():
        opener.first.click()
        _analyse(page, kpi, baseline, measured_on)
        page.get_by_role("link", name="Improvement analyses").click()
    expect(page.get_by_text("Not opened")).to_have_count(0)
    expect(page.locator(".cards .state", has_text="Draft")).to_have_count(0)
    page.goto(home)
    page.get_by_role("button", name="Start the improvement plans").click()
    expect(page.locator("[aria-current=step]")).to_have_text(re.compile("Improvement plans"))
    accessible(page)


def _agree_target(page: Page, firm: str, kpi: str, value: str, due_on: date) -> None:
    """Agree one KPI target with a selected supplier at the first round table offered."""
    kpi_form = page.locator("#agree form.target-form").first
    kpi_form.get_by_label("Supplier").select_option(label=firm)
    kpi_form.get_by_label("Agreed at the round table").select_option(index=0)
    kpi_form.get_by_label("KPI").select_option(kpi)
    kpi_form.get_by_label("Target value").fill(value)
    kpi_form.get_by_label("Due on").fill(due_on.isoformat())
    kpi_form.get_by_role("button", name="Agree the target").click()
    form = page.locator("section.panel", has=page.get_by_role("heading", name=firm, exact=True))
    expect(form.locator(".cards")).to_contain_text(f"{value} ")
    accessible(page)


def _analyse(page: Page, kpi: str, baseline: str, measured_on: date) -> None:
    """On an analysis page: one finding, the baseline of every targeted KPI, then approve."""
    expect(page.get_by_role("heading", level=1)).to_contain_text("Analysis of")
    accessible(page)
    page.get_by_label("Severity").select_option("major")
    page.get_by_label("What was found").fill("Production is planned week by week on paper.")
    page.get_by_label("Root cause (optional)").fill("No planning tool or routine.")
    page.get_by_role("button", name="Add the finding").click()
    expect(page.locator("#findings + .cards")).to_contain_text("planned week by week")
    if page.get_by_text("Targeted KPIs still without a baseline:").count():
        page.get_by_label("KPI", exact=True).select_option(kpi)
        page.get_by_label("Value", exact=True).fill(baseline)
        page.get_by_label("Measured on").fill(measured_on.isoformat())
        page.get_by_role("button", name="Record the baseline").click()
        expect(page.get_by_text("Targeted KPIs still without a baseline:")).to_have_count(0)
    page.get_by_role("button", name="Approve the analysis").click()
    expect(page.locator("main > p .state")).to_have_text("Approved")
    accessible(page)


def fill_audit_through_ui(page: Page, audit_path: str) -> None:
    """Every section of the draft audit at `audit_path` filled completely with the page's
    controls: a PDF uploaded for each question that requires evidence, then every question
    answered (a level on each scale, yes, the first choice, a number, a sentence) and saved by
    the section's autosave, once. Ends on the last section, where the submit step is offered.
    The page must be signed in as the engagement's broker or an administrator."""
    page.goto(audit_path)
    accessible(page)
    sections = page.locator("ol.sections a")
    for n in range(sections.count()):
        sections.nth(n).click()
        expect(sections.nth(n)).to_have_attribute("aria-current", "page")
        questions = page.locator("#section-panel fieldset.question")
        for question in questions.filter(has_text="Evidence required").all():
            question.locator("input[type=file]").set_input_files(
                {"name": "records.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}
            )
            expect(question.locator(".files")).to_contain_text("records.pdf")
        total = questions.count()
        for attempt in range(3):  # a save that lands while typing replaces the section
            for question in questions.all():
                _answer(question)
            try:
                expect(page.locator("#live-score")).to_contain_text(f"{total} of {total} answered")
                break
            except AssertionError:
                if attempt == 2:
                    raise
        expect(page.locator("#live-score")).to_contain_text("Saved")
        accessible(page)


def _answer(question: Locator) -> None:
    """One question answered as a person would, by its kind of control."""
    if question.locator("input[type=radio]").count():
        for value in ("3", "yes"):
            choice = question.locator(f"input[type=radio][value='{value}']")
            if choice.count():
                choice.check()
                return
        question.locator("input[type=radio]").first.check()
    elif question.locator("input[inputmode=decimal]").count():
        field = question.locator("input[inputmode=decimal]")
        field.fill("12")
        field.press("Tab")  # leaving the field is what tells the form it changed
    else:
        field = question.locator("textarea")
        field.fill("Seen on the plant visit; records kept on paper.")
        field.press("Tab")
