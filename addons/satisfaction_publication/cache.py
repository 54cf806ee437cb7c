# This file is part of the satisfaction_publication module.  The COPYRIGHT
# file at the top level of this repository contains the full copyright
# notices and license terms.
"""The rendered pages and open data of the published periods, kept.

A published period never changes, so what is rendered of it is kept in a
trytond cache (in every process, per database) by (period, agency,
language, format) and the stamp of what else the pages show (stamp()).
The cache is cleared, in every process, when what the pages are made of
besides the frozen content changes: a period (one more
published: the list and the trends change), an agency (its name), a
translation or the page's report.
"""
from sql.aggregate import Count, Max

from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


def stamp():
    """What the pages depend on besides the frozen content, read from the
    database: part of the key of the cache, so that a period published,
    an agency renamed or a statement approved through another process (or
    another server) is shown at once, whatever the clearing of the cache
    reached"""
    pool = Pool()
    Period = pool.get('reform.period')
    Agency = pool.get('one_stop.agency')
    Statement = pool.get('satisfaction.publication.statement')
    cursor = Transaction().connection.cursor()
    period = Period.__table__()
    agency = Agency.__table__()
    statement = Statement.__table__()
    result = []
    for query in [
            period.select(Count(period.id), Max(period.write_date),
                Max(period.published_date),
                where=period.state == 'published'),
            agency.select(Max(agency.write_date)),
            statement.select(Max(statement.write_date))]:
        cursor.execute(*query)
        result.extend(str(v) for v in cursor.fetchone())
    return tuple(result)


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
