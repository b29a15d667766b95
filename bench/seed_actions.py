"""A plan's actions: training and assistance first, process and quality work next, modest
investment and financing late; funding shares adding up to exactly 100; and each action's
course: started, reported on at the reviews, done, late or cancelled."""

import random
from dataclasses import dataclass
from decimal import Decimal

from bench.seed_rows import Row, changed
from bench.seed_story import Story, Track
from service.analyses.models import Severity
from service.history import EventKind
from service.plans.models import Action, ActionCategory, FundingShare, Payer
from service.types import name_key
from workflows.plan_health import ActionStatus

C, P = ActionCategory, Payer
Shares = tuple[tuple[Payer, str], ...]  # who pays which percentage, adding up to 100
BASE = (
    C.training,
    C.training,
    C.technical_assistance,
    C.technical_assistance,
    C.process_improvement,
    C.process_improvement,
    C.quality_system,
    C.quality_system,
)
EXTRA = {
    C.technical_assistance: 3,
    C.process_improvement: 3,
    C.training: 2,
    C.quality_system: 2,
    C.investment: 1,
    C.financing: 1,
}
# Days from the plan's start: when an action may start, and how long it runs.
WINDOWS = {
    C.training: ((0, 30), (20, 45)),
    C.technical_assistance: ((10, 60), (45, 100)),
    C.process_improvement: ((30, 90), (45, 90)),
    C.quality_system: ((45, 110), (45, 70)),
    C.investment: ((75, 120), (30, 60)),
    C.financing: ((60, 110), (30, 60)),
}
EARLY_INVESTMENT = ((10, 50), (30, 60))  # a warning, not a block, and rare
COSTS = {
    C.training: (20_000, 60_000), C.technical_assistance: (60_000, 200_000),
    C.process_improvement: (40_000, 120_000), C.quality_system: (30_000, 90_000),
    C.investment: (150_000, 450_000), C.financing: (100_000, 300_000),
}  # fmt: skip
SUPPLIER_FUNDING: dict[ActionCategory, tuple[Shares, ...]] = {
    C.training: (
        ((P.programme, "50"), (P.buyer, "30"), (P.firm, "20")),
        ((P.donor, "60"), (P.programme, "40")),
    ),
    C.technical_assistance: (
        ((P.donor, "50"), (P.firm, "30"), (P.buyer, "20")),
        ((P.programme, "50"), (P.buyer, "25"), (P.firm, "25")),
    ),
    C.process_improvement: (
        ((P.firm, "40"), (P.buyer, "30"), (P.programme, "30")),
        ((P.firm, "50"), (P.programme, "50")),
    ),
    C.quality_system: (
        ((P.programme, "50"), (P.firm, "50")),
        ((P.programme, "33.33"), (P.donor, "33.33"), (P.firm, "33.34")),
    ),
    C.investment: (
        ((P.loan, "70"), (P.firm, "30")),
        ((P.loan, "50"), (P.buyer, "20"), (P.firm, "30")),
    ),
    C.financing: (((P.loan, "100"),), ((P.loan, "80"), (P.firm, "20"))),
}
BUYER_FUNDING: tuple[Shares, ...] = (
    ((P.buyer, "70"), (P.programme, "30")),
    ((P.buyer, "60"), (P.donor, "40")),
    ((P.buyer, "100"),),
)
SUPPLIER_TITLES = {
    C.training: (
        "Production planning and order control workshop",
        "Basic quality control training for operators",
        "5S and visual management course",
    ),
    C.technical_assistance: (
        "Technical assistance to standardise the main process",
        "Coaching on costing and pricing",
        "Metrology: calibrating gauges",
    ),
    C.process_improvement: (
        "Weekly plant-load board and delivery dates",
        "Quick mould and tool changes (SMED)",
        "Reorder points for raw material",
    ),
    C.quality_system: (
        "Final inspection records with the buyer's criteria",
        "Lot traceability from raw material to delivery",
    ),
    C.investment: (
        "Second-hand machine for the bottleneck step",
        "Racks and pallets for the store",
    ),
    C.financing: ("Working-capital loan for raw material", "Leasing for the new machine"),
}
BUYER_TITLES = {
    C.training: ("Supplier development training for the purchasing team",),
    C.technical_assistance: ("Technical specifications agreed with each supplier",),
    C.process_improvement: (
        "Three-month purchase forecast shared every month",
        "Paying local suppliers within 30 days",
    ),
    C.quality_system: ("Goods-receipt inspection procedure with sampling plans",),
    C.investment: ("Test bench for incoming materials",),
    C.financing: ("Supplier finance programme with the bank",),
}
CANCELLED_SHARE = 0.03
DONE_EARLY_SHARE = 0.05
CANCEL_REASON = "The provider could not start in time; the action will be tendered again."


