# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"The report that renders the citizen's pages (see pages.py)"
from trytond.cache import Cache
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction

from .report import PreparedTemplateMixin


class SurveyPage(PreparedTemplateMixin, Report):
    "A page of the citizen's survey"
    __name__ = 'satisfaction.survey.page'
    # the HTML serializer: the XML one writes empty elements as <x/>, which
    # HTML does not close
    _serializer = 'html'
    # render_page() does not read the action: its strings are translated
    _translatable = True
    # pages.py: what a questionnaire accepts and shows, the pages rendered
    # with slots; cleared when what they are made of changes
    _specs_cache = Cache('satisfaction.questionnaire.specs', context=False)
    _questions_cache = Cache(
        'satisfaction.questionnaire.questions', context=False)
    _views_cache = Cache('satisfaction.questionnaire.views', context=False)
    _pages_cache = Cache('satisfaction.survey.pages', context=False)

    @classmethod
    def clear_caches(cls):
        for cache in [cls._specs_cache, cls._questions_cache,
                cls._views_cache, cls._pages_cache]:
            cache.clear()

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context.update(data.get('values', {}))
        return context

    @classmethod
    def render_page(cls, values):
        """Return the HTML of the page with values (see render_page)

        What Report.execute does for this report, less what a page does not
        need: no search nor read of the action (its id comes from the
        cached ir.model.data), no records, no access check (the pages run
        as root), no file name."""
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        ModelData = pool.get('ir.model.data')
        report = ActionReport(
            ModelData.get_id('public_satisfaction', 'report_survey_page'))
        data = {'values': values}
        with Transaction().set_context(Transaction().context):
            return cls.render(report, cls.get_context([], {}, data))
