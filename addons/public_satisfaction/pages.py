# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The citizen's pages, rendered by an HTML report.

Every page is ``templates/page.html`` rendered by the report
``satisfaction.survey.page`` (an ``ir.action.report`` without model nor
keyword, so it never shows in the client).  Its strings are written in
English; "Set Translations" extracts them into the ``report:`` context and
``locale/vi.po`` translates them.  The page is chosen by ``page`` and, for
errors, ``kind``: all the wording stays in the template.

Genshi escapes every ``${}``: never wrap citizen text in Markup.
"""
from dataclasses import dataclass, field

from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction

from .answers import RATINGS, field_name

LANGUAGES = ('vi', 'en')
DEFAULT_LANGUAGE = 'vi'
# The switch is written in the language it leads to, never translated
LANGUAGE_NAMES = {'vi': 'Tiếng Việt', 'en': 'English'}
UNHAPPY = 2  # a rating at or below it may be followed up


def language_of(value):
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def format_dmy(value):
    "Return the date (or datetime) as dd/mm/yyyy"
    if value is None:
        return ''
    return f'{value.day:02d}/{value.month:02d}/{value.year:04d}'


def local_dmy(datetime):
    "Return the naive UTC datetime as the local date of the agencies"
    from trytond.modules.one_stop.report import to_local
    pool = Pool()
    Dossier = pool.get('one_stop.dossier')
    return format_dmy(to_local(datetime, Dossier.timezone()))


@dataclass
class QuestionView:
    "A question as shown in the form, with the submitted value and error"
    code: str
    kind: str
    text: str
    help: str | None
    required: bool
    allow_not_applicable: bool
    choices: list = field(default_factory=list)  # [(value, label)]
    max_length: int = 1000
    value: str = ''
    error: str | None = None

    @property
    def name(self):
        return field_name(self.code)

    @property
    def first_id(self):
        "The id of the first control, the target of the error summary"
        if self.kind == 'rating':
            return f'{self.name}-{RATINGS[-1]}'
        if self.kind == 'choice' and self.choices:
            return f'{self.name}-0'
        return self.name

    def describedby(self):
        ids = []
        if self.help:
            ids.append(f'{self.name}-help')
        if self.error:
            ids.append(f'{self.name}-error')
        return ' '.join(ids) or None


def question_views(questionnaire, language, form=None, errors=None):
    """Return the QuestionView of questionnaire in language

    form is the submitted multi-dict (values kept) and errors the error
    code per question code."""
    pool = Pool()
    Questionnaire = pool.get('satisfaction.questionnaire')
    errors = errors or {}
    views = []
    with Transaction().set_context(language=language):
        questionnaire = Questionnaire(questionnaire.id)
        for question in questionnaire.ordered_questions():
            value = ''
            if form is not None:
                values = form.get(field_name(question.code)) or []
                if len(values) == 1:
                    value = values[0]
            choices = sorted(
                question.choices, key=lambda c: (c.sequence or 0, c.id))
            views.append(QuestionView(
                    code=question.code,
                    kind=question.kind,
                    text=question.text,
                    help=question.help,
                    required=bool(question.required),
                    allow_not_applicable=bool(question.allow_not_applicable),
                    choices=[(c.value, c.label) for c in choices],
                    max_length=question.max_length or 1000,
                    value=value,
                    error=errors.get(question.code)))
    return views


class SurveyPage(Report):
    "A page of the citizen's survey"
    __name__ = 'satisfaction.survey.page'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context.update(data.get('values', {}))
        return context

    @classmethod
    def render(cls, report, report_context):
        # As Report.render but with the HTML serializer: the XML one
        # writes empty elements as <x/>, which HTML does not close.
        from io import BytesIO

        import relatorio.reporting
        template = report.get_template_cached()
        if template is None:
            loader = relatorio.reporting.MIMETemplateLoader()
            klass = loader.factories[loader.get_type('text/html')]
            template = klass(BytesIO(report.report_content))
            report.set_template_cached(template)
        translate = cls._callback_loader(report, template)
        if translate:
            report_context = report_context.copy()
            report_context['gettext'] = translate.gettext
            report_context['ngettext'] = translate.ngettext
        return template.generate(**report_context).render(
            'html', encoding=None)


def render_page(page, language, **values):
    "Return the HTML of page in language"
    pool = Pool()
    Page = pool.get('satisfaction.survey.page', type='report')
    language = language_of(language)
    values.setdefault('kind', None)
    values.update(page=page, lang=language)
    with Transaction().set_context(
            language=language, with_rec_name=False):
        _, content, _, _ = Page.execute([], {'values': values})
    return content
