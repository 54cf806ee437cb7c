# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""A small province whose evaluation is published, for the tests of the
public results (tests/test_publication.py, test_accessibility_publication.py).

``publish_province(direct, prefix)`` builds it in the server's database, in
this process (survey_world.Direct), through the same calls as the counter,
the citizens and the evaluators: dossiers returned, answers submitted (as
an import of history: no interference check) or declined, scorecards
computed, appraised and published.  Two quarters of 2025:

Q1 (01/01–31/03/2025), criteria 1.1 coverage (5 points, target 50 %,
sample ≥ 1), 1.2 satisfaction (10 points, target 90 %, sample ≥ 3), 2.1
manual (80 points):

- A "Sở Tư pháp": 4 dossiers, 4 answers; overall 5, 5, 4, 5; access 5, 4,
  4, 3; procedure 5, 5, 5, 5; official 4, 2, 4, 4; result 5, 5, 5, 5;
  feedback not applicable; manual 60 points.
- B "Sở Xây dựng": 5 dossiers, 3 answers; overall 5, 2, 4; access 4, 1, 2;
  2 declined, one of them late; manual 70 points.
- C "UBND xã An Bình": 2 dossiers, 2 answers rated 5 overall only; manual
  50 points.

Q2 (01/04–30/06/2025), criteria 1.2 and 2.1 only: B 3 answers overall 4,
4, 5, manual 75; A 1 answer overall 1, manual 60.

B's statement of what it changed after Q2 is approved (STATEMENT); A's is
submitted, not approved.

Thresholds: Xuất sắc 90, Tốt 80, Khá 65, Trung bình 50, Yếu 0.
The figures worked out from this are in the tests.
"""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from test_rpc_access import unique_agency_code

Q1 = dt.date(2025, 1, 1), dt.date(2025, 3, 31)
Q2 = dt.date(2025, 4, 1), dt.date(2025, 6, 30)
IN_Q1 = dt.datetime(2025, 2, 12, 3, 0)
IN_Q2 = dt.datetime(2025, 5, 14, 3, 0)
# what B changed after Q2, approved by an evaluator: published
STATEMENT = ("Mở thêm một quầy tiếp nhận vào buổi sáng.\n"
    "Niêm yết thời hạn giải quyết tại mỗi quầy.")
# a comment naming a clerk: never published
COMMENT = "Anh Trần Văn Bình ở quầy số 2 rất nhiệt tình"
NAMES = {'a': "Sở Tư pháp", 'b': "Sở Xây dựng", 'c': "UBND xã An Bình"}
THRESHOLDS = [
    ("Xuất sắc", 90), ("Tốt", 80), ("Khá", 65), ("Trung bình", 50),
    ("Yếu", 0)]
# per agency, per quarter: [(ratings or None when declined, late)]
PLAN = {
    'Q1': {
        'a': [
            ({'overall': 5, 'access': 5, 'procedure': 5, 'official': 4,
                    'result': 5, 'feedback': 'na', 'comment': COMMENT},
                False),
            ({'overall': 5, 'access': 4, 'procedure': 5, 'official': 2,
                    'result': 5, 'feedback': 'na'}, False),
            ({'overall': 4, 'access': 4, 'procedure': 5, 'official': 4,
                    'result': 5, 'feedback': 'na'}, False),
            ({'overall': 5, 'access': 3, 'procedure': 5, 'official': 4,
                    'result': 5, 'feedback': 'na'}, False),
            ],
        'b': [
            ({'overall': 5, 'access': 4}, False),
            ({'overall': 2, 'access': 1}, False),
            ({'overall': 4, 'access': 2}, False),
            (None, False),
            (None, True),
            ],
        'c': [({'overall': 5}, False), ({'overall': 5}, False)],
        },
    'Q2': {
        'b': [({'overall': 4}, False), ({'overall': 4}, False),
            ({'overall': 5}, False)],
        'a': [({'overall': 1}, False)],
        },
    }
MANUAL = {'Q1': {'a': 60, 'b': 70, 'c': 50}, 'Q2': {'a': 60, 'b': 75}}


@dataclass
class Province:
    prefix: str
    agencies: dict  # 'a', 'b', 'c': agency code
    periods: dict  # 'Q1', 'Q2': period code
    hashes: dict  # 'Q1', 'Q2': content hash stored by the publication
    draft: str  # the code of a period that is open, not published

    def name(self, key):
        return NAMES[key]


def _returned(pool, agency, procedure, party):
    "A dossier whose result was returned, and its invitation"
    Dossier = pool.get('one_stop.dossier')
    Invitation = pool.get('satisfaction.invitation')
    dossier, = Dossier.create([{
                'applicant': party.id, 'procedure': procedure.id,
                'agency': agency.id, 'channel': 'counter'}])
    Dossier.process([dossier])
    Dossier.mark_ready([dossier])
    Dossier.return_result([dossier])
    invitation, = Invitation.search([('dossier', '=', dossier.id)])
    return dossier, invitation


def _backdate(pool, dossier, invitation, when, late):
    "Move the dossier and its invitation back to when (UTC), late or not"
    from trytond.transaction import Transaction
    Dossier = pool.get('one_stop.dossier')
    Invitation = pool.get('satisfaction.invitation')
    cursor = Transaction().connection.cursor()
    table = Dossier.__table__()
    cursor.execute(*table.update(
            [table.received_date, table.returned_date, table.timeliness],
            [when - dt.timedelta(days=3), when,
                'late' if late else 'on_time'],
            where=table.id == dossier.id))
    # through the ORM: the survey counts (counts.py) see the move
    Invitation.write([Invitation(invitation.id)], {
            'returned_date': when, 'expiry': when + dt.timedelta(days=7)})


def _answer(pool, invitation, ratings):
    from trytond.modules.public_satisfaction.answers import validate
    Response = pool.get('satisfaction.response')
    form = {f'q_{k}': [str(v)] for k, v in ratings.items()}
    result = validate(
        Response.question_specs(invitation.questionnaire), form)
    assert result.valid, result.errors
    Response.submit(invitation, result.answers)


def _period(pool, code, name, dates, survey_criteria):
    Period = pool.get('reform.period')
    Criterion = pool.get('reform.criterion')
    Classification = pool.get('reform.classification')
    period, = Period.create([{
                'name': name, 'code': code, 'kind': 'quarter',
                'start_date': dates[0], 'end_date': dates[1]}])
    Classification.create([{
                'period': period.id, 'label': label,
                'min_points': Decimal(minimum)}
            for label, minimum in THRESHOLDS])
    area, other = Criterion.create([{
                'period': period.id, 'code': '1', 'name': "Khảo sát",
                'max_points': Decimal(20)}, {
                'period': period.id, 'code': '2', 'name': "Nội dung khác",
                'max_points': Decimal(80)}])
    survey = {
        '1.1': ("Tỷ lệ tham gia khảo sát", 5, 'survey_coverage', '0.5', 1),
        '1.2': ("Tỷ lệ hài lòng", 10, 'survey_satisfaction', '0.9', 3),
        }
    Criterion.create([{
                'period': period.id, 'parent': area.id, 'code': c,
                'name': survey[c][0], 'max_points': Decimal(survey[c][1]),
                'kind': survey[c][2], 'survey_rule': 'target',
                'survey_target': Decimal(survey[c][3]),
                'survey_min_sample': survey[c][4],
                } for c in survey_criteria] + [{
                'period': period.id, 'parent': other.id, 'code': '2.1',
                'name': "Cải cách thủ tục hành chính",
                'max_points': Decimal(80)}])
    Period.open([period])
    return period


def _run(direct, func):
    """direct.run(func), started again with the tables to lock when the
    transaction asks for it (as trytond's with_transaction does): the first
    invitation creates the survey's configuration record"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction, TransactionError
    direct.run(lambda pool: None, readonly=True)  # configuration and pool
    database = direct.server.database
    extras = {}
    while True:
        with Transaction().start(database, 0, **extras) as transaction:
            try:
                result = func(Pool(database))
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)
                continue
            transaction.commit()
            return result


