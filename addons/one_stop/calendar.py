# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.cache import Cache
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool

from . import workdays


class Holiday(ModelSQL, ModelView):
    __string__ = "Public Holiday"
    __name__ = 'one_stop.holiday'

    date = fields.Date("Date", required=True)
    name = fields.Char("Name", required=True, translate=True)
    kind = fields.Selection([
            ('holiday', "Day Off"),
            ('working', "Make-up Working Day"),
            ], "Kind", required=True,
        help="A make-up working day is worked even on a weekend.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('date_unique', Unique(t, t.date),
                'one_stop.msg_holiday_date_unique'),
            ]
        cls._order.insert(0, ('date', 'DESC'))

    _calendar_cache = Cache('one_stop.holiday.calendar', context=False)

    @staticmethod
    def default_kind():
        return 'holiday'

    @classmethod
    def calendar(cls):
        "Return (days off, make-up working days) as sets of dates"
        result = cls._calendar_cache.get(None)
        if result is None:
            holidays, working = set(), set()
            for holiday in cls.search([]):
                if holiday.kind == 'working':
                    working.add(holiday.date)
                else:
                    holidays.add(holiday.date)
            result = (sorted(holidays), sorted(working))
            cls._calendar_cache.set(None, result)
        holidays, working = result
        return frozenset(holidays), frozenset(working)

    @classmethod
    def add_working_days(cls, start, days):
        pool = Pool()
        Configuration = pool.get('one_stop.configuration')
        holidays, working = cls.calendar()
        _, weekend = Configuration.get_calendar()
        return workdays.add_working_days(
            start, days, holidays, working, weekend)

    @classmethod
    def count_working_days(cls, start, end):
        pool = Pool()
        Configuration = pool.get('one_stop.configuration')
        holidays, working = cls.calendar()
        _, weekend = Configuration.get_calendar()
        return workdays.count_working_days(
            start, end, holidays, working, weekend)

    @classmethod
    def create(cls, vlist):
        cls._calendar_cache.clear()
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        cls._calendar_cache.clear()
        super().write(*args)

    @classmethod
    def delete(cls, holidays):
        cls._calendar_cache.clear()
        super().delete(holidays)
