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
