# This file is part of the public_satisfaction module.  The COPYRIGHT file
# at the top level of this repository contains the full copyright notices
# and license terms.
"""The workflow of an invitation: open → opened → answered or declined,
expired, revoked; each move a transition, with its date."""
import datetime as dt
import unittest

from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

from ..answers import Answer
from ..response import Submission


class InvitationWorkflowTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        activate_module('public_satisfaction')

    def returned_dossiers(self, count):
        pool = Pool()
        Agency = pool.get('one_stop.agency')
        Procedure = pool.get('one_stop.procedure')
        Party = pool.get('party.party')
        Dossier = pool.get('one_stop.dossier')
        agency, = Agency.create([{'name': "Sở Tư pháp", 'code': 'H15.22'}])
        procedure, = Procedure.create([{
                    'code': '1.001', 'name': "P", 'processing_days': 1}])
        party, = Party.create([{'name': "An"}])
        dossiers = Dossier.create([{
                    'applicant': party.id, 'procedure': procedure.id,
                    'agency': agency.id}] * count)
        Dossier.process(dossiers)
        Dossier.mark_ready(dossiers)
        Dossier.return_result(dossiers)
        return Dossier.browse([d.id for d in dossiers])

    def invitation_of(self, dossier):
        Invitation = Pool().get('satisfaction.invitation')
        invitation, = Invitation.search([
                ('dossier', '=', dossier.id), ('state', '!=', 'revoked')])
        return invitation

    @with_transaction()
    def test_citizen_moves(self):
        "Opened, answered or declined once; a second move changes nothing"
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        Response = pool.get('satisfaction.response')
        first, second, third = self.returned_dossiers(3)
        opened, answered, declined = (
            self.invitation_of(d) for d in [first, second, third])
        self.assertEqual(
            {i.state for i in [opened, answered, declined]}, {'open'})

        moment = dt.datetime(2026, 11, 2, 3, 4, 5)
        Invitation.open([opened], {opened.id: moment})
        opened = Invitation(opened.id)
        self.assertEqual(
            (opened.state, opened.opened_date), ('opened', moment))
        # opening again keeps the first opening
        Invitation.open([opened])
        self.assertEqual(Invitation(opened.id).opened_date, moment)

        Invitation.show_form([answered])
        answered = Invitation(answered.id)
        self.assertEqual(answered.state, 'opened')
        self.assertIsNotNone(answered.form_opened_date)
        response, = Response.submit_many([Submission(
                    answered, [Answer(code='overall', value=4)],
                    language='vi', date=moment)])
        answered = Invitation(answered.id)
        self.assertEqual(
            (answered.state, answered.answered_date), ('answered', moment))
        self.assertEqual(response.submitted_date, moment)
        # an import of history (no client): no signal, nothing to review
        self.assertEqual(
            (response.review_state, response.flags), ('none', ()))

        Invitation.decline([declined])
        self.assertEqual(Invitation(declined.id).state, 'declined')
        # an answered or declined invitation never moves again
        Invitation.decline([answered])
        Invitation.open([declined])
        self.assertEqual(
            [Invitation(i.id).state for i in [answered, declined]],
            ['answered', 'declined'])

    @with_transaction()
    def test_expire(self):
        "Only invitations past their expiry expire; the cron finds them"
        pool = Pool()
        Invitation = pool.get('satisfaction.invitation')
        late, valid = self.returned_dossiers(2)
        late, valid = self.invitation_of(late), self.invitation_of(valid)
        with self.assertRaises(AccessError):
            Invitation.expire([valid])
        Invitation.write([late], {
                'expiry': Invitation.now() - dt.timedelta(seconds=1)})
        # expired by its date before the cron ran
        self.assertEqual(
            (Invitation(late.id).state, Invitation(late.id).status),
            ('open', 'expired'))
        self.assertEqual(
            Invitation.search([('status', '=', 'expired')]), [late])
        Invitation.expire_overdue()
        self.assertEqual(
            [Invitation(i.id).state for i in [late, valid]],
            ['expired', 'open'])
        self.assertEqual(
            Invitation.search([('status', '=', 'expired')]), [late])

    @with_transaction()
    def test_reissue_revokes(self):
        "A new code revokes the open invitation and names its replacement"
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        Invitation = pool.get('satisfaction.invitation')
        dossier, = self.returned_dossiers(1)
        old = self.invitation_of(dossier)
        Dossier.reissue_invitation([dossier])
        new = self.invitation_of(dossier)
        old = Invitation(old.id)
        self.assertNotEqual(new, old)
        self.assertEqual(
            (old.state, old.replaced_by, new.state),
            ('revoked', new, 'open'))
        self.assertIsNotNone(old.revoked_date)
        # the revoked code can no more be opened nor answered
        Invitation.open([old])
        self.assertEqual(Invitation(old.id).state, 'revoked')
