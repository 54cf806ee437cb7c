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
accepts, its questions per language, its blank form) is kept in trytond
caches, and the frequent pages are rendered once per language with slots
for what differs from one citizen to the other (SLOTS).  The caches are
cleared, in every process, when a questionnaire, a question, a choice, a
translation or the page's report changes (see clear_caches).
"""
import re
from dataclasses import dataclass, field, replace

from genshi.core import escape

from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .answers import field_name

LANGUAGES = ('vi', 'en')
DEFAULT_LANGUAGE = 'vi'
# The switch is written in the language it leads to, never translated
LANGUAGE_NAMES = {'vi': 'Tiếng Việt', 'en': 'English'}


def language_of(value):
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


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
    def anchor_id(self):
        """The id of the legend (the label of a text), the target of the
        error summary: the question's text stays on screen above its
        answers"""
        return f'{self.name}-legend'

    def describedby(self):
        ids = []
        if self.help:
            ids.append(f'{self.name}-help')
        if self.error:
            ids.append(f'{self.name}-error')
        return ' '.join(ids) or None


# --- the questionnaire, cached ---------------------------------------------

def _page():
    "The report of the pages, which keeps their caches"
    return Pool().get('satisfaction.survey.page', type='report')


def clear_caches():
    "Forget the questionnaires and pages kept (in every process)"
    _page().clear_caches()


def question_specs(questionnaire):
    """Return the answers.QuestionSpec of questionnaire (a tuple), as
    Response.question_specs"""
    pool = Pool()
    Response = pool.get('satisfaction.response')
    cache = _page()._specs_cache
    specs = cache.get(questionnaire.id)
    if specs is None:
        specs = tuple(Response.question_specs(questionnaire))
        cache.set(questionnaire.id, specs)
    return specs


def question_rows(questionnaire):
    """Return {code: (question id, kind, element)} of the questions of
    questionnaire: what storing an answer needs"""
    cache = _page()._questions_cache
    rows = cache.get(questionnaire.id)
    if rows is None:
        rows = {q.code: (q.id, q.kind, q.element)
            for q in questionnaire.questions}
        cache.set(questionnaire.id, rows)
    return rows


def question_count(questionnaire):
    "Return the number of questions of questionnaire"
    return len(question_specs(questionnaire))


def _views(questionnaire, language):
    "Return the blank QuestionView tuple of questionnaire in language"
    key = (questionnaire.id, language)
    cache = _page()._views_cache
    views = cache.get(key)
    if views is None:
        views = tuple(_load_views(questionnaire, language))
        cache.set(key, views)
    return views


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
    views = _views(questionnaire, language)
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


def render_page(page, language, questionnaire=None, **values):
    """Return the HTML of page in language

    With questionnaire (page 'form', without questions): the form of the
    questionnaire without answers nor errors.  The pages of SLOTS are
    rendered once per language and fixed values (see _render_slotted)."""
    language = language_of(language)
    values.setdefault('kind', None)
    values.update(page=page, lang=language)
    blank_form = None
    if questionnaire is not None:
        assert page == 'form' and 'questions' not in values, page
        values.update(
            questions=_views(questionnaire, language), invalid=(),
            form_error=None)
        blank_form = questionnaire.id
    if page in SLOTS:
        result = _render_slotted(SLOTS[page], blank_form, values)
        if result is not None:
            return result
    return _render(values)


def _render(values):
    with Transaction().set_context(
            language=values['lang'], with_rec_name=False):
        return _page().render_page(values)


# The values of a page that differ from one citizen to the other: the page
# is rendered once with a slot in their place, kept, and each answer is the
# kept page with the values, escaped as Genshi escapes them, in the slots.
SLOTS = {
    'invitation': (
        'agency', 'procedure', 'date', 'form_url', 'decline_url',
        'switch_url', 'poster_url'),
    'form': ('post_url', 'switch_url', 'poster_url'),
    'decline': ('form_url', 'post_url', 'switch_url', 'poster_url'),
    'thanks': ('switch_url', 'poster_url'),
    'declined': ('switch_url', 'poster_url'),
    }
_SLOT = '\ue000{}\ue000'  # private use characters: in no page, no value
_SLOT_RE = re.compile('\ue000([a-z_]+)\ue000')


def _render_slotted(slots, blank_form, values):
    """Return the page of values from the cache (rendered first if needed)
    or None when values do not allow it (a slot not a plain non-empty text,
    an unhashable value).  blank_form is the id of the questionnaire of a
    blank form, whose questions it tells."""
    texts = {name: values[name] for name in slots}
    if not all(isinstance(t, str) and t and '\ue000' not in t
            for t in texts.values()):
        return None
    ignored = {'questions', 'invalid'} if blank_form is not None else set()
    fixed = {k: v for k, v in values.items()
        if k not in texts and k not in ignored}
    cache = _page()._pages_cache
    try:
        key = (blank_form, tuple(sorted(fixed.items())))
        parts = cache.get(key)
    except TypeError:  # an unhashable value
        return None
    if parts is None:
        html = _render({**values, **{n: _SLOT.format(n) for n in slots}})
        parts = _split_slots(html)
        cache.set(key, parts)
    return ''.join(
        part if isinstance(part, str)
        else str(escape(texts[part[0]], quotes=part[1]))
        for part in parts)


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


class ClearPagesMixin:
    "Clear the questionnaires and pages kept when the records change"
    __slots__ = ()

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        clear_caches()


class Translation(ClearPagesMixin, metaclass=PoolMeta):
    "The texts of the questions and of the pages are translated"
    __name__ = 'ir.translation'


class ActionReport(ClearPagesMixin, metaclass=PoolMeta):
    "The page template is the content of a report"
    __name__ = 'ir.action.report'