@dataclass
class Course:
    """One action of a plan and how it goes, in day offsets of the engagement's calendar."""

    row: Row
    starts: int
    due: int
    addresses_major: bool
    settled_on: int | None = None  # the day it was done or cancelled
    done: bool = False
    progress: int = 0  # where its line of progress arrives on the plan's horizon

    def report_on(self, day: int, horizon: int) -> int | None:
        """The progress a review held that day reports: none before it starts or once it is
        cancelled, 100 once done, and a straight line up to its last figure in between."""
        cancelled = self.settled_on is not None and not self.done
        if day < self.starts or (cancelled and day >= (self.settled_on or 0)):
            return None
        until = self.settled_on if self.settled_on is not None else horizon
        final = 100 if self.done else self.progress
        if day >= until:
            return final
        return final * (day - self.starts) // max(1, until - self.starts)

    def open_on(self, day: int) -> bool:
        return self.starts <= day and (self.settled_on is None or day < self.settled_on)


def add_actions(story: Story, track: Track, plan: Row, opened: int) -> tuple[list[Course], bool]:
    """Ten to fourteen actions added in the week after the plan was opened, as far as `now`
    allows; each finding is addressed by a training, assistance or process action. Returns
    the courses and whether every action was added."""
    rng = story.rows.rng
    categories = _categories(rng)
    start = story.marks.plan_start
    length = story.marks.plan_end - start
    addressing = _finding_slots(track, categories)
    courses: list[Course] = []
    for n, category in enumerate(categories):
        day = opened + 1 + 6 * n // len(categories)
        if day >= story.now:
            return courses, False
        (first, last), (shortest, longest) = _window(rng, category)
        starts = min(length - 1, rng.randint(first, last))
        due = min(length, starts + rng.randint(shortest, longest))
        findings = addressing.get(n, [])
        row = _action_row(
            story, track, plan, category, (start + starts, start + due), findings, day
        )
        majors = any(f["severity"] == Severity.major for f in findings)
        courses.append(Course(row, start + starts, start + due, majors))
    return courses, True


def _categories(rng: random.Random) -> list[ActionCategory]:
    extra = rng.choices(list(EXTRA), list(EXTRA.values()), k=rng.randint(2, 6))
    return sorted([*BASE, *extra], key=lambda c: list(WINDOWS).index(c))


def _window(rng: random.Random, category: ActionCategory) -> tuple[tuple[int, int], ...]:
    if category == C.investment and rng.random() < 0.03:
        return EARLY_INVESTMENT
    return WINDOWS[category]


def _finding_slots(track: Track, categories: list[ActionCategory]) -> dict[int, list[Row]]:
    """Which action addresses which finding: the capability and process actions in turn."""
    eligible = [
        n
        for n, c in enumerate(categories)
        if c in (C.training, C.technical_assistance, C.process_improvement)
    ]
    slots: dict[int, list[Row]] = {}
    for n, finding in enumerate(track.findings):
        slots.setdefault(eligible[n % len(eligible)], []).append(finding)
    return slots


