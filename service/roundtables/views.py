"""Public shapes of round tables: invitees with names, kinds and attendance; the calendar file."""

from sqlmodel import Session, col, select

from service.engagements.models import Engagement
from service.engagements.views import organization_names
from service.programmes.models import Organization
from service.roundtables import service
from service.roundtables.ics import calendar_file
from service.roundtables.models import InviteePublic, RoundTable, RoundTablePublic


def publics(session: Session, round_tables: list[RoundTable]) -> list[RoundTablePublic]:
    """Round tables with their invitees' names, kinds and attendance, in three queries."""
    rows = service.invitees_of_all(session, [round_table.id for round_table in round_tables])
    names = organization_names(session, (row.organization_id for row in rows))
    kinds = (
        dict(
            session.exec(
                select(Organization.id, Organization.kind).where(
                    col(Organization.id).in_([r.organization_id for r in rows])
                )
            ).all()
        )
        if rows
        else {}
    )
    return [
        RoundTablePublic.build(
            round_table,
            [
                InviteePublic(
                    organization_id=row.organization_id,
                    organization_name=names.get(row.organization_id, ""),
                    kind=str(kinds.get(row.organization_id, "")),
                    attended=row.attended,
                    attendees=row.attendees,
                )
                for row in rows
                if row.round_table_id == round_table.id
            ],
        )
        for round_table in round_tables
    ]


def public(session: Session, round_table: RoundTable) -> RoundTablePublic:
    """One round table with its invitees and attendance."""
    return publics(session, [round_table])[0]


def calendar(session: Session, round_table: RoundTable, engagement: Engagement) -> bytes:
    """The round table as an RFC 5545 calendar file, naming the buyer."""
    buyer = organization_names(session, [engagement.buyer_id]).get(engagement.buyer_id, "")
    return calendar_file(round_table, buyer)
