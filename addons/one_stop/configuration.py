# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.cache import Cache
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields


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

    # read by every page and report: (timezone, weekend days)
    _calendar_cache = Cache('one_stop.configuration.calendar', context=False)

    @staticmethod
    def default_timezone():
        return 'Asia/Ho_Chi_Minh'

    @classmethod
    def get_calendar(cls):
        "Return (the timezone, the weekend days as a frozenset of weekdays)"
        result = cls._calendar_cache.get(None)
        if result is None:
            configuration = cls(1)
            result = (configuration.timezone, configuration.get_weekend())
            cls._calendar_cache.set(None, result)
        return result

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        cls._calendar_cache.clear()

    @staticmethod
    def default_weekend():
        return ['5', '6']

    def get_weekend(self):
        weekend = self.weekend
        if weekend is None:
            weekend = self.default_weekend()
        return frozenset(int(d) for d in weekend)
