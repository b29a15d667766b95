"""Demo engagements from enrolment to selection: the engagement opened for a buyer, its
candidates listed, each evaluated by a reviewed audit, and the buyer's selection recorded."""

from datetime import date, timedelta

from sqlmodel import Session

from service.accounts.models import User
from service.audits.models import AuditPurpose
from service.audits.templates import template_registry
from service.demo.cast import ADMIN, Cast, DemoBuyer
from service.demo.clock import StoryClock
from service.demo.fieldwork import audit_firm
from service.demo.scene import Scene
from service.engagements.models import CandidateCreate, EngagementCreate
from service.engagements.service import (
    add_candidate,
    create_engagement,
    transition_engagement,
    transition_participation,
)

EVALUATION = ("supplier-evaluation", 1)
SELECTED = "cumple los requisitos básicos y quiere crecer con nosotros"
NOT_SELECTED = "su capacidad es muy pequeña para los volúmenes del próximo año"


def enrol(
    session: Session,
    clock: StoryClock,
    cast: Cast,
    story: tuple[DemoBuyer, User, bool],
    opened_on: date,
) -> Scene:
    """The buyer's engagement opened by the administrator with its broker, its candidates
    listed the same day, and the evaluation phase started the day after."""
    buyer, broker, current_suppliers = story
    admin = cast.users[ADMIN]
    clock.now_is(opened_on, 9)
    engagement = create_engagement(
        session=session,
        actor=admin,
        data=EngagementCreate(
            buyer_id=cast.organization(buyer.name),
            broker_id=broker.id,
            title=f"{buyer.name}: proveedores locales",
        ),
    )
    scene = Scene(session, clock, cast, engagement, broker)
    for name, _sector in buyer.suppliers:
        clock.now_is(opened_on, 11)
        add_candidate(
            session=session,
            actor=admin,
            engagement=engagement,
            data=CandidateCreate(
                supplier_id=cast.organization(name), is_current_supplier=current_suppliers
            ),
            version=scene.version(engagement),
        )
    move(scene, "start_evaluation", opened_on + timedelta(days=1))
    return scene


def move(scene: Scene, trigger: str, day: date, reason: str | None = None) -> None:
    """Move the engagement on by the broker, as the workflow allows."""
    scene.clock.now_is(day, 16)
    transition_engagement(
        session=scene.session,
        actor=scene.broker,
        engagement=scene.engagement,
        trigger=trigger,
        reason=reason,
        version=scene.version(scene.engagement),
    )


def evaluate(scene: Scene, reviewed_on: date) -> None:
    """An evaluation audit of every candidate, reviewed a day apart up to `reviewed_on`; each
    review makes its candidate evaluated."""
    template = template_registry()[EVALUATION]
    participations = scene.participations()
    for number, participation in enumerate(participations):
        day = reviewed_on - timedelta(days=len(participations) - 1 - number)
        firm = (participation.id, scene.name(participation))
        audit_firm(scene, firm, template, AuditPurpose.evaluation, day)


def select_candidates(
    scene: Scene, actor: User, day: date, except_names: tuple[str, ...] = ()
) -> None:
    """The selection of every evaluated candidate but those named, each with its reason."""
    for participation in scene.participations():
        chosen = scene.name(participation) not in except_names
        scene.clock.now_is(day, 14)
        transition_participation(
            session=scene.session,
            actor=actor,
            engagement=scene.engagement,
            participation=participation,
            trigger="select" if chosen else "not_select",
            reason=SELECTED if chosen else NOT_SELECTED,
            version=scene.version(participation),
        )
