# This file is part of the satisfaction_publication module.  The COPYRIGHT
# file at the top level of this repository contains the full copyright
# notices and license terms.
"The report that renders the pages of the published results"
from trytond.cache import Cache
from trytond.modules.public_satisfaction.report import PreparedTemplateMixin
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction


class PublicationPage(PreparedTemplateMixin, Report):
    "A page of the published results"
    __name__ = 'satisfaction.publication.page'
    # HTML: the XML serializer writes empty elements as <x/>
    _serializer = 'html'
    _translatable = True
    # what the routes rendered (cache.py)
    _rendered = Cache('satisfaction_publication.rendered', context=False)

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context.update(data.get('values', {}))
        return context

    @classmethod
    def render_page(cls, values):
        """Return the HTML of the page with values, in the language of the
        context: Report.execute less what a page does not need (no records,
        no access check: the pages run as root, no file name)"""
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        ModelData = pool.get('ir.model.data')
        report = ActionReport(ModelData.get_id(
                'satisfaction_publication', 'report_publication_page'))
        data = {'values': values}
        with Transaction().set_context(Transaction().context):
            return cls.render(report, cls.get_context([], {}, data))
