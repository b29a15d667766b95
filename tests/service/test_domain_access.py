"""Each domain's access rules in one shape: `may_see` and `may_write` take (user, engagement,
row) everywhere, `visible_<things>(user)` selects exactly the rows `may_see` allows, and the
trigger enums are the workflow tables' triggers."""

import inspect
from types import ModuleType
from typing import Any

import pytest
from sqlmodel import Session, select

from service.accounts.models import Role
from service.analyses import access as analyses
from service.analyses.models import Analysis, AnalysisTrigger
from service.audits import access as audits
from service.audits.models import Audit, AuditTrigger
from service.engagements import access as engagements
from service.engagements.models import Engagement
from service.roundtables import access as roundtables
from service.roundtables.models import RoundTable
from service.targets import access as targets
from service.targets.models import Target
from tests.factories import fill_tenant, make_tenant
from workflows.analysis import ANALYSIS
from workflows.audit import AUDIT

DOMAINS: list[tuple[ModuleType, Any, Any]] = [
    (audits, Audit, audits.visible_audits),
    (roundtables, RoundTable, roundtables.visible_round_tables),
    (targets, Target, targets.visible_targets),
    (analyses, Analysis, analyses.visible_analyses),
]


@pytest.mark.parametrize("module", [engagements, audits, roundtables, targets, analyses])
def test_every_domain_asks_may_see_and_may_write_with_the_same_arguments(
    module: ModuleType,
) -> None:
    for name in ("may_see", "may_write"):
        parameters = list(inspect.signature(getattr(module, name)).parameters)
        assert parameters == ["user", "engagement", "row"], f"{module.__name__}.{name}"


def test_audit_and_analysis_triggers_are_their_workflow_tables_triggers() -> None:
    assert [t.value for t in AuditTrigger] == [row["trigger"] for row in AUDIT.table]
    assert [t.value for t in AnalysisTrigger] == [row["trigger"] for row in ANALYSIS.table]
    assert [t.value for t in AuditTrigger] == ["submit", "review", "reopen"]
    assert [t.value for t in AnalysisTrigger] == ["approve", "reopen"]


@pytest.mark.parametrize("role", list(Role))
def test_the_visible_rows_are_exactly_those_may_see_allows(session: Session, role: Role) -> None:
    tenant = fill_tenant(session, make_tenant(session, "Alpha"))
    fill_tenant(session, make_tenant(session, "Beta"))
    user = tenant.users[role]
    seen_engagements = {row.id for row in session.exec(engagements.visible_engagements(user)).all()}
    for module, model, visible in DOMAINS:
        expected = set()
        for row in session.exec(select(model)).all():
            engagement = session.get(Engagement, row.engagement_id)
            if row.engagement_id in seen_engagements and module.may_see(user, engagement, row):
                expected.add(row.id)
        selected = {row.id for row in session.exec(visible(user)).all()}
        assert selected == expected, f"{module.__name__} for {role}"
        assert selected or role in (Role.provider, Role.observer), f"{module.__name__} {role}"
