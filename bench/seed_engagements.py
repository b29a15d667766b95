"""The engagements of one seeded programme: how many are in each phase, who brokers them,
which suppliers are their candidates, and each one's story up to the phase it is in."""

import random
from datetime import timedelta

from bench.seed_cast import Cast, Firm
from bench.seed_evaluation import Opening, evaluate_until_now, finish_evaluation, open_engagement
from bench.seed_meetings import analyse, hold_round_table
from bench.seed_plans import PLAN_MONTHS, improve
from bench.seed_rows import Calendar, Row, Rows
from bench.seed_story import Milestones, Story, Track
from service.audits.templates import template_registry
from workflows import Phase
from workflows.plan_health import add_months

CANDIDATES = 10  # suppliers listed in each engagement
SUPPLIERS_PER_CANDIDACY = 0.75  # so that some suppliers take part in two engagements
# Percent of a programme's engagements in each phase today.
PHASES = (
    (Phase.supplier_evaluation, 25),
    (Phase.round_tables, 20),
    (Phase.improvement_analysis, 20),
    (Phase.improvement_plans, 20),
    (Phase.completed, 5),
    (Phase.on_hold, 5),
    (Phase.withdrawn, 5),
)
# The phase an engagement on hold was held in, and the one a withdrawn engagement left.
HELD_IN = (Phase.round_tables, Phase.improvement_analysis)
WITHDRAWN_FROM = (Phase.supplier_evaluation, Phase.round_tables)
HOLD_REASON = "The buyer is reorganising its purchasing department; resume next quarter."
WITHDRAW_REASON = "The buyer's plant closed its local line; no purchases expected."
# Evaluation templates and how often an engagement uses each.
TEMPLATES = {("supplier-evaluation", 1): 3, ("food-supplier", 1): 1, ("packaging-supplier", 1): 1}
OLDEST_DAYS = 730  # completed engagements were opened within the last two years


def supplier_count(buyers: int) -> int:
    """Supplier firms a programme with this many buyers has."""
    return max(CANDIDATES, round(buyers * CANDIDATES * SUPPLIERS_PER_CANDIDACY))


def phase_plan(count: int) -> list[Phase]:
    """The phase of each of `count` engagements, grouped by phase, in the shares of PHASES
    (largest remainders first, so that small programmes still reach the later phases)."""
    exact = [(phase, count * weight / 100) for phase, weight in PHASES]
    counts = {phase: int(share) for phase, share in exact}
    by_remainder = sorted(exact, key=lambda pair: pair[1] - int(pair[1]), reverse=True)
    for phase, _share in by_remainder[: count - sum(counts.values())]:
        counts[phase] += 1
    return [phase for phase, _weight in PHASES for _ in range(counts[phase])]


def write_engagements(rows: Rows, cast: Cast) -> None:
    """One engagement per buyer. In each phase, three engagements in five go to the bench
    broker, the first one included; the other brokers take the rest in turn."""
    candidates = _candidates(rows.rng, cast.suppliers, len(cast.buyers))
    phases = phase_plan(len(cast.buyers))
    others = cast.brokers[1:]
    for n, (buyer, phase, firms) in enumerate(zip(cast.buyers, phases, candidates, strict=True)):
        place = n - phases.index(phase)  # this engagement's place among those of its phase
        broker = cast.bench_broker if place % 5 in (0, 2, 4) else others[place % len(others)]
        _write(
            rows,
            cast,
            (phase, place),
            Track(buyer[0], buyer[1], rows.rng.randint(1, 3)),
            broker,
            firms,
        )


def _candidates(rng: random.Random, suppliers: list[Firm], engagements: int) -> list[list[Firm]]:
    """Every supplier listed once, dealt out in turn, then each engagement filled up with
    suppliers drawn at random from the rest of the programme."""
    dealt = suppliers[:]
    rng.shuffle(dealt)
    lists: list[list[Firm]] = [[] for _ in range(engagements)]
    for n, firm in enumerate(dealt[: engagements * CANDIDATES]):
        lists[n % engagements].append(firm)
    for firms in lists:
        while len(firms) < CANDIDATES:
            firm = rng.choice(suppliers)
            if all(firm is not listed for listed in firms):
                firms.append(firm)
    return lists


