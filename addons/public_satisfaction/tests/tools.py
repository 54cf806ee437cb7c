# This file is part of the public_satisfaction module.  The COPYRIGHT file
# at the top level of this repository contains the full copyright notices
# and license terms.
"Helpers of the tests that build a small province of answered surveys"
import datetime as dt

from trytond.pool import Pool
from trytond.transaction import Transaction

from ..answers import validate


class SurveyWorldMixin:

    def world(self):
        pool = Pool()
        Agency = pool.get('one_stop.agency')
        Procedure = pool.get('one_stop.procedure')
        Party = pool.get('party.party')
        a, b = Agency.create([
                {'name': "A", 'code': 'H15.71'},
                {'name': "B", 'code': 'H15.72'}])
        procedure, = Procedure.create([{
                    'code': 'S.1', 'name': "P", 'processing_days': 2}])
        party, = Party.create([{'name': "Dân"}])
        return a, b, procedure, party

    def returned(self, agency, procedure, party, returned_date,
            late=False, channel='counter'):
        "A dossier returned on returned_date (UTC) with its invitation"
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        Invitation = pool.get('satisfaction.invitation')
        dossier, = Dossier.create([{
                    'applicant': party.id, 'procedure': procedure.id,
                    'agency': agency.id, 'channel': channel,
                    'received_date': returned_date - dt.timedelta(days=3)}])
        Dossier.process([dossier])
        Dossier.mark_ready([dossier])
        Dossier.return_result([dossier])
        # History: the result was returned on returned_date
        table = Dossier.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.returned_date, table.timeliness],
                [returned_date, 'late' if late else 'on_time'],
                where=table.id == dossier.id))
        # moved by raw SQL: its unit is marked for the counts (counts.py)
        pool.get('satisfaction.count.dirty').mark(
            [(agency.id, returned_date)])
        invitations = Invitation.search([('dossier', '=', dossier.id)])
        for invitation in invitations:
            Invitation.write([invitation], {
                    'returned_date': returned_date,
                    'expiry': returned_date + dt.timedelta(days=7),
                    })
        return Dossier(dossier.id), (invitations[0] if invitations else None)

    def answer(self, invitation, overall, **ratings):
        pool = Pool()
        Response = pool.get('satisfaction.response')
        form = {f'q_{k}': [str(v)] for k, v in ratings.items()}
        form['q_overall'] = [str(overall)]
        result = validate(
            Response.question_specs(invitation.questionnaire), form)
        self.assertTrue(result.valid, result.errors)
        return Response.submit(invitation, result.answers)

    def pakn(self, dossier, kind='lateness', reject=False):
        """A feedback (PAKN) about dossier, of the subject kind (its code);
        with reject, not accepted"""
        pool = Pool()
        Feedback = pool.get('one_stop.feedback')
        Kind = pool.get('one_stop.feedback.kind')
        kind, = Kind.search([('code', '=', kind)])
        feedback, = Feedback.create([{
                    'channel': 'hotline', 'agency': dossier.agency.id,
                    'dossier': dossier.id, 'kind': kind.id,
                    'content': "Hồ sơ trễ hẹn",
                    'reason': "Không thuộc phạm vi" if reject else None}])
        if reject:
            Feedback.reject([feedback])
        return feedback

    def province(self, when):
        """Agencies A, B and C with results returned at when: A 4 answers
        rated 5, 5, 4, 5; B 3 answers rated 5, 2, 4 of 5 dossiers (the 2
        others declined, one of them late, with a feedback about its
        lateness); C 2 answers rated 5"""
        pool = Pool()
        Agency = pool.get('one_stop.agency')
        Invitation = pool.get('satisfaction.invitation')
        a, b, procedure, party = self.world()
        c, = Agency.create([{'name': "C", 'code': 'H15.73'}])
        plan = {
            # agency: [(overall or None if declined, late)]
            a: [(5, False), (5, False), (4, False), (5, False)],
            b: [(5, False), (2, False), (4, False), (None, False),
                (None, True)],
            c: [(5, False), (5, False)],
            }
        for agency, dossiers in plan.items():
            for overall, late in dossiers:
                _, invitation = self.returned(
                    agency, procedure, party, when, late=late)
                if late:
                    # Decision 766 counts a dossier late when a feedback
                    # about its lateness says so
                    self.pakn(invitation.dossier)
                if overall is not None:
                    self.answer(invitation, overall)
                else:
                    Invitation.decline([invitation])
        return a, b, c
