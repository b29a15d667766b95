"""The demo programme told as a story: four buyers' engagements driven through the same use
cases (and so the same guards) a user's requests go through, each at its own point of the
method, with dates counted back from today; then the one back-dating step."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from service.accounts.bootstrap import create_superuser
from service.accounts.models import User
from service.database import WRITE_OPTION, get_engine, write_session
from service.demo.backdate import backdate
from service.demo.cast import (
    BROKER,
    BUYER,
    BUYERS,
    DEMO_PROGRAMME,
    SECOND_BROKER,
    SUPERUSER,
    TIMEZONE,
    Cast,
    DemoBuyer,
    create_cast,
)
from service.demo.clock import StoryClock, clock_for
from service.demo.closing import close_plan, decide_and_complete
from service.demo.enrolment import enrol, evaluate, move, select_candidates
from service.demo.meetings import approve_analyses, hold_round_table
from service.demo.plan_specs import CAFE, CALZADO, DemoFirm
from service.demo.plans import carry_out, contacts
from service.demo.scene import Scene
from service.plans.models import Plan
from service.programmes.calendar import ends_on
from service.programmes.models import Programme

UNDER_WAY_FOR_DAYS = 120  # Calzado's plans: four months into six
CLOSED_FOR_DAYS = 225  # Café's plans: six months that ended weeks ago
Chapter = Callable[[Session, StoryClock, Cast, tuple[DemoBuyer, User, bool]], None]


def load_demo(today: date | None = None) -> bool:
    """Create the demo programme unless it exists; True when it was created now. `today` is
    the day the story is told up to: today in the programme's time zone by default, and never
    later, since the use cases check the dates they are given against the real today."""
    with write_session() as session:
        exists = session.exec(select(Programme.id).where(Programme.name == DEMO_PROGRAMME))
        if exists.first() is not None:
            return False
        superuser = session.exec(select(User.id).where(User.email == SUPERUSER[1])).first()
    if superuser is None:
        create_superuser(email=SUPERUSER[1], full_name="Platform operator", password=SUPERUSER[2])
    clock = clock_for(today or datetime.now(ZoneInfo(TIMEZONE)).date(), TIMEZONE)
    with _one_transaction() as session:
        clock.now_is(clock.day(400), 9)
        cast = create_cast(session)
        brokers = [cast.users[BROKER], cast.users[SECOND_BROKER[0]]]
        for number, buyer in enumerate(BUYERS):
            story = (buyer, brokers[number % 2], number % 2 == 0)
            CHAPTERS[buyer.name](session, clock, cast, story)
        backdate(session, clock)
    return True


@contextmanager
def _one_transaction() -> Iterator[Session]:
    """A write session whose use cases' commits are savepoints of one transaction, committed
    at the end: the demo loads whole or not at all (and PostgreSQL syncs its log once)."""
    engine = get_engine().execution_options(**{WRITE_OPTION: True})
    with (
        engine.connect() as connection,
        connection.begin(),
        Session(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        ) as session,
    ):
        yield session


def supplier_evaluation(
    session: Session, clock: StoryClock, cast: Cast, story: tuple[DemoBuyer, User, bool]
) -> None:
    """Destilería: opened three weeks ago, its candidates evaluated, and the buyer's own
    selection recorded: ready to convene round tables."""
    scene = enrol(session, clock, cast, story, clock.day(21))
    evaluate(scene, clock.day(8))
    select_candidates(scene, cast.users[BUYER], clock.day(3))


def round_tables(
    session: Session, clock: StoryClock, cast: Cast, story: tuple[DemoBuyer, User, bool]
) -> None:
    """Lácteos: a round table held ten days ago, with targets agreed with every supplier."""
    scene = enrol(session, clock, cast, story, clock.day(75))
    evaluate(scene, clock.day(55))
    select_candidates(scene, scene.broker, clock.day(45))
    hold_round_table(scene, clock.day(10))


def _to_plans(scene: Scene, start: date, not_selected: tuple[str, ...] = ()) -> None:
    """Evaluation, selection, a round table with targets and approved analyses, weeks apart,
    then the engagement moved to improvement plans three weeks before the plans start."""
    evaluate(scene, start - timedelta(days=100))
    select_candidates(scene, scene.broker, start - timedelta(days=95), not_selected)
    hold_round_table(scene, start - timedelta(days=65))
    approve_analyses(scene, start - timedelta(days=35), start - timedelta(days=25))
    move(scene, "start_plans", start - timedelta(days=21))


def plans_in_progress(
    session: Session, clock: StoryClock, cast: Cast, story: tuple[DemoBuyer, User, bool]
) -> None:
    """Calzado: plans four months into six for both selected suppliers and the buyer: on
    track, at risk and off track."""
    start = clock.day(UNDER_WAY_FOR_DAYS)
    scene = enrol(session, clock, cast, story, start - timedelta(days=112))
    _to_plans(scene, start, not_selected=("Calzados Artesanales de Masaya",))
    _plans(scene, CALZADO, start)


def completed(
    session: Session, clock: StoryClock, cast: Cast, story: tuple[DemoBuyer, User, bool]
) -> None:
    """Café: plans that ran six months and closed on reviewed final audits and final KPIs, a
    partner and a conditional partner, and the engagement completed."""
    start = clock.day(CLOSED_FOR_DAYS)
    scene = enrol(session, clock, cast, story, start - timedelta(days=112))
    _to_plans(scene, start)
    plans = _plans(scene, CAFE, start)
    end = ends_on(plans[0][0])
    for plan, firm in plans:
        close_plan(scene, plan, firm, end)
    decide_and_complete(scene, scene.cast.users[CAFE[-1].contact[1]], end)


def _plans(scene: Scene, firms: tuple[DemoFirm, ...], start: date) -> list[tuple[Plan, DemoFirm]]:
    people = contacts(scene, firms, start)
    return [(carry_out(scene, firm, start, people), firm) for firm in firms]


CHAPTERS: dict[str, Chapter] = {
    "Calzado Centroamericano S.A.": plans_in_progress,
    "Destilería Ron Caribe": supplier_evaluation,
    "Lácteos Helados del Valle": round_tables,
    "Café y Cereales de Matagalpa": completed,
}
