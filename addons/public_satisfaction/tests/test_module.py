# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class PublicSatisfactionTestCase(ModuleTestCase):
    "Test Public Satisfaction module"
    module = 'public_satisfaction'

    @with_transaction()
    def test_questionnaire_frozen_once_answered(self):
        "A questionnaire that has answers is frozen; new versions are copies"
        pool = Pool()
        Agency = pool.get('one_stop.agency')
        Procedure = pool.get('one_stop.procedure')
        Party = pool.get('party.party')
        Dossier = pool.get('one_stop.dossier')
        Questionnaire = pool.get('satisfaction.questionnaire')
        Question = pool.get('satisfaction.question')
        Invitation = pool.get('satisfaction.invitation')
        Response = pool.get('satisfaction.response')

        questionnaire, = Questionnaire.search([('code', '=', 'sipas-short')])
        self.assertFalse(questionnaire.frozen)
        agency, = Agency.create([{
                    'name': "Sở Tư pháp", 'code': 'H15.22'}])
        procedure, = Procedure.create([{
                    'code': '1.001', 'name': "P", 'processing_days': 1}])
        party, = Party.create([{'name': "An"}])
        dossier, = Dossier.create([{
                    'applicant': party.id, 'procedure': procedure.id,
                    'agency': agency.id}])
        Dossier.process([dossier])
        Dossier.mark_ready([dossier])
        Dossier.return_result([dossier])
        invitation, = Invitation.search([('dossier', '=', dossier.id)])
        self.assertEqual(invitation.questionnaire, questionnaire)
        specs = Response.question_specs(questionnaire)
        self.assertEqual(
            [s.code for s in specs],
            ['access', 'procedure', 'official', 'result', 'feedback',
                'overall', 'come_back', 'agencies', 'comment'])
        from trytond.modules.public_satisfaction.answers import validate
        result = validate(specs, {'q_overall': ['4']})
        self.assertTrue(result.valid)
        response = Response.submit(invitation, result.answers)
        self.assertEqual(Invitation(invitation.id).state, 'answered')
        # a rating out of 1..5 is refused, whatever the path
        Answer = pool.get('satisfaction.response.answer')
        for value in [0, 6]:
            with self.assertRaises(ValidationError):
                Answer.create([{'response': response.id,
                            'question': questionnaire.questions[0].id,
                            'value': value}])

        questionnaire = Questionnaire(questionnaire.id)
        self.assertTrue(questionnaire.frozen)
        question = questionnaire.questions[0]
        with self.assertRaises(AccessError):
            Question.write([question], {'text': "Changed"})
        with self.assertRaises(AccessError):
            Questionnaire.write([questionnaire], {'code': 'other'})
        with self.assertRaises(AccessError):
            Questionnaire.delete([questionnaire])
        self.assertEqual(Question(question.id).text, question.text)
        # nor its choices: their values are what the answers hold
        Choice = pool.get('satisfaction.question.choice')
        choice = [q for q in questionnaire.questions
            if q.choices][0].choices[0]
        with self.assertRaises(AccessError):
            Choice.write([choice], {'value': 'x', 'label': "Changed"})
        with self.assertRaises(AccessError):
            Choice.delete([choice])
        with self.assertRaises(AccessError):
            Choice.create([{'question': choice.question.id, 'value': 'new',
                        'label': "New"}])
        self.assertEqual(Choice(choice.id).value, choice.value)

        Questionnaire.new_version([questionnaire])
        versions = Questionnaire.search(
            [('code', '=', 'sipas-short')], order=[('version', 'ASC')])
        self.assertEqual([q.version for q in versions], [1, 2])
        self.assertFalse(versions[1].frozen)
        self.assertEqual(
            [q.code for q in versions[1].questions],
            [q.code for q in versions[0].questions])
        Question.write(
            [versions[1].questions[0]], {'text': "Access, reworded"})

        # Submitted answers are never changed
        with self.assertRaises(AccessError):
            Response.write(
                Response.search([]), {'comment': "edited"})


del ModuleTestCase
