# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin,
    Index,
    ModelSQL,
    ModelView,
    Unique,
    fields,
    sequence_ordered,
)
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval

from .pages import ClearPagesMixin

ELEMENTS = [
    ('access', "Access to the Service"),
    ('procedure', "Administrative Procedure"),
    ('official', "Civil Servant"),
    ('result', "Result"),
    ('feedback', "Handling of Feedback"),
    ('overall', "Overall"),
    ('fact', "Fact of the Dossier"),
    ('comment', "Comment"),
    ]


class Questionnaire(ClearPagesMixin, DeactivableMixin, ModelSQL, ModelView):
    __string__ = "Satisfaction Questionnaire"
    __name__ = 'satisfaction.questionnaire'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code", required=True)
    version = fields.Integer("Version", required=True)
    questions = fields.One2Many(
        'satisfaction.question', 'questionnaire', "Questions",
        states={'readonly': Eval('frozen', False)})
    frozen = fields.Function(
        fields.Boolean(
            "Frozen",
            help="A version that has answers can no longer be changed: "
            "make a new version instead."),
        'get_frozen')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_version_unique', Unique(t, t.code, t.version),
                'public_satisfaction.msg_questionnaire_version_unique'),
            ]
        cls._order = [('code', 'ASC'), ('version', 'DESC'), ('id', 'DESC')]
        cls._buttons.update({
                'new_version': {},
                })

    @classmethod
    def default_version(cls):
        return 1

    def get_rec_name(self, name):
        return f'{self.name} (v{self.version})'

    @classmethod
    def get_frozen(cls, questionnaires, name):
        pool = Pool()
        Response = pool.get('satisfaction.response')
        answered = {
            r.questionnaire.id for r in Response.search([
                    ('questionnaire', 'in', [q.id for q in questionnaires]),
                    ])}
        return {q.id: q.id in answered for q in questionnaires}

    @classmethod
    def check_not_frozen(cls, questionnaires):
        for questionnaire in questionnaires:
            if questionnaire.frozen:
                raise AccessError(gettext(
                        'public_satisfaction.msg_questionnaire_frozen',
                        questionnaire=questionnaire.rec_name))

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for questionnaires, values in zip(actions, actions):
            if set(values) - {'active', 'name'}:
                cls.check_not_frozen(questionnaires)
        super().write(*args)

    @classmethod
    def delete(cls, questionnaires):
        cls.check_not_frozen(questionnaires)
        super().delete(questionnaires)

    @classmethod
    @ModelView.button
    def new_version(cls, questionnaires):
        "Copy each questionnaire as its next version"
        for questionnaire in questionnaires:
            last, = cls.search([
                    ('code', '=', questionnaire.code),
                    ('active', 'in', [True, False]),
                    ], order=[('version', 'DESC')], limit=1)
            cls.copy([questionnaire], default={'version': last.version + 1})

    def ordered_questions(self):
        return sorted(self.questions, key=lambda q: (q.sequence or 0, q.id))


class Question(ClearPagesMixin, sequence_ordered(), ModelSQL, ModelView):
    __string__ = "Satisfaction Question"
    __name__ = 'satisfaction.question'
    _rec_name = 'text'

    questionnaire = fields.Many2One(
        'satisfaction.questionnaire', "Questionnaire", required=True,
        ondelete='CASCADE')
    code = fields.Char(
        "Code", required=True,
        help="Stable name of the question in exports, e.g. access.")
    text = fields.Text("Text", required=True, translate=True)
    help = fields.Text("Help", translate=True)
    element = fields.Selection(
        ELEMENTS, "Element", required=True, sort=False,
        help="The SIPAS element the question measures.")
    kind = fields.Selection([
            ('rating', "Rating 1 to 5"),
            ('choice', "Choice"),
            ('text', "Free Text"),
            ], "Kind", required=True)
    required = fields.Boolean("Required")
    allow_not_applicable = fields.Boolean(
        "Allow Not Applicable",
        states={'invisible': Eval('kind') != 'rating'})
    max_length = fields.Integer(
        "Maximum Length",
        states={'invisible': Eval('kind') != 'text'})
    choices = fields.One2Many(
        'satisfaction.question.choice', 'question', "Choices",
        states={'invisible': Eval('kind') != 'choice'})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('questionnaire_code_unique', Unique(t, t.questionnaire, t.code),
                'public_satisfaction.msg_question_code_unique'),
            ]

    @classmethod
    def default_kind(cls):
        return 'rating'

    @classmethod
    def default_required(cls):
        return False

    @classmethod
    def default_max_length(cls):
        return 1000

    @classmethod
    def _check_questionnaires(cls, questions):
        pool = Pool()
        Questionnaire = pool.get('satisfaction.questionnaire')
        Questionnaire.check_not_frozen(
            list({q.questionnaire for q in questions}))

    @classmethod
    def create(cls, vlist):
        questions = super().create(vlist)
        cls._check_questionnaires(questions)
        return questions

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for questions, _ in zip(actions, actions):
            cls._check_questionnaires(questions)
        super().write(*args)

    @classmethod
    def delete(cls, questions):
        cls._check_questionnaires(questions)
        super().delete(questions)


class QuestionChoice(
        ClearPagesMixin, sequence_ordered(), ModelSQL, ModelView):
    __string__ = "Satisfaction Question Choice"
    __name__ = 'satisfaction.question.choice'

    question = fields.Many2One(
        'satisfaction.question', "Question", required=True,
        ondelete='CASCADE')
    value = fields.Char("Value", required=True)
    label = fields.Char("Label", required=True, translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # the choices of the questions, read for every survey form
        cls._sql_indexes.add(Index(t, (t.question, Index.Equality())))

    @classmethod
    def _check_questionnaires(cls, choices):
        pool = Pool()
        Questionnaire = pool.get('satisfaction.questionnaire')
        Questionnaire.check_not_frozen(
            list({c.question.questionnaire for c in choices}))

    @classmethod
    def create(cls, vlist):
        choices = super().create(vlist)
        cls._check_questionnaires(choices)
        return choices

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for choices, _ in zip(actions, actions):
            cls._check_questionnaires(choices)
        super().write(*args)

    @classmethod
    def delete(cls, choices):
        cls._check_questionnaires(choices)
        super().delete(choices)
