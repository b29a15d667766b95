"""The journey from a held round table to the improvement plans, entirely through the pages:
it starts where the existing journeys leave an engagement (its suppliers selected, in round
tables), holds the round table on its page, then runs `targets_and_analyses_through_ui`."""

from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from service.analyses.models import Analysis
from service.engagements.models import Engagement, Participation
from service.programmes.models import Organization
from service.roundtables.models import RoundTableInvitee
from service.targets.models import Target
from service.types import utcnow
from tests.factories import make_engagement, make_round_table, make_tenant
from tests.web.conftest import accessible, fresh, sign_in
from tests.web.journey_steps import targets_and_analyses_through_ui
from workflows import AnalysisState, ParticipationState, Phase


def test_the_broker_takes_a_held_round_table_to_the_improvement_plans(
    page: Page, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant, candidates=("Plásticos Norte",))
    tenant.engagement = engagement
    engagement.phase = Phase.round_tables
    for row in session.exec(select(Participation)).all():
        row.state = ParticipationState.selected
        session.add(row)
    session.add(engagement)
    session.commit()
    round_table = make_round_table(session, tenant)  # invites the buyer and the tenant's supplier
    round_table.starts_at = utcnow() - timedelta(hours=2)
    other = session.exec(select(Organization).where(Organization.name == "Plásticos Norte")).one()
    session.add_all(
        [round_table, RoundTableInvitee(round_table_id=round_table.id, organization_id=other.id)]
    )
    session.commit()
    sign_in(page, "broker@alpha.test", next_path=f"/engagements/{engagement.id}/round-tables")
    page.get_by_role("link", name="First round table").click()
    for checkbox in page.get_by_label("Attended", exact=True).all():
        checkbox.check()
    for names in page.get_by_label("Who came (names, separated by commas)").all():
        names.fill("Ana Pérez")
    page.get_by_label("Minutes").fill("Targets agreed on delivery.")
    page.get_by_role("button", name="Record as held").click()
    expect(page.locator(".state").first).to_have_text("Held")
    accessible(page)

    targets_and_analyses_through_ui(page, engagement.id)

    fresh(session)
    row = session.get(Engagement, engagement.id)
    assert row is not None
    assert row.phase == Phase.improvement_plans
    states = session.exec(select(Analysis.state)).all()
    assert states == [AnalysisState.approved] * 3  # two suppliers and the buyer
    assert len(session.exec(select(Target)).all()) == 2
    participations = session.exec(select(Participation.state)).all()
    assert participations == [ParticipationState.analysed] * 2
