# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import datetime as dt
import os

import pytest
from trytond.model.exceptions import AccessError, ValidationError
from trytond.modules.one_stop.tests.scenarios import (
    run_scenario, scenario_files)
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.tests.test_tryton import (
    ModuleTestCase,
    with_transaction,
)

from trytond.modules.one_stop.dossier import local_date


class OneStopTestCase(ModuleTestCase):
    "Test One-stop module"
    module = 'one_stop'

    def _agency(self, code, **values):
        Agency = Pool().get('one_stop.agency')
        agency = Agency(name=code, code=code, **values)
        agency.save()
        return agency

    @with_transaction()
    def test_local_date(self):
        "The local date of a naive UTC datetime in Hanoi (UTC+7)"
        tz = 'Asia/Ho_Chi_Minh'
        self.assertEqual(
            local_date(dt.datetime(2025, 5, 8, 16, 59), tz),
            dt.date(2025, 5, 8))
        self.assertEqual(
            local_date(dt.datetime(2025, 5, 8, 17, 0), tz),
            dt.date(2025, 5, 9))
        self.assertIsNone(local_date(None, tz))

    @with_transaction()
    def test_holiday_calendar_cache(self):
        "A new holiday is seen at once by the working-day arithmetic"
        Holiday = Pool().get('one_stop.holiday')
        friday = dt.date(2025, 5, 9)
        self.assertEqual(
            Holiday.add_working_days(friday, 1), dt.date(2025, 5, 12))
        holiday = Holiday(date=dt.date(2025, 5, 12), name="Off")
        holiday.save()
        self.assertEqual(
            Holiday.add_working_days(friday, 1), dt.date(2025, 5, 13))
        Holiday.write([holiday], {'kind': 'working'})
        self.assertEqual(
            Holiday.add_working_days(friday, 1), dt.date(2025, 5, 12))
        saturday = Holiday(
            date=dt.date(2025, 5, 10), name="Make-up", kind='working')
        saturday.save()
        self.assertEqual(
            Holiday.add_working_days(friday, 1), dt.date(2025, 5, 10))
        self.assertEqual(
            Holiday.count_working_days(friday, dt.date(2025, 5, 12)), 2)
        Holiday.delete([saturday])
        self.assertEqual(
            Holiday.add_working_days(friday, 1), dt.date(2025, 5, 12))

    @with_transaction()
    def test_configuration_weekend(self):
        "A six-day week (only Sunday off) changes the appointment"
        pool = Pool()
        Configuration = pool.get('one_stop.configuration')
        Holiday = pool.get('one_stop.holiday')
        config = Configuration(1)
        config.weekend = ['6']
        config.save()
        self.assertEqual(
            Holiday.add_working_days(dt.date(2025, 5, 9), 3),
            dt.date(2025, 5, 13))

    @with_transaction()
    def test_supervisor_dashboard_one_record(self):
        "The dashboard is found even before anything is configured"
        pool = Pool()
        Configuration = pool.get('one_stop.configuration')
        Dashboard = pool.get('one_stop.supervisor.dashboard')
        # a singleton's search always answers its record: empty its table
        table = Configuration.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.delete())
        cursor.execute(*table.select(table.id))
        self.assertEqual(cursor.fetchall(), [])
        self.assertEqual([d.id for d in Dashboard.search([])], [1])
        # what the client asks of the new record of the form-only action
        self.assertEqual(
            set(Dashboard.default_get(['workload', 'overdue', 'due_today'])),
            {'workload', 'overdue', 'due_today'})

    @with_transaction()
    def test_agency_code_invalid(self):
        "(that nothing is saved is checked by the scenario)"
        for code in ['h15.50', 'H15', 'H15.50.05.13.01', 'H15.22.']:
            with self.subTest(code=code):
                with self.assertRaisesRegex(ValidationError, 'QCVN 102'):
                    self._agency(code)

    @with_transaction()
    def test_agency_successor_needs_end_date(self):
        Agency = Pool().get('one_stop.agency')
        new = self._agency('H15.22')
        old = Agency(name="Old", code='H15.21', successor=new)
        with self.assertRaisesRegex(ValidationError, 'last day'):
            old.save()

    @with_transaction()
    def test_agency_successor_cycle(self):
        a = self._agency('H15.01', end_date=dt.date(2025, 6, 30))
        b = self._agency('H15.02', end_date=dt.date(2025, 6, 30),
            successor=a)
        a.successor = b
        with self.assertRaisesRegex(ValidationError, 'lead back'):
            a.save()

    @with_transaction()
    def test_agency_current_successor(self):
        "Follow the successors to the agency open on the date"
        c = self._agency('H15.03')
        b = self._agency('H15.02', end_date=dt.date(2025, 12, 31),
            successor=c)
        a = self._agency('H15.01', end_date=dt.date(2025, 6, 30),
            successor=b)
        self.assertEqual(a.current_successor(dt.date(2025, 6, 30)), a)
        self.assertEqual(a.current_successor(dt.date(2025, 7, 1)), b)
        self.assertEqual(a.current_successor(dt.date(2026, 1, 1)), c)
        self.assertTrue(a.is_valid_on(dt.date(2025, 6, 30)))
        self.assertFalse(a.is_valid_on(dt.date(2025, 7, 1)))

    @with_transaction()
    def test_dossier_daily_numbers(self):
        "Numbers per agency and local day, from 0001, without gaps"
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        Procedure = pool.get('one_stop.procedure')
        Party = pool.get('party.party')
        agency = self._agency('H15.50.05.13')
        other = self._agency('H15.22')
        procedure = Procedure(code='1.001612', name="P", processing_days=0)
        procedure.save()
        party = Party(name="An")
        party.save()

        def create(agency, received):
            dossier, = Dossier.create([{
                        'applicant': party.id, 'procedure': procedure.id,
                        'agency': agency.id, 'received_date': received}])
            return dossier.code

        friday = dt.datetime(2025, 5, 9, 7, 0)
        self.assertEqual(create(agency, friday), 'H15.50.05.13-250509-0001')
        self.assertEqual(
            create(agency, dt.datetime(2025, 5, 8, 17, 0)),
            'H15.50.05.13-250509-0002')
        self.assertEqual(
            create(agency, dt.datetime(2025, 5, 8, 16, 59)),
            'H15.50.05.13-250508-0001')
        self.assertEqual(create(other, friday), 'H15.22-250509-0001')
        self.assertEqual(create(agency, friday), 'H15.50.05.13-250509-0003')

        # One call receiving several dossiers numbers them in order, per
        # agency and day, after the ones already taken
        monday = dt.datetime(2025, 5, 12, 2, 0)
        codes = [d.code for d in Dossier.create([{
                        'applicant': party.id, 'procedure': procedure.id,
                        'agency': a.id, 'received_date': r}
                    for a, r in [
                        (agency, friday), (agency, monday), (other, friday),
                        (agency, friday), (agency, monday)]])]
        self.assertEqual(codes, [
                'H15.50.05.13-250509-0004', 'H15.50.05.13-250512-0001',
                'H15.22-250509-0002', 'H15.50.05.13-250509-0005',
                'H15.50.05.13-250512-0002'])

    @with_transaction()
    def test_dossier_immediate_result(self):
        "An immediate result is due on the day of receipt"
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        Procedure = pool.get('one_stop.procedure')
        Party = pool.get('party.party')
        agency = self._agency('H15.50.05.13')
        procedure = Procedure(code='2.000001', name="Copy certification",
            immediate_result=True, processing_days=0)
        procedure.save()
        party = Party(name="An")
        party.save()
        # Saturday 10/05/2025 at 09:00 in Hanoi, online
        dossier, = Dossier.create([{
                    'applicant': party.id, 'procedure': procedure.id,
                    'agency': agency.id, 'channel': 'online',
                    'received_date': dt.datetime(2025, 5, 10, 2, 0)}])
        self.assertEqual(dossier.appointment_date, dt.date(2025, 5, 10))

    @with_transaction()
    def test_dossier_change_procedure_recomputes_appointment(self):
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        Procedure = pool.get('one_stop.procedure')
        Party = pool.get('party.party')
        agency = self._agency('H15.50.05.13')
        short = Procedure(code='1', name="Short", processing_days=1)
        long = Procedure(code='2', name="Long", processing_days=10)
        Procedure.save([short, long])
        party = Party(name="An")
        party.save()
        dossier, = Dossier.create([{
                    'applicant': party.id, 'procedure': short.id,
                    'agency': agency.id,
                    'received_date': dt.datetime(2025, 5, 9, 7, 0)}])
        self.assertEqual(dossier.appointment_date, dt.date(2025, 5, 12))
        Dossier.write([dossier], {'procedure': long.id})
        # 10 working days after Friday 09/05/2025: Friday 23/05/2025
        self.assertEqual(dossier.appointment_date, dt.date(2025, 5, 23))
        code = dossier.code
        with self.assertRaisesRegex(AccessError, 'set by the system'):
            Dossier.write([dossier], {'code': 'H15.22-250509-0001'})
        self.assertEqual(dossier.code, code)


SCENARIOS = scenario_files(__file__)


@pytest.mark.parametrize(
    'scenario', SCENARIOS, ids=[os.path.basename(s) for s in SCENARIOS])
def test_scenario(scenario):
    "Run the proteus scenario under pytest too"
    run_scenario(scenario)


del ModuleTestCase
