# This file is part of the satisfaction_publication module.  The COPYRIGHT
# file at the top level of this repository contains the full copyright
# notices and license terms.
"""The rendered pages and open data of the published periods, kept.

A published period never changes, so what is rendered of it is kept in a
trytond cache (in every process, per database) by (period, agency,
language, format).  The cache is cleared, in every process, when what the
pages are made of besides the frozen content changes: a period (one more
published: the list and the trends change), an agency (its name), a
translation or the page's report.
"""
from trytond.pool import Pool, PoolMeta


def rendered():
    """The cache: (period code or '', agency code or '', language, format):
    routes.Rendered; kept by the report of the pages"""
    return Pool().get('satisfaction.publication.page', type='report')._rendered


def clear():
    rendered().clear()


class ClearMixin:
    __slots__ = ()

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        clear()


class Translation(ClearMixin, metaclass=PoolMeta):
    __name__ = 'ir.translation'


class ActionReport(ClearMixin, metaclass=PoolMeta):
    __name__ = 'ir.action.report'


class Period(ClearMixin, metaclass=PoolMeta):
    __name__ = 'reform.period'


class Agency(ClearMixin, metaclass=PoolMeta):
    __name__ = 'one_stop.agency'
