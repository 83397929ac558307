"""Belgian public holidays and working-day deadlines.

The ten national public holidays, plus 8 May (Fête de l'Iris / Irisfeest), the holiday of
the Brussels-Capital Region's own bodies. Offer and quote deadlines count working days:
Monday to Friday, holidays excluded.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from app.common.time import BRUSSELS


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous Meeus/Jones/Butcher algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def belgian_holidays(year: int, regional: bool = True) -> dict[date, str]:
    """Holiday dates of ``year`` with their (English) names."""
    easter = easter_sunday(year)
    days = {
        date(year, 1, 1): "New Year's Day",
        easter + timedelta(days=1): "Easter Monday",
        date(year, 5, 1): "Labour Day",
        easter + timedelta(days=39): "Ascension Day",
        easter + timedelta(days=50): "Whit Monday",
        date(year, 7, 21): "National Day",
        date(year, 8, 15): "Assumption Day",
        date(year, 11, 1): "All Saints' Day",
        date(year, 11, 11): "Armistice Day",
        date(year, 12, 25): "Christmas Day",
    }
    if regional:
        days[date(year, 5, 8)] = "Iris Day (Brussels-Capital Region)"
    return days


def is_working_day(day: date, regional: bool = True) -> bool:
    return day.weekday() < 5 and day not in belgian_holidays(day.year, regional)


def add_working_days(start: date, days: int, regional: bool = True) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself does not count)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current, regional):
            remaining -= 1
    return current


def working_day_deadline(start: datetime, days: int, regional: bool = True) -> datetime:
    """End (23:59:59 Brussels time) of the ``days``-th working day after ``start``, in UTC."""
    local_start = start.astimezone(BRUSSELS).date()
    last_day = add_working_days(local_start, days, regional)
    return datetime.combine(last_day, time(23, 59, 59), tzinfo=BRUSSELS).astimezone(UTC)