def _action_row(
    story: Story,
    track: Track,
    plan: Row,
    category: ActionCategory,
    days: tuple[int, int],
    findings: list[Row],
    added: int,
) -> Row:
    rng = story.rows.rng
    buyer_plan = track.participation is None
    title = rng.choice((BUYER_TITLES if buyer_plan else SUPPLIER_TITLES)[category])
    low, high = COSTS[category]
    tendered = category in (C.investment, C.financing) or rng.random() < 0.1
    at = story.calendar.at(added, 11)
    row = story.rows.add(
        Action,
        programme_id=plan["programme_id"],
        plan_id=plan["id"],
        category=category,
        title=title,
        title_key=name_key(title),
        description=f"{title}, for {track.name}.",
        finding_ids=[str(finding["id"]) for finding in findings],
        owner=track.user["full_name"],
        provider_id=None if tendered else rng.choice(story.cast.providers)["id"],
        starts_on=story.calendar.day(days[0]),
        due_on=story.calendar.day(days[1]),
        estimated_cost=Decimal(rng.randint(low // 100, high // 100) * 100),
        created_at=at,
        updated_at=at,
    )
    _funding(story, track, row, BUYER_FUNDING if buyer_plan else SUPPLIER_FUNDING[category])
    story.event(
        story.broker,
        EventKind.plan,
        (added, 11),
        "add_action",
        track=track,
        reason=f"{category.value}: {title}",
    )
    changed(plan, at)
    return row


def _funding(story: Story, track: Track, action: Row, patterns: tuple[Shares, ...]) -> None:
    payers = {
        P.firm: track.organization["id"],
        P.buyer: story.buyer.organization["id"],
        P.donor: story.cast.donor["id"],
    }
    for position, (payer, percent) in enumerate(story.rows.rng.choice(patterns)):
        story.rows.add(
            FundingShare,
            action_id=action["id"],
            position=position,
            payer=payer,
            organization_id=payers.get(payer),
            percent=Decimal(percent),
        )


def plot_courses(
    rng: random.Random, courses: list[Course], horizon: int, late_share: float
) -> None:
    """Decide how each action has gone by the horizon (the last day anything happened):
    not started; done near its due date, or late, or cancelled; or under way."""
    for course in courses:
        if course.starts > horizon:
            continue
        if course.due <= horizon:
            roll = rng.random()
            if roll < CANCELLED_SHARE and not course.addresses_major:
                course.settled_on = rng.randint(course.starts, course.due)
                course.progress = rng.randint(0, 40)
            elif roll < CANCELLED_SHARE + late_share:
                course.progress = rng.randint(40, 90)
            else:
                course.done = True
                course.settled_on = max(
                    course.starts, min(horizon, course.due + rng.randint(-10, 3))
                )
        elif rng.random() < DONE_EARLY_SHARE:
            course.done, course.settled_on = True, rng.randint(course.starts, horizon)
        else:
            expected = 100 * (horizon - course.starts) // max(1, course.due - course.starts)
            course.progress = max(5, min(95, expected + rng.randint(-15, 10)))


def settle(story: Story, track: Track, course: Course) -> None:
    """The update that marked the action done with its actual cost, or cancelled it."""
    row = course.row
    if course.settled_on is None:
        return
    day = course.settled_on
    at = story.calendar.at(day, 15)
    if course.done:
        cost = (row["estimated_cost"] * Decimal(story.rows.rng.randint(90, 110)) / 100).quantize(
            Decimal(1)
        )
        detail = f"actual_cost {cost}, progress 100, status {ActionStatus.done}"
        changed(row, at, status=ActionStatus.done, progress=100, actual_cost=cost)
    else:
        detail = f"cancel_reason {CANCEL_REASON}, status {ActionStatus.cancelled}"
        changed(row, at, status=ActionStatus.cancelled, cancel_reason=CANCEL_REASON)
    story.event(
        story.broker,
        EventKind.plan,
        (day, 15),
        "update_action",
        track=track,
        reason=f"{row['title']}: {detail}",
    )
