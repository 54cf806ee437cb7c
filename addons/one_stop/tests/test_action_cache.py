# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The fields of the report actions kept between transactions (ir.py): the
same as trytond's, and never stale"""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction
from trytond.transaction import Transaction

FIELDS = ['name', 'groups', 'keywords', 'active', 'usage', 'records']


def plain(value):
    "The ids of x2many fields as a list (tuples for ir.action.read)"
    return list(value) if isinstance(value, (list, tuple)) else value


class ActionCacheTestCase(unittest.TestCase):
    "The fields of ir.action of the report actions"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('one_stop')

    def report(self):
        "A new report action (those of the XML files are protected)"
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        ActionKeyword = pool.get('ir.action.keyword')
        report, = ActionReport.create([{
                    'name': "Intake Receipt",
                    'model': 'one_stop.dossier',
                    'report_name': 'one_stop.dossier.intake_receipt',
                    'report': 'one_stop/report/intake_receipt.html',
                    'template_extension': 'html',
                    'extension': 'pdf',
                    }])
        ActionKeyword.create([{
                    'keyword': 'form_print',
                    'model': 'one_stop.dossier,-1',
                    'action': report.action.id,
                    }])
        return report

    def fresh(self, report):
        "The fields as a new transaction would read them"
        ActionReport = Pool().get('ir.action.report')
        report, = ActionReport.browse([report.id])
        return ActionReport.read([report.id], FIELDS)[0]

    @with_transaction()
    def test_same_values(self):
        "Read twice (the second from the cache): what trytond gives"
        pool = Pool()
        Action = pool.get('ir.action')
        report = self.report()
        first = self.fresh(report)
        second = self.fresh(report)
        self.assertEqual(first, second)
        action, = Action.read([report.action.id], FIELDS)
        for name in FIELDS:
            self.assertEqual(plain(first[name]), plain(action[name]), msg=name)

    @with_transaction()
    def test_name_changed(self):
        "A new name, groups or no keyword is seen at once"
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        ActionKeyword = pool.get('ir.action.keyword')
        Group = pool.get('res.group')
        report = self.report()
        self.fresh(report)

        ActionReport.write([report], {'name': "Giấy tiếp nhận"})
        self.assertEqual(self.fresh(report)['name'], "Giấy tiếp nhận")

        group, = Group.create([{'name': "Counter"}])
        ActionReport.write([report], {'groups': [('add', [group.id])]})
        self.assertEqual(list(self.fresh(report)['groups']), [group.id])

        ActionKeyword.delete(report.action.keywords)
        self.assertEqual(list(self.fresh(report)['keywords']), [])

    @with_transaction()
    def test_by_language(self):
        "The name in the language of the transaction"
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        Lang = pool.get('ir.lang')
        report = self.report()
        english = self.fresh(report)['name']
        lang, = Lang.search([('code', '=', 'fr')])
        Lang.write([lang], {'translatable': True})
        with Transaction().set_context(language='fr'):
            ActionReport.write([report], {'name': "Récépissé"})
            self.assertEqual(self.fresh(report)['name'], "Récépissé")
        self.assertEqual(self.fresh(report)['name'], english)
