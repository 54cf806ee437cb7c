# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool

from .answers import QuestionSpec
from .questionnaire import ELEMENTS


class Response(ModelSQL, ModelView):
    "The answer of one citizen to one invitation; never edited or deleted"
    __string__ = "Satisfaction Response"
    __name__ = 'satisfaction.response'

    invitation = fields.Many2One(
        'satisfaction.invitation', "Invitation", required=True,
        readonly=True, ondelete='RESTRICT')
    dossier = fields.Many2One(
        'one_stop.dossier', "Dossier", required=True, readonly=True,
        ondelete='RESTRICT')
    questionnaire = fields.Many2One(
        'satisfaction.questionnaire', "Questionnaire", required=True,
        readonly=True, ondelete='RESTRICT')
    submitted_date = fields.DateTime("Submitted", required=True, readonly=True)
    language = fields.Char("Language", readonly=True)
    comment = fields.Text("Comment", readonly=True)
    answers = fields.One2Many(
        'satisfaction.response.answer', 'response', "Answers", readonly=True)
    excluded = fields.Boolean(
        "Excluded", readonly=True,
        help="Left out of the scores by an evaluator, with a reason.")
    exclusion_reason = fields.Text("Exclusion Reason", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('invitation_unique', Unique(t, t.invitation),
                'public_satisfaction.msg_response_once'),
            ]
        cls._sql_indexes.add(Index(t, (t.dossier, Index.Equality())))
        cls._order = [('submitted_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_excluded(cls):
        return False

    def get_rec_name(self, name):
        return self.dossier.rec_name

    @classmethod
    def write(cls, *args):
        # Only an exclusion (by an evaluator, with a reason) may be recorded
        actions = iter(args)
        for _, values in zip(actions, actions):
            if set(values) - {'excluded', 'exclusion_reason'}:
                raise AccessError(gettext(
                        'public_satisfaction.msg_response_readonly'))
        super().write(*args)

    @classmethod
    def delete(cls, responses):
        if responses:
            raise AccessError(gettext(
                    'public_satisfaction.msg_response_readonly'))

    @staticmethod
    def question_specs(questionnaire):
        return [QuestionSpec(
                code=q.code, kind=q.kind, required=bool(q.required),
                allow_not_applicable=bool(q.allow_not_applicable),
                choices=tuple(c.value for c in q.choices),
                max_length=q.max_length or 1000)
            for q in questionnaire.ordered_questions()]

    @classmethod
    def submit(cls, invitation, answers, language=None):
        """Store the validated answers of invitation and close it.

        The caller holds a lock on the invitation and checked it is open.
        """
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        questions = {
            q.code: q for q in invitation.questionnaire.questions}
        now = Invitation.now()
        comment = None
        lines = []
        for answer in answers:
            question = questions[answer.code]
            if question.kind == 'text':
                if question.element == 'comment':
                    comment = answer.text
                lines.append({'question': question.id, 'text': answer.text})
            else:
                lines.append({
                        'question': question.id,
                        'value': answer.value,
                        'not_applicable': answer.not_applicable,
                        'choice': answer.choice,
                        })
        response, = cls.create([{
                    'invitation': invitation.id,
                    'dossier': invitation.dossier.id,
                    'questionnaire': invitation.questionnaire.id,
                    'submitted_date': now,
                    'language': language,
                    'comment': comment,
                    'answers': [('create', lines)],
                    }])
        Invitation.write([invitation], {
                'state': 'answered',
                'answered_date': now,
                })
        return response


class Answer(ModelSQL, ModelView):
    __string__ = "Satisfaction Answer"
    __name__ = 'satisfaction.response.answer'

    response = fields.Many2One(
        'satisfaction.response', "Response", required=True, readonly=True,
        ondelete='CASCADE')
    question = fields.Many2One(
        'satisfaction.question', "Question", required=True, readonly=True,
        ondelete='RESTRICT')
    element = fields.Function(
        fields.Selection(ELEMENTS, "Element"), 'get_element')
    value = fields.Integer(
        "Rating", readonly=True,
        domain=['OR', ('value', '=', None),
            [('value', '>=', 1), ('value', '<=', 5)]])
    not_applicable = fields.Boolean("Not Applicable", readonly=True)
    choice = fields.Char("Choice", readonly=True)
    text = fields.Text("Text", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('response')
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.response, Index.Equality())),
                # The unsatisfied dossiers of Decision 766 (bench/scorecard.py)
                Index(t, (t.question, Index.Equality()),
                    (t.value, Index.Range())),
                })

    def get_element(self, name):
        return self.question.element

    @classmethod
    def write(cls, *args):
        raise AccessError(gettext('public_satisfaction.msg_response_readonly'))

    @classmethod
    def delete(cls, answers):
        if answers:
            raise AccessError(gettext(
                    'public_satisfaction.msg_response_readonly'))
