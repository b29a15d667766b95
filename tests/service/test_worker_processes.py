"""The worker as a process, as operators run it (`supplierdev worker`): killed with SIGKILL
mid-send it loses nothing, three at once send each message exactly once and no reminder
twice, and SIGTERM stops one cleanly."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, func, select

from service.accounts.models import Role
from service.database import write_session
from service.engagements.models import Participation
from service.notifications import outbox
from service.notifications.models import (
    Channel,
    Delivery,
    OutboxMessage,
    Topic,
    WebhookEndpoint,
)
from service.notifications.webhooks import new_secret
from service.plans.models import PlanState
from service.types import utcnow
from tests.factories import Tenant, make_engagement, make_plan, make_tenant
from tests.mailbox import Receiver, smtp_server, webhook_receiver
from tests.server import READY_LIMIT_SECONDS, kill_group, stop


@dataclass
class Running:
    """A started worker process and its log."""

    process: subprocess.Popen[bytes]
    log: Path

    def started(self) -> bool:
        return b"delivering from the outbox" in self.log.read_bytes()


@contextmanager
def worker_process(database_url: str, env: dict[str, str]) -> Iterator[Running]:
    """`supplierdev worker` in its own process group, with its log in a file."""
    log = Path(tempfile.mkstemp(prefix="supplierdev-worker-", suffix=".log")[1])
    full_env = {
        **os.environ,
        "SUPPLIERDEV_DATABASE_URL": database_url,
        "SUPPLIERDEV_MAX_CONCURRENT_REQUESTS": "4",
        "SUPPLIERDEV_WORKER_POLL_SECONDS": "0.1",
        **env,
    }
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "worker"],
            env=full_env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield Running(process, log)
    finally:
        stop(process)
        log.unlink(missing_ok=True)


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Wait (generously: a loaded machine is slow, never wrong) until the condition holds."""
    deadline = time.monotonic() + READY_LIMIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def states(engine: sa.Engine) -> dict[str, int]:
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
        ).all()
    return {Delivery(state).value: count for state, count in rows}


def mails_to(tenant: Tenant, count: int) -> list[str]:
    """Write `count` e-mails to the tenant's users straight into the outbox; their ids."""
    users = list(tenant.users.values())
    with write_session() as session:
        for number in range(count):
            outbox.enqueue(
                session,
                channel=Channel.mail,
                topic=Topic.password_reset,
                dedup_key=f"test:{number}",
                programme_id=tenant.programme.id,
                recipient_id=users[number % len(users)].id,
                payload={"args": {"minutes": 60}, "path": f"/password?token=t{number}"},
            )
        session.commit()
        rows = session.exec(select(OutboxMessage.id)).all()
    return sorted(f"<{row}@supplierdev>" for row in rows)


def test_a_worker_killed_mid_send_loses_nothing_and_each_message_keeps_its_id(
    database_url: str, engine: sa.Engine, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    expected = mails_to(tenant, 200)
    with smtp_server() as (mailbox, port):
        mailbox.hold_after = 60
        env = {
            "SUPPLIERDEV_SMTP_HOST": "127.0.0.1",
            "SUPPLIERDEV_SMTP_PORT": str(port),
            "SUPPLIERDEV_SMTP_SECURITY": "none",
            "SUPPLIERDEV_WORKER_LEASE_SECONDS": "3",
        }
        with worker_process(database_url, env) as first:
            wait_for(lambda: len(mailbox.ids()) >= 60, "the first 60 messages")
            kill_group(first.process.pid)  # SIGKILL while the 60th waits for its answer
            first.process.wait(timeout=60)
        assert first.process.returncode == -signal.SIGKILL
        assert states(engine)["pending"] >= 140
        mailbox.released.set()
        with worker_process(database_url, env):
            wait_for(lambda: states(engine) == {"sent": 200}, "every message sent")
    received = mailbox.ids()
    assert sorted(set(received)) == expected  # every one arrived, de-duplicated by its id
    assert len(received) > 200  # the 60th, sent but never marked, was sent again


def test_three_workers_send_each_message_exactly_once_and_no_reminder_twice(
    database_url: str, engine: sa.Engine, session: Session
) -> None:
    tenant = make_tenant(session, "Alpha")
    tenant.engagement = make_engagement(session, tenant)
    tenant.participation = session.exec(select(Participation)).one()
    plan, action = make_plan(session, tenant)
    plan.state = PlanState.in_progress
    action.due_on = utcnow().date() + timedelta(days=3)
    session.add(plan)
    session.add(action)
    endpoint = WebhookEndpoint(
        programme_id=tenant.programme.id,
        url="http://127.0.0.1:9/hooks",
        event_types=["plan.submitted"],
        secret=new_secret(),
        created_by=tenant.users[Role.admin].id,
    )
    session.add(endpoint)
    session.commit()
    receiver = Receiver(secret=endpoint.secret)
    with webhook_receiver(receiver) as url, smtp_server() as (mailbox, port):
        endpoint.url = url
        session.add(endpoint)
        session.commit()
        with write_session() as writer:
            for number in range(500):
                outbox.enqueue(
                    writer,
                    channel=Channel.webhook,
                    topic=Topic.plan_submitted,
                    dedup_key=f"test:{number}",
                    programme_id=tenant.programme.id,
                    endpoint_id=endpoint.id,
                    payload={"type": "plan.submitted", "data": {"number": number}},
                )
            writer.commit()
        env = {
            "SUPPLIERDEV_SMTP_HOST": "127.0.0.1",
            "SUPPLIERDEV_SMTP_PORT": str(port),
            "SUPPLIERDEV_SMTP_SECURITY": "none",
            "SUPPLIERDEV_WEBHOOKS_ALLOW_PRIVATE": "true",
        }
        with (
            worker_process(database_url, env),
            worker_process(database_url, env),
            worker_process(database_url, env),
        ):
            wait_for(lambda: len(receiver.ids()) >= 500, "500 webhooks")
            wait_for(lambda: states(engine).get("pending", 0) == 0, "an empty outbox")
    assert len(receiver.ids()) == 500
    assert len(set(receiver.ids())) == 500
    assert receiver.refused == []
    reminders = session.exec(
        select(OutboxMessage).where(OutboxMessage.topic == Topic.action_due.value)
    ).all()
    recipients = sorted(str(row.recipient_id) for row in reminders)
    owners = sorted(str(tenant.users[role].id) for role in (Role.supplier, Role.provider))
    assert recipients == owners
    mails = session.exec(select(OutboxMessage.id).where(OutboxMessage.channel == Channel.mail))
    assert sorted(mailbox.ids()) == sorted(f"<{row}@supplierdev>" for row in mails.all())


def test_sigterm_stops_a_worker_cleanly(database_url: str, engine: sa.Engine) -> None:
    with worker_process(database_url, {}) as worker:
        wait_for(worker.started, "the worker to start")
        os.killpg(worker.process.pid, signal.SIGTERM)
        worker.process.wait(timeout=READY_LIMIT_SECONDS)
        assert worker.process.returncode == 0
        assert b"worker stopped" in worker.log.read_bytes()
