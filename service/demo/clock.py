"""The demo's clock: story days counted from today, and the instants the story says things
happened at, kept beside the real instants the use cases wrote them at."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from service.types import utcnow


@dataclass
class StoryClock:
    """Today in the programme's time zone, and a mark for every step of the story: from the
    real instant of a mark on, the rows written belong to the story instant it names."""

    today: date
    zone: ZoneInfo
    marks: list[tuple[datetime, datetime]] = field(default_factory=list)
    _steps: dict[datetime, int] = field(default_factory=dict)  # steps begun at each instant

    def day(self, days_ago: int) -> date:
        """The day that many days before today."""
        return self.today - timedelta(days=days_ago)

    def at(self, day: date, hour: int = 10) -> datetime:
        """An instant of that day in the programme's time zone."""
        return datetime.combine(day, time(hour), self.zone).astimezone(UTC)

    def now_is(self, day: date, hour: int = 10) -> None:
        """What the use cases write from now on happened on that day and hour; steps told for
        the same hour follow each other ten seconds apart, so they keep their order."""
        base = self.at(day, hour)
        steps = self._steps[base] = self._steps.get(base, -1) + 1
        self.marks.append((utcnow(), base + timedelta(seconds=10 * steps)))

    def story_instant(self, real: datetime) -> datetime:
        """Where a real instant written during the story falls in the story."""
        mark = next(((r, s) for r, s in reversed(self.marks) if r <= real), None)
        if mark is None:
            return real
        return mark[1] + (real - mark[0])

    @property
    def started(self) -> datetime:
        """The real instant of the first mark."""
        return self.marks[0][0]


def clock_for(today: date, timezone: str) -> StoryClock:
    """A clock for a programme in that time zone, its today given."""
    return StoryClock(today=today, zone=ZoneInfo(timezone))
