# This file is part of the satisfaction_publication module.  The COPYRIGHT
# file at the top level of this repository contains the full copyright
# notices and license terms.
"""The line "Kết quả đánh giá công khai tại …" on the result receipts and
the counter posters, with the public address of the agency's results (a
setting, off by default)."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .publication import published_periods
from .routes import PATH


class Configuration(metaclass=PoolMeta):
    __name__ = 'satisfaction.configuration'

    results_on_paper = fields.Boolean(
        "Public Results on Receipts and Posters",
        help="Print on the result receipts and the counter posters the "
        "address where the agency's published evaluation results are.")

    @classmethod
    def default_results_on_paper(cls):
        return False


def results_url(agency):
    """The public address of the results of agency: its page in the latest
    published period that ranks it, else the list of the periods"""
    pool = Pool()
    Configuration = pool.get('satisfaction.configuration')
    Scorecard = pool.get('reform.scorecard')
    base = Configuration(1).get_survey_base_url()
    url = f'{base}/{Transaction().database.name}/{PATH}'
    if agency is not None:
        for period in published_periods():
            if Scorecard.search([
                        ('period', '=', period.id),
                        ('agency', '=', agency.id),
                        ], limit=1):
                return f'{url}/{period.code}/{agency.code}'
    return url


def results_notes(agency):
    Configuration = Pool().get('satisfaction.configuration')
    if not Configuration(1).results_on_paper:
        return []
    return [gettext(
            'satisfaction_publication.msg_results_on_paper',
            url=results_url(agency))]


class ResultsReceiptMixin:
    __slots__ = ()

    @classmethod
    def receipt_notes(cls, dossier):
        return super().receipt_notes(dossier) + results_notes(dossier.agency)


class ResultReceipt(ResultsReceiptMixin, metaclass=PoolMeta):
    __name__ = 'one_stop.dossier.result_receipt'


class ResultReceiptThermal(ResultsReceiptMixin, metaclass=PoolMeta):
    __name__ = 'one_stop.dossier.result_receipt_thermal'


class CounterSurveyPoster(metaclass=PoolMeta):
    __name__ = 'one_stop.counter.survey_poster'

    @classmethod
    def poster_notes(cls, counter):
        return super().poster_notes(counter) + results_notes(counter.agency)
