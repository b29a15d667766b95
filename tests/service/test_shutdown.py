"""SIGTERM to `supplierdev serve` stops every process the service started."""

import os
import signal
import sys

import httpx
import pytest
from sqlmodel import Session

from service.accounts.models import Role
from tests.factories import make_tenant
from tests.server import describe, group_members, started_server, wait_for_empty_group


@pytest.mark.server
def test_sigterm_leaves_no_process_of_the_group_behind(session: Session, database_url: str) -> None:
    tenant = make_tenant(session, "Alpha")
    command = [sys.executable, "-m", "service.cli", "serve", "--port", "{port}", "--workers", "2"]
    with started_server(database_url, command=command) as server:
        body = {"kind": "programme", "subject_id": str(tenant.programme.id)}
        with httpx.Client(base_url=server.base, timeout=300) as http:
            # Two workers, each asked for a report until both have started render workers.
            responses = [
                http.post("/api/v1/reports", json=body, headers=tenant.headers(Role.admin))
                for _ in range(4)
            ]
        assert [response.status_code for response in responses] == [201] * 4
        group = server.process.pid
        running = group_members(group)
        # serve, its two workers, their render workers and resource trackers at least
        assert len(running) >= 5, describe(running)
        os.kill(server.process.pid, signal.SIGTERM)
        assert server.process.wait(timeout=120) == 0
        left = wait_for_empty_group(group)
        assert left == [], describe(left)
