"""Working days, counted on the calendar the administrator keeps (Holiday): Monday to Friday
unless a 法定节假日 falls on it, and a weekend day when it is worked in exchange (调休上班)."""

from datetime import timedelta

from assessments.models import Holiday

# No arrangement runs longer than this without a working day (the Spring Festival week and
# its weekends); a count that finds none this far is a calendar error, not a long holiday.
LONGEST_BREAK = 31


def is_working_day(day, arrangement):
    """`arrangement`: {date: is_workday} of the days the calendar sets apart."""
    if day in arrangement:
        return arrangement[day]
    return day.weekday() < 5


def working_period(start, count, arrangement):
    """(first, last): the first working day on or after `start` and the `count`-th working
    day counted from it, both included."""
    if count < 1:
        raise ValueError("count")
    day, found, first, idle = start, 0, None, 0
    while True:
        if is_working_day(day, arrangement):
            first = first or day
            found += 1
            idle = 0
            if found == count:
                return first, day
        else:
            idle += 1
            if idle > LONGEST_BREAK:
                raise ValueError("calendar")
        day += timedelta(days=1)


def arrangement_between(start, end):
    return dict(
        Holiday.objects.filter(day__gte=start, day__lte=end).values_list("day", "is_workday")
    )


def working_period_from(start, count):
    """The period of `count` working days from `start`, on the calendar as it is kept."""
    # Generous bounds: every week holds at least one working day outside the longest break.
    return working_period(
        start, count, arrangement_between(start, start + timedelta(days=count * 7 + LONGEST_BREAK))
    )
