"""The whole method through the API alone: a programme opened, an engagement taken from
enrolment through evaluation, round tables, analyses and plans to a completed engagement with
the buyer's partnership decisions."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session

from service.audits.templates import template_registry
from tests.factories import TINY_PDF, make_superuser
from workflows.plan_health import add_months

PDF = TINY_PDF
PASSWORD = "a long enough password"


class Api:
    """One signed-in user; writes carry If-Match read from the resource they change."""

    def __init__(self, client: TestClient, token: str) -> None:
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **params: Any) -> Any:
        response = self.client.get(f"/api/v1{path}", params=params, headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()

    def send(
        self, method: str, path: str, body: Any = None, match: str | None = None, **params: Any
    ) -> Response:
        headers = dict(self.headers)
        if match is not None:
            etag = self.client.get(f"/api/v1{match}", headers=self.headers).headers["ETag"]
            headers["If-Match"] = etag
        return self.client.request(
            method, f"/api/v1{path}", json=body, headers=headers, params=params
        )

    def ok(self, method: str, path: str, body: Any = None, match: str | None = None) -> Any:
        response = self.send(method, path, body, match)
        assert response.status_code in {200, 201}, f"{method} {path}: {response.text}"
        return response.json()


def login(client: TestClient, email: str) -> Api:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return Api(client, response.json()["access_token"])


def answers_for(template_id: str) -> list[dict[str, Any]]:
    """A complete, middling set of answers to every question of a template."""
    template = template_registry()[(template_id, 1)]
    answers = []
    for _section, question in template.questions():
        value: Any = {
            "scale": min(question.levels or {1: None}),
            "yes_no": True,
            "choice": question.options[0].id if question.options else None,
            "number": 10,
            "text": "Recorded during the visit.",
        }[question.type]
        answers.append({"question_id": question.id, "value": value})
    return answers


def run_audit(
    broker: Api, engagement_id: str, firm: str | None, template_id: str, purpose: str
) -> None:
    """Create, answer, evidence, submit and review an audit of a firm."""
    audit = broker.ok(
        "POST",
        f"/engagements/{engagement_id}/audits",
        {
            "participation_id": firm,
            "template_id": template_id,
            "template_version": 1,
            "purpose": purpose,
        },
    )
    path = f"/audits/{audit['id']}"
    broker.ok("PUT", f"{path}/answers", {"answers": answers_for(template_id)}, match=path)
    template = template_registry()[(template_id, 1)]
    for _section, question in template.questions():
        if question.evidence == "required":
            uploaded = broker.client.post(
                f"/api/v1{path}/evidence",
                params={"question_id": question.id, "filename": "records.pdf"},
                content=PDF,
                headers={**broker.headers, "Content-Type": "application/octet-stream"},
            )
            assert uploaded.status_code == 201, uploaded.text
    broker.ok("POST", f"{path}/transitions/submit", match=path)
    assert broker.ok("POST", f"{path}/transitions/review", match=path)["state"] == "reviewed"


def test_an_engagement_from_enrolment_to_partnership_decisions(
    client: TestClient, session: Session
) -> None:
    _root, root_token = make_superuser(session)
    root = Api(client, root_token)
    programme = root.ok(
        "POST",
        "/programmes",
        {
            "name": "Linkage programme",
            "timezone": "America/Managua",
            "currency": "NIO",
            "unit_name": "Linkage unit",
            "admin": {"email": "admin@unit.test", "full_name": "Ana Admin", "password": PASSWORD},
        },
    )
    admin = login(client, "admin@unit.test")
    unit = admin.get("/organizations", kind="unit")["items"][0]["id"]
    firms = {
        name: admin.ok("POST", "/organizations", {"name": name, "kind": kind})["id"]
        for name, kind in [
            ("Lácteos del Norte", "buyer"),
            ("Cartonajes León", "supplier"),
            ("Envases Masaya", "supplier"),
            ("Consultores de Calidad", "provider"),
        ]
    }
    people = [
        ("broker@unit.test", unit, "broker"),
        ("buyer@lacteos.test", firms["Lácteos del Norte"], "buyer"),
        ("supplier@cartonajes.test", firms["Cartonajes León"], "supplier"),
        ("supplier@envases.test", firms["Envases Masaya"], "supplier"),
        ("provider@consultores.test", firms["Consultores de Calidad"], "provider"),
    ]
    users = {}
    for email, organization, role in people:
        body = {
            "email": email,
            "full_name": email.split("@")[0].title(),
            "organization_id": organization,
            "role": role,
            "password": PASSWORD,
        }
        users[email] = admin.ok("POST", "/users", body)["id"]
    broker, buyer = login(client, "broker@unit.test"), login(client, "buyer@lacteos.test")
    suppliers = {
        "Cartonajes León": login(client, "supplier@cartonajes.test"),
        "Envases Masaya": login(client, "supplier@envases.test"),
    }
    provider = login(client, "provider@consultores.test")

    # Enrolment: the buyer, the broker and two candidates.
    engagement = admin.ok(
        "POST",
        "/engagements",
        {
            "buyer_id": firms["Lácteos del Norte"],
            "broker_id": users["broker@unit.test"],
            "title": "Local packaging",
        },
    )
    eid = engagement["id"]
    epath = f"/engagements/{eid}"
    participations = {}
    for name in suppliers:
        added = broker.ok(
            "POST", f"{epath}/participations", {"supplier_id": firms[name]}, match=epath
        )
        participations[name] = added["id"]

    def move(trigger: str) -> str:
        return broker.ok("POST", f"{epath}/transitions/{trigger}", match=epath)["phase"]  # type: ignore[no-any-return]

    assert move("start_evaluation") == "supplier_evaluation"

    # Supplier evaluation: a reviewed audit of each candidate, then the buyer selects both.
    for participation in participations.values():
        run_audit(broker, eid, participation, "supplier-evaluation", "evaluation")
    for name, participation in participations.items():
        ppath = f"{epath}/participations/{participation}"
        selected = buyer.ok(
            "POST",
            f"{ppath}/selection",
            {"decision": "selected", "reason": f"{name} passed the evaluation"},
            match=ppath,
        )
        assert selected["state"] == "selected"
    assert move("convene_round_tables") == "round_tables"

    # Round tables: held with everyone (recorded after the fact, as it started in the past),
    # targets agreed per supplier.
    attendance = [
        {"organization_id": firms[name], "attendees": [f"Someone of {name}"]}
        for name in ("Lácteos del Norte", *suppliers)
    ]
    table = broker.ok(
        "POST",
        f"{epath}/round-tables",
        {
            "title": "First round table",
            "starts_at": "2026-01-15T15:00:00-06:00",
            "timezone": "America/Managua",
            "agenda": ["Requirements", "Targets"],
            "held": {"minutes": "Targets agreed.", "attendance": attendance},
        },
    )
    assert table["state"] == "held"
    for participation in participations.values():
        broker.ok(
            "POST",
            f"{epath}/participations/{participation}/targets",
            {
                "round_table_id": table["id"],
                "kind": "kpi",
                "kpi": "lead_time",
                "value": 7,
                "due_on": "2026-12-31",
            },
        )
    assert move("start_analysis") == "improvement_analysis"

    # Analyses: a major finding and a lead-time baseline per supplier; the buyer's too.
    findings: dict[str | None, str] = {}
    for participation in [*participations.values(), None]:
        analysis = broker.ok(
            "POST", f"{epath}/analyses", {"participation_id": participation, "summary": "Seen."}
        )
        apath = f"/analyses/{analysis['id']}"
        finding = broker.ok(
            "POST",
            f"{apath}/findings",
            {"area": "other", "description": "Orders planned on paper.", "severity": "major"},
            match=apath,
        )
        findings[participation] = finding["id"]
        if participation is not None:
            broker.ok(
                "POST",
                f"{apath}/baselines",
                {"kpi": "lead_time", "value": 14, "measured_on": "2026-02-01"},
                match=apath,
            )
        broker.ok("POST", f"{apath}/transitions/approve", match=apath)
    assert move("start_plans") == "improvement_plans"

    # Plans: six months that started seven months ago, approved by every party.
    today = datetime.now(ZoneInfo("America/Managua")).date()
    starts = add_months(today, -7)
    plans: dict[str | None, str] = {}
    for participation in [*participations.values(), None]:
        plan = broker.ok(
            "POST",
            f"{epath}/plans",
            {"participation_id": participation, "starts_on": starts.isoformat()},
        )
        ppath = f"/plans/{plan['id']}"
        plans[participation] = plan["id"]
        broker.ok(
            "POST",
            f"{ppath}/actions",
            {
                "category": "training",
                "title": "Production planning course",
                "finding_ids": [findings[participation]],
                "provider_id": firms["Consultores de Calidad"],
                "starts_on": (starts + timedelta(days=7)).isoformat(),
                "due_on": (starts + timedelta(days=60)).isoformat(),
                "estimated_cost": "2400.00",
                "funding": [
                    {"payer": "firm", "percent": "33.33"},
                    {"payer": "buyer", "percent": "33.33"},
                    {"payer": "programme", "percent": "33.34"},
                ],
            },
            match=ppath,
        )
        broker.ok("POST", f"{ppath}/transitions/submit", match=ppath)
        broker.ok("POST", f"{ppath}/approvals", match=ppath)
        approved = buyer.ok("POST", f"{ppath}/approvals", match=ppath)
        if participation is not None:
            name = next(n for n, p in participations.items() if p == participation)
            approved = suppliers[name].ok("POST", f"{ppath}/approvals", match=ppath)
        assert approved["state"] == "approved"
        assert broker.ok("POST", f"{ppath}/transitions/start", match=ppath)["state"] == (
            "in_progress"
        )
        action = approved["actions"][0]
        done = provider.ok(
            "PATCH",
            f"/actions/{action['id']}",
            {"status": "done", "actual_cost": "0"},
            match=f"/actions/{action['id']}",
        )
        assert (done["status"], done["progress"]) == ("done", 100)
        review = {
            "held_on": (starts + timedelta(days=62)).isoformat(),
            "notes": "The course is finished.",
            "progress": [{"action_id": action["id"], "progress": 100}],
            "kpis": [{"kpi": "lead_time", "value": 10, "measured_on": "2026-05-01"}]
            if participation
            else [],
        }
        broker.ok("POST", f"{ppath}/reviews", review, match=ppath)
        assert broker.ok("POST", f"{ppath}/transitions/finish", match=ppath)["state"] == (
            "final_review"
        )

    # Final review: closing needs the final audit and the final KPI values.
    first = participations["Cartonajes León"]
    refused = broker.send(
        "POST", f"/plans/{plans[first]}/transitions/close", match=f"/plans/{plans[first]}"
    )
    assert refused.status_code == 409
    assert refused.json()["blocked_by"] == [
        "Cartonajes León has no reviewed final audit with the template of its evaluation",
        "1 KPI has a baseline but no final value: lead_time",
    ]
    for participation, plan_id in plans.items():
        ppath = f"/plans/{plan_id}"
        template = "supplier-evaluation" if participation else "buyer-readiness"
        run_audit(broker, eid, participation, template, "final")
        if participation is not None:
            broker.ok(
                "POST",
                f"{ppath}/final-kpis",
                {"values": [{"kpi": "lead_time", "value": 8, "measured_on": today.isoformat()}]},
                match=ppath,
            )
        assert broker.ok("POST", f"{ppath}/transitions/close", match=ppath)["state"] == "closed"

    # The buyer decides, and the engagement completes.
    blocked = broker.send("POST", f"{epath}/transitions/complete", match=epath)
    assert blocked.json()["blocked_by"] == [
        "2 selected suppliers have no partnership decision: Cartonajes León, Envases Masaya"
    ]
    decisions = {
        "Cartonajes León": {"outcome": "partnership", "rationale": "Lead time now 8 days."},
        "Envases Masaya": {
            "outcome": "conditional",
            "conditions": "Certify the food-grade line by June.",
            "rationale": "Good progress, one gap left.",
        },
    }
    for name, body in decisions.items():
        ppath = f"{epath}/participations/{participations[name]}"
        decided = buyer.ok("POST", f"{ppath}/decision", body, match=ppath)
        assert decided["outcome"] == body["outcome"]
    assert move("complete") == "completed"
    states = {p["supplier_id"]: p["state"] for p in broker.get(f"{epath}/participations")["items"]}
    assert states == {
        firms["Cartonajes León"]: "partner",
        firms["Envases Masaya"]: "conditional_partner",
    }
    costs = broker.get(f"{epath}/costs")
    assert (costs["planned"], costs["by_payer"][0]) == (
        "7200.00",
        {"key": "buyer", "name": None, "planned": "2399.76", "actual": "0.00"},
    )
    assert programme["name"] == "Linkage programme"
