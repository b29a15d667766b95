"""Problems in the caller's language: the user's setting, else Accept-Language (any case,
region falling back to its language), else the programme's; titles, details, field messages
and guard reasons translated; validation messages as sentences, never a regex."""

import re
import uuid
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.accounts.models import Role
from service.i18n import LOCALES
from service.messages import PLACEHOLDER
from tests.factories import make_engagement, make_tenant

MISSING = "/api/v1/engagements/" + "0" * 32


def test_a_user_whose_language_is_es_reads_problems_in_spanish(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    tenant.users[Role.supplier].language = "es"
    session.commit()
    response = client.get(MISSING, headers=tenant.headers(Role.supplier))
    assert response.status_code == 404
    assert response.headers["content-language"] == "es"
    assert (response.json()["title"], response.json()["detail"]) == (
        "No encontrado",
        "no existe ese proceso",
    )


@pytest.mark.parametrize(
    ("header", "language", "title"),
    [
        ("es-NI", "es", "No encontrado"),
        ("FR-ca;q=0.9, de", "fr", "Introuvable"),
        ("de", "en", "Not Found"),
    ],
)
def test_accept_language_chooses_with_region_fallback_and_any_case(
    client: TestClient, session: Session, header: str, language: str, title: str
) -> None:
    tenant = make_tenant(session, "Alpha")
    headers = {**tenant.headers(Role.admin), "Accept-Language": header}
    response = client.get(MISSING, headers=headers)
    assert (response.headers["content-language"], response.json()["title"]) == (language, title)


def test_the_users_setting_wins_over_accept_language(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    tenant.users[Role.admin].language = "fr"
    session.commit()
    headers = {**tenant.headers(Role.admin), "Accept-Language": "es"}
    assert client.get(MISSING, headers=headers).headers["content-language"] == "fr"


def test_without_either_the_programmes_language_is_used(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    tenant.programme.language = "fr"
    session.commit()
    response = client.get(MISSING, headers=tenant.headers(Role.admin))
    assert response.headers["content-language"] == "fr"
    assert response.json()["detail"] == "cet accompagnement n'existe pas"


def test_an_anonymous_request_follows_accept_language(client: TestClient) -> None:
    response = client.get("/api/v1/me", headers={"Accept-Language": "es"})
    assert response.status_code == 401
    assert response.json()["detail"] == "se requiere un token bearer válido"


def test_guard_reasons_are_translated(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant, with_broker=False, include_tenant_supplier=False)
    headers = {**tenant.headers(Role.admin), "If-Match": '"1"', "Accept-Language": "es"}
    response = client.post(
        f"/api/v1/engagements/{engagement.id}/transitions/start_evaluation", headers=headers
    )
    assert response.status_code == 409
    assert response.json()["blocked_by"] == [
        "no hay un articulador asignado",
        "no hay ningún candidato activo",
    ]
    assert response.json()["detail"] == (
        "start_evaluation se rechaza: no hay un articulador asignado; no hay ningún candidato activo"
    )


def test_a_blank_name_is_a_sentence_not_a_regex(client: TestClient, session: Session) -> None:
    tenant = make_tenant(session, "Alpha")
    response = client.post(
        "/api/v1/organizations",
        json={"name": "   ", "kind": "supplier"},
        headers=tenant.headers(Role.admin),
    )
    assert response.status_code == 422
    visible = "must contain a visible character, not only spaces or invisible ones"
    assert response.json()["errors"][0]["message"] == visible
    assert response.json()["detail"] == f"name: {visible}"
    spanish = client.post(
        "/api/v1/organizations",
        json={"name": "   ", "kind": "supplier"},
        headers={**tenant.headers(Role.admin), "Accept-Language": "es"},
    )
    assert spanish.json()["detail"] == (
        "name: debe contener un carácter visible, no solo espacios o caracteres invisibles"
    )


def test_a_time_zone_in_the_wrong_case_names_the_nearest_zone(
    client: TestClient, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    response = client.patch(
        f"/api/v1/programmes/{tenant.programme.id}",
        json={"timezone": "america/managua"},
        headers=tenant.headers(Role.admin),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == (
        "america/managua is not an IANA time zone name; did you mean America/Managua?"
    )
    assert len(response.content) < 1000


@pytest.mark.parametrize(
    ("lang", "status"), [("ES", 404), ("es-NI", 404), ("fr_CA", 404), ("xx", 422)]
)
def test_lang_accepts_a_language_in_any_form(
    client: TestClient, session: Session, lang: str, status: int
) -> None:
    tenant = make_tenant(session, "Alpha")
    response = client.post(
        "/api/v1/reports",
        params={"lang": lang},
        json={"kind": "plan", "subject_id": str(uuid.uuid4())},
        headers=tenant.headers(Role.admin),
    )
    assert response.status_code == status


@pytest.mark.parametrize("language", ["es", "fr"])
def test_every_catalogue_entry_is_translated_with_its_placeholders(language: str) -> None:
    path: Path = LOCALES / language / "LC_MESSAGES" / "errors.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    messages = [message for message in catalogue if message.id]
    assert len(messages) > 100
    for message in messages:
        assert message.string, message.id
        assert sorted(PLACEHOLDER.findall(str(message.id))) == sorted(
            PLACEHOLDER.findall(str(message.string))
        ), message.id
        assert not re.search(r"[\^$]\[", str(message.string))