def _write(
    rows: Rows, cast: Cast, phase: tuple[Phase, int], buyer: Track, broker: Row, firms: list[Firm]
) -> None:
    """The engagement's story up to its phase; on hold or withdrawn on its `now` day, which
    then lies some weeks before today."""
    rng = rows.rng
    today_phase, place = phase
    told = today_phase
    if today_phase == Phase.on_hold:
        told = HELD_IN[place % len(HELD_IN)]
    elif today_phase == Phase.withdrawn:
        told = WITHDRAWN_FROM[place % len(WITHDRAWN_FROM)]
    offsets = _offsets(rng)
    now = _now(rng, told, offsets, first=place == 0)
    pause = rng.randint(5, 90) if today_phase in (Phase.on_hold, Phase.withdrawn) else 0
    calendar = Calendar(cast.today - timedelta(days=now + pause), cast.zone)
    marks = _milestones(offsets, calendar)
    key = rng.choices(list(TEMPLATES), list(TEMPLATES.values()))[0]
    opening = Opening(buyer, broker, template_registry()[key], calendar, marks, now)
    story = open_engagement(rows, cast, opening, firms)
    _tell(story, told)
    if today_phase == Phase.on_hold:
        story.move_engagement("hold", Phase.on_hold, now, HOLD_REASON)
    elif today_phase == Phase.withdrawn:
        story.move_engagement("withdraw", Phase.withdrawn, now, WITHDRAW_REASON)


def _offsets(rng: random.Random) -> tuple[int, int, int, int]:
    """Days from the opening on which evaluation, round tables, analysis and plans begin."""
    evaluation = rng.randint(3, 7)
    round_tables = evaluation + rng.randint(40, 50)
    analysis = round_tables + rng.randint(30, 36)
    return evaluation, round_tables, analysis, analysis + rng.randint(30, 36)


def _now(rng: random.Random, phase: Phase, offsets: tuple[int, int, int, int], first: bool) -> int:
    """The offset of the day the story is told on: some days into its phase. Six calendar
    months last 181 to 184 days; plans in phase four have not yet all been decided on, and
    completed engagements were completed days or months ago. The first engagement in phase
    four (the bench broker's) is three to five months into its plans, so that every
    programme has plans under way with overdue actions."""
    evaluation, round_tables, analysis, plans = offsets
    start = plans + 21
    if phase == Phase.supplier_evaluation:
        return evaluation + rng.randint(10, 39)
    if phase == Phase.round_tables:
        return round_tables + rng.randint(3, 29)
    if phase == Phase.improvement_analysis:
        return analysis + rng.randint(2, 29)
    if phase == Phase.improvement_plans and first:
        return rng.randint(start + 100, start + 160)
    if phase == Phase.improvement_plans:
        return rng.randint(plans + 2, start + 181 + 24)
    return rng.randint(start + 184 + 26, max(start + 184 + 26, OLDEST_DAYS))


def _milestones(offsets: tuple[int, int, int, int], calendar: Calendar) -> Milestones:
    evaluation, round_tables, analysis, plans = offsets
    start = plans + 21
    end = calendar.offset(add_months(calendar.day(start), PLAN_MONTHS))
    return Milestones(evaluation, round_tables, analysis, plans, start, end)


def _tell(story: Story, phase: Phase) -> None:
    if phase == Phase.supplier_evaluation:
        evaluate_until_now(story)
        return
    finish_evaluation(story)
    hold_round_table(story)
    if phase == Phase.round_tables:
        return
    analyse(story)
    if phase == Phase.improvement_analysis:
        return
    improve(story)
