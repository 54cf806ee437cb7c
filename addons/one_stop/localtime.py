# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Local time of the agencies and the legal date format, free of any
database access.

The database stores naive UTC datetimes (as trytond does); the agencies
live in one timezone (``one_stop.configuration``, Asia/Ho_Chi_Minh by
default) and every date shown or printed is dd/mm/yyyy.  Every module
converts and formats through these functions.
"""
import datetime as dt
from zoneinfo import ZoneInfo


def utcnow():
    "The current naive UTC datetime, to the second, as the ORM stores it"
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def to_local(datetime, timezone):
    "Return the aware local datetime in timezone of a naive UTC datetime"
    if datetime is None:
        return None
    if datetime.tzinfo is None:
        datetime = datetime.replace(tzinfo=dt.UTC)
    return datetime.astimezone(ZoneInfo(timezone))


def to_local_naive(datetime, timezone):
    "Return the naive local datetime in timezone of a naive UTC datetime"
    local = to_local(datetime, timezone)
    return local.replace(tzinfo=None) if local is not None else None


def local_date(datetime, timezone):
    "Return the date in timezone of a naive UTC datetime"
    local = to_local(datetime, timezone)
    return local.date() if local is not None else None


def to_utc(local, timezone):
    "Return the naive UTC datetime of a naive local datetime in timezone"
    if local is None:
        return None
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(timezone))
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def utc_bounds(start, end, timezone):
    """Return the naive UTC datetimes of local midnight of start and of
    end + 1 day: the half-open range of the local days start..end"""
    def midnight(day):
        return to_utc(dt.datetime.combine(day, dt.time()), timezone)
    return midnight(start), midnight(end + dt.timedelta(days=1))


def format_dmy(value):
    "Return the date (or datetime) as dd/mm/yyyy, the legal form, or ''"
    if value is None:
        return ''
    return f'{value.day:02d}/{value.month:02d}/{value.year:04d}'


def format_dmy_hm(value):
    "Return the datetime as dd/mm/yyyy hh:mm, or ''"
    if value is None:
        return ''
    return f'{format_dmy(value)} {value.hour:02d}:{value.minute:02d}'
