# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.cache import Cache
from trytond.model import ModelSingleton, ModelSQL, ModelView, Unique, fields
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
        return workdays.add_working_days(
            start, days, holidays, working,
            Configuration(1).get_weekend())

    @classmethod
    def count_working_days(cls, start, end):
        pool = Pool()
        Configuration = pool.get('one_stop.configuration')
        holidays, working = cls.calendar()
        return workdays.count_working_days(
            start, end, holidays, working,
            Configuration(1).get_weekend())

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


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __string__ = "One-stop Configuration"
    __name__ = 'one_stop.configuration'

    timezone = fields.Char(
        "Timezone", required=True,
        help="Timezone of the agencies, used to tell the local date.")
    weekend = fields.MultiSelection([
            ('0', "Monday"),
            ('1', "Tuesday"),
            ('2', "Wednesday"),
            ('3', "Thursday"),
            ('4', "Friday"),
            ('5', "Saturday"),
            ('6', "Sunday"),
            ], "Weekend Days", sort=False)

    @staticmethod
    def default_timezone():
        return 'Asia/Ho_Chi_Minh'

    @staticmethod
    def default_weekend():
        return ['5', '6']

    def get_weekend(self):
        weekend = self.weekend
        if weekend is None:
            weekend = self.default_weekend()
        return frozenset(int(d) for d in weekend)
