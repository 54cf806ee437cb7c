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

Nothing that can be done once is done per request (docs/performance.md):
the template is prepared once per process, the questionnaire (what it
accepts, its questions per language, its blank form) is cached per content,
and the frequent pages are rendered once per language with slots for what
differs from one citizen to the other (SLOTS).
"""
import re
from dataclasses import dataclass, field, replace

from genshi.core import escape

from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction

from .answers import RATINGS, field_name
from .report import PreparedTemplateMixin

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


# --- the questionnaire, cached per version --------------------------------
#
# What a questionnaire shows and accepts is kept in the memory of each
# worker process, keyed by the content it is made from: one query reads the
# questions and choices (and, for the texts, one more their translations)
# and the cached value is used only while that content is the same.  Any
# change (a question or choice edited, added or deleted, a translation
# changed, a new version) gives another key; nothing has to be told to
# every process.  Per process, at most _CACHE_SIZE entries.

_CACHE_SIZE = 64
_specs_cache = {}
_views_cache = {}
TRANSLATED = {
    'satisfaction.question': ('text', 'help'),
    'satisfaction.question.choice': ('label',),
    }


def _store(cache, key, value):
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[key] = value
    return value


def _content(questionnaire_id):
    "The rows of the questions and choices of the questionnaire (a tuple)"
    pool = Pool()
    Question = pool.get('satisfaction.question')
    Choice = pool.get('satisfaction.question.choice')
    question = Question.__table__()
    choice = Choice.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*question.join(choice, 'LEFT',
            condition=choice.question == question.id
            ).select(
            question.id, question.sequence, question.code, question.kind,
            question.element, question.required,
            question.allow_not_applicable, question.max_length,
            question.text, question.help, question.create_date,
            question.write_date,
            choice.id, choice.sequence, choice.value, choice.label,
            choice.create_date, choice.write_date,
            where=question.questionnaire == questionnaire_id,
            order_by=[question.id.asc, choice.id.asc]))
    return tuple(tuple(r) for r in cursor)


def _translations(content):
    "The rows of the translations of the texts of content (a tuple)"
    pool = Pool()
    Translation = pool.get('ir.translation')
    translation = Translation.__table__()
    ids = {
        'satisfaction.question': sorted({r[0] for r in content}),
        'satisfaction.question.choice': sorted(
            {r[12] for r in content if r[12] is not None}),
        }
    where = None
    for model, names in TRANSLATED.items():
        if not ids[model]:
            continue
        clause = (translation.name.in_([f'{model},{n}' for n in names])
            & translation.res_id.in_(ids[model]))
        where = clause if where is None else where | clause
    if where is None:
        return ()
    cursor = Transaction().connection.cursor()
    cursor.execute(*translation.select(
            translation.id, translation.name, translation.res_id,
            translation.lang, translation.value, translation.fuzzy,
            translation.create_date, translation.write_date,
            where=(translation.type == 'model') & where,
            order_by=[translation.id.asc]))
    return tuple(tuple(r) for r in cursor)


def question_specs(questionnaire):
    """Return the answers.QuestionSpec of questionnaire (a tuple), as
    Response.question_specs, cached per content"""
    pool = Pool()
    Response = pool.get('satisfaction.response')
    content = _content(questionnaire.id)
    key = (Transaction().database.name, questionnaire.id)
    cached = _specs_cache.get(key)
    if cached is not None and cached[0] == content:
        return cached[1]
    specs = tuple(Response.question_specs(questionnaire))
    return _store(_specs_cache, key, (content, specs))[1]


def question_count(questionnaire):
    "Return the number of questions of questionnaire"
    return len({r[0] for r in _content(questionnaire.id)})


def _views(questionnaire, language):
    "Return (the version key, the blank QuestionView tuple) in language"
    content = _content(questionnaire.id)
    version = (content, _translations(content))
    key = (Transaction().database.name, questionnaire.id, language)
    cached = _views_cache.get(key)
    if cached is not None and cached[0] == version:
        return version, cached[1]
    views = tuple(_load_views(questionnaire, language))
    _store(_views_cache, key, (version, views))
    return version, views


def _load_views(questionnaire, language):
    pool = Pool()
    Questionnaire = pool.get('satisfaction.questionnaire')
    with Transaction().set_context(language=language):
        questionnaire = Questionnaire(questionnaire.id)
        for question in questionnaire.ordered_questions():
            choices = sorted(
                question.choices, key=lambda c: (c.sequence or 0, c.id))
            yield QuestionView(
                code=question.code,
                kind=question.kind,
                text=question.text,
                help=question.help,
                required=bool(question.required),
                allow_not_applicable=bool(question.allow_not_applicable),
                choices=[(c.value, c.label) for c in choices],
                max_length=question.max_length or 1000)


def question_views(questionnaire, language, form=None, errors=None):
    """Return the QuestionView of questionnaire in language

    form is the submitted multi-dict (values kept) and errors the error
    code per question code.  The views without values nor errors are
    shared: never change them."""
    errors = errors or {}
    _, views = _views(questionnaire, language)
    if form is None and not errors:
        return list(views)
    result = []
    for view in views:
        value = ''
        if form is not None:
            values = form.get(field_name(view.code)) or []
            if len(values) == 1:
                value = values[0]
        result.append(replace(
                view, value=value, error=errors.get(view.code)))
    return result


class SurveyPage(PreparedTemplateMixin, Report):
    "A page of the citizen's survey"
    __name__ = 'satisfaction.survey.page'
    # the HTML serializer: the XML one writes empty elements as <x/>, which
    # HTML does not close
    _serializer = 'html'
    # render_page() does not read the action: its strings are translated
    _translatable = True

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


def render_page(page, language, questionnaire=None, **values):
    """Return the HTML of page in language

    With questionnaire (page 'form', without questions): the form of the
    questionnaire without answers nor errors.  The pages of SLOTS are
    rendered once per language and fixed values (see _render_slotted)."""
    language = language_of(language)
    values.setdefault('kind', None)
    values.update(page=page, lang=language)
    version = None
    if questionnaire is not None:
        assert page == 'form' and 'questions' not in values, page
        version, views = _views(questionnaire, language)
        values.update(questions=views, invalid=(), form_error=None)
        version = (questionnaire.id, version)
    if page in SLOTS:
        result = _render_slotted(SLOTS[page], version, values)
        if result is not None:
            return result
    return _render(values)


def _render(values):
    pool = Pool()
    Page = pool.get('satisfaction.survey.page', type='report')
    with Transaction().set_context(
            language=values['lang'], with_rec_name=False):
        return Page.render_page(values)


# The values of a page that differ from one citizen to the other: the page
# is rendered once with a slot in their place, kept, and each answer is the
# kept page with the values, escaped as Genshi escapes them, in the slots.
SLOTS = {
    'invitation': (
        'agency', 'procedure', 'date', 'form_url', 'post_url', 'switch_url',
        'poster_url'),
    'form': ('post_url', 'switch_url', 'poster_url'),
    'thanks': ('switch_url', 'poster_url'),
    'declined': ('switch_url', 'poster_url'),
    }
_SLOT = '\ue000{}\ue000'  # private use characters: in no page, no value
_SLOT_RE = re.compile('\ue000([a-z_]+)\ue000')
_pages_cache = {}


def _render_slotted(slots, version, values):
    """Return the page of values from the cache (rendered first if needed)
    or None when values do not allow it (a slot not a plain non-empty text,
    an unhashable value)"""
    texts = {name: values[name] for name in slots}
    if not all(isinstance(t, str) and t and '\ue000' not in t
            for t in texts.values()):
        return None
    # the questions of a blank form are known by the version
    ignored = {'questions', 'invalid'} if version is not None else set()
    fixed = {k: v for k, v in values.items()
        if k not in texts and k not in ignored}
    try:
        key = (Transaction().database.name, version,
            tuple(sorted(fixed.items())))
        cached = _pages_cache.get(key)
    except TypeError:  # an unhashable value
        return None
    if (cached is None
            or any(a is not b for a, b in zip(
                    cached[0], _made_of(values['lang'])))):
        html = _render({**values, **{n: _SLOT.format(n) for n in slots}})
        cached = _store(_pages_cache, key,
            (_made_of(values['lang']), _split_slots(html)))
    parts = cached[1]
    return ''.join(
        part if isinstance(part, str)
        else str(escape(texts[part[0]], quotes=part[1]))
        for part in parts)


def _made_of(language):
    """What a page is made of besides its values, as trytond keeps them in
    memory: the prepared template and the translations of the report.  A
    cached page is used only while they are the same objects: changing the
    action or a translation clears trytond's caches, in every process."""
    pool = Pool()
    ActionReport = pool.get('ir.action.report')
    ModelData = pool.get('ir.model.data')
    Translation = pool.get('ir.translation')
    report_id = ModelData.get_id('public_satisfaction', 'report_survey_page')
    return (
        ActionReport._template_cache.get(report_id),
        Translation._translation_report_cache.get(
            (SurveyPage.__name__, language)))


def _split_slots(html):
    """Split html into texts and (slot name, in an attribute) tuples.

    Genshi escapes the quotes of the values of attributes and not those of
    texts; a slot is in an attribute when the last '<' or '>' before it is
    a '<' (neither can be in a value or a text: they are escaped)."""
    parts = []
    position = 0
    for match in _SLOT_RE.finditer(html):
        before = html[position:match.start()]
        parts.append(before)
        head = html[:match.start()]
        in_attribute = head.rfind('<') > head.rfind('>')
        parts.append((match.group(1), in_attribute))
        position = match.end()
    parts.append(html[position:])
    return tuple(parts)