def publish_province(direct, prefix):
    "Build and publish the province; return its Province"
    codes = {key: unique_agency_code() for key in NAMES}
    periods = {
        'Q1': f'{prefix}-Q1-2025', 'Q2': f'{prefix}-Q2-2025'}

    def build(pool):
        Agency = pool.get('one_stop.agency')
        Procedure = pool.get('one_stop.procedure')
        Party = pool.get('party.party')
        Invitation = pool.get('satisfaction.invitation')
        Scorecard = pool.get('reform.scorecard')
        Line = pool.get('reform.scorecard.line')
        Period = pool.get('reform.period')
        agencies = dict(zip(NAMES, Agency.create([
                        {'name': NAMES[k], 'code': codes[k],
                            'kind': 'department'}
                        for k in NAMES])))
        procedure, = Procedure.create([{
                    'code': f'{prefix}.{unique_agency_code()}',
                    'name': "Cấp phiếu lý lịch tư pháp",
                    'processing_days': 3}])
        party, = Party.create([{'name': "Nguyễn Văn An"}])
        hashes = {}
        for quarter, dates, when, criteria in [
                ('Q1', Q1, IN_Q1, ['1.1', '1.2']),
                ('Q2', Q2, IN_Q2, ['1.2'])]:
            for key, dossiers in PLAN[quarter].items():
                for ratings, late in dossiers:
                    dossier, invitation = _returned(
                        pool, agencies[key], procedure, party)
                    if ratings is None:
                        Invitation.decline([invitation])
                    else:
                        _answer(pool, invitation, ratings)
                    _backdate(pool, dossier, invitation, when, late)
            period = _period(pool, periods[quarter],
                f"Đánh giá CCHC quý {quarter[1]}/2025", dates, criteria)
            scorecards = Scorecard.create([
                    {'period': period.id, 'agency': agencies[k].id}
                    for k in PLAN[quarter]])
            Scorecard.create_lines(scorecards)
            for scorecard in scorecards:
                key, = [k for k, a in agencies.items()
                    if a == scorecard.agency]
                line, = [x for x in scorecard.lines
                    if x.criterion.code == '2.1']
                points = Decimal(MANUAL[quarter][key])
                Line.write([line], {
                        'self_points': points, 'appraised_points': points})
            Scorecard.compute(scorecards)
            Scorecard.appraise(scorecards)
            Period.publish([period])
            hashes[quarter] = Period(period.id).content_hash
        # what B changed, approved; A's, submitted but not approved
        Statement = pool.get('satisfaction.publication.statement')
        q2, = Period.search([('code', '=', periods['Q2'])])
        approved, submitted = Statement.create([
                {'period': q2.id, 'agency': agencies['b'].id,
                    'text': STATEMENT},
                {'period': q2.id, 'agency': agencies['a'].id,
                    'text': "Chưa được duyệt"}])
        Statement.submit([approved, submitted])
        Statement.approve([approved])
        # an open period, not published: never shown
        _period(pool, f'{prefix}-Q3-2025', "Đánh giá CCHC quý 3/2025",
            (dt.date(2025, 7, 1), dt.date(2025, 9, 30)), ['1.2'])
        return hashes

    hashes = _run(direct, build)
    return Province(prefix, codes, periods, hashes, f'{prefix}-Q3-2025')

