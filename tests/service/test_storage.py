"""File storage: the local folder and an S3-compatible bucket shared by several hosts."""

import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from service.accounts.models import Role
from service.audits.models import Evidence
from service.engagements.models import Participation
from service.settings import Settings
from service.storage import FileMissing, read_bytes, storage_for
from service.storage.local import LocalStorage
from service.storage.s3 import S3Storage
from tests.factories import TINY_PDF, fill_tenant, make_engagement, make_tenant
from tests.s3 import S3Server, running_s3
from tests.server import running_server
from workflows import Phase

PDF = TINY_PDF
KEY = "ab/ab" + "0" * 30


@pytest.fixture(scope="module")
def s3() -> Iterator[S3Server]:
    with running_s3() as server:
        yield server


def exercise(storage: LocalStorage | S3Storage, scratch: Path) -> None:
    """The same contract for every backend."""
    assert storage.exists(KEY) is False
    with pytest.raises(FileMissing):
        read_bytes(storage, KEY)
    source = scratch / "upload"
    source.write_bytes(PDF)
    storage.put_file(KEY, source)
    assert source.exists() is False  # moved in, not copied
    storage.put_bytes("cd/cd.pdf", b"report")
    assert storage.exists(KEY) is True
    assert read_bytes(storage, KEY) == PDF
    assert sorted(storage.keys()) == [KEY, "cd/cd.pdf"]
    storage.delete(KEY)
    assert sorted(storage.keys()) == ["cd/cd.pdf"]
    with pytest.raises(ValueError, match="not a storage key"):
        storage.put_bytes("../../etc/passwd", b"x")


def test_the_local_folder_keeps_files_by_key(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "files")
    exercise(storage, tmp_path)
    assert storage.local_path("cd/cd.pdf") == tmp_path / "files" / "cd" / "cd.pdf"


def test_a_bucket_keeps_files_by_key_under_the_area_prefix(s3: S3Server, tmp_path: Path) -> None:
    settings = Settings(
        storage="s3", s3_bucket=s3.bucket, s3_endpoint_url=s3.endpoint, s3_prefix="unit/"
    )
    storage = storage_for("evidence", settings)
    assert isinstance(storage, S3Storage)
    exercise(storage, tmp_path)
    assert storage.local_path("cd/cd.pdf") is None
    listed = s3.client().list_objects_v2(Bucket=s3.bucket, Prefix="unit/")
    assert [item["Key"] for item in listed["Contents"]] == ["unit/evidence/cd/cd.pdf"]


def test_a_missing_evidence_file_answers_410_not_500(client: TestClient, session: Session) -> None:
    tenant = fill_tenant(session, make_tenant(session, "Alpha"))
    assert tenant.evidence is not None
    storage_for("evidence").delete(tenant.evidence.storage_key)
    response = client.get(
        f"/api/v1/audits/{tenant.evidence.audit_id}/evidence/{tenant.evidence.id}",
        headers=tenant.headers(Role.admin),
    )
    assert response.status_code == 410
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == (
        f"the file of evidence {tenant.evidence.id} is missing from storage; restore it from "
        "a backup (`supplierdev check` lists every missing file)"
    )


def test_a_missing_report_file_answers_410_not_500(client: TestClient, session: Session) -> None:
    tenant = fill_tenant(session, make_tenant(session, "Alpha"))
    assert tenant.report is not None
    storage_for("reports").delete(tenant.report.storage_key)
    response = client.get(
        f"/api/v1/reports/{tenant.report.id}/pdf", headers=tenant.headers(Role.admin)
    )
    assert response.status_code == 410
    assert response.json()["detail"] == (
        f"the file of report {tenant.report.id} is missing from storage; restore it from a "
        "backup (`supplierdev check` lists every missing file)"
    )


def files_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


@pytest.mark.server
def test_two_hosts_with_their_own_disks_share_files_through_one_bucket(
    s3: S3Server, session: Session, database_url: str, tmp_path: Path
) -> None:
    tenant = make_tenant(session, "Alpha")
    engagement = make_engagement(session, tenant)
    engagement.phase = Phase.supplier_evaluation
    session.add(engagement)
    session.commit()
    participation = session.exec(select(Participation)).one()
    broker = tenant.headers(Role.broker)
    hosts = {}
    for name in ("one", "two"):
        hosts[name] = {
            **s3.settings_env(),
            "SUPPLIERDEV_UPLOAD_DIR": str(tmp_path / name / "uploads"),
            "SUPPLIERDEV_REPORTS_DIR": str(tmp_path / name / "reports"),
        }
    with (
        running_server(database_url, workers=1, env=hosts["one"]) as one,
        running_server(database_url, workers=1, env=hosts["two"]) as two,
    ):
        audit = httpx.post(
            f"{one}/api/v1/engagements/{engagement.id}/audits",
            json={
                "participation_id": str(participation.id),
                "template_id": "supplier-evaluation",
                "template_version": 1,
                "purpose": "evaluation",
            },
            headers=broker,
            timeout=120,
        )
        assert audit.status_code == 201, audit.text
        uploaded = httpx.post(
            f"{one}/api/v1/audits/{audit.json()['id']}/evidence",
            params={"question_id": "mgmt-01", "filename": "records.pdf"},
            content=PDF,
            headers={**broker, "Content-Type": "application/octet-stream"},
            timeout=120,
        )
        assert uploaded.status_code == 201, uploaded.text
        evidence = uploaded.json()
        downloaded = httpx.get(
            f"{two}/api/v1/audits/{audit.json()['id']}/evidence/{evidence['id']}",
            headers=broker,
            timeout=120,
        )
        report = httpx.post(
            f"{two}/api/v1/reports",
            json={"kind": "programme", "subject_id": str(tenant.programme.id)},
            headers=tenant.headers(Role.admin),
            timeout=300,
        )
        assert report.status_code == 201, report.text
        pdf = httpx.get(
            f"{one}/api/v1/reports/{report.json()['id']}/pdf",
            headers=tenant.headers(Role.admin),
            timeout=120,
        )
    assert downloaded.status_code == 200
    assert downloaded.content == PDF
    assert downloaded.headers["content-disposition"] == 'attachment; filename="records.pdf"'
    assert downloaded.headers["x-content-type-options"] == "nosniff"
    assert evidence["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert pdf.status_code == 200
    assert hashlib.sha256(pdf.content).hexdigest() == report.json()["sha256"]
    # Neither host kept a file on its own disk: the bucket holds both.
    assert files_under(tmp_path / "one") == []
    assert files_under(tmp_path / "two") == []
    session.rollback()
    stored = session.get(Evidence, uuid.UUID(evidence["id"]))
    assert stored is not None
    sha256 = report.json()["sha256"]
    listed = s3.client().list_objects_v2(Bucket=s3.bucket)
    keys = sorted(item["Key"] for item in listed["Contents"])
    assert [key for key in keys if not key.startswith("unit/")] == [
        f"evidence/{stored.storage_key}",
        f"reports/{sha256[:2]}/{sha256}.pdf",
    ]
