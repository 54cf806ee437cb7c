"""Demo data of the reform evaluation (PAR / CCHC index).

Registered in ``one_stop_tools.demo.GENERATORS`` after
``one_stop_tools.demo_satisfaction`` for the module public_satisfaction:
its survey criteria are computed from the answers, which must exist.

One yearly period per year, from the first year of the demo data (not
before 2024, at most the three most recent years) to the current year:
"Chỉ số CCHC 2024", "Chỉ số CCHC 2025", "Chỉ số CCHC 2026" (codes
``CCHC-<year>``), each linked to the previous one.  The first gets the
criteria tree below and the default classification thresholds; the next
ones copy both from the previous period with the period's own
``copy_criteria`` button, as an evaluator would:

- 1 Công tác chỉ đạo, điều hành CCHC (32 points, entered by hand);
- 2 Cải cách thủ tục hành chính (49 points, entered by hand; 2.2 has two
  sub-criteria);
- 3 Mức độ hài lòng của người dân (19 points, computed from the survey):
  coverage (required rate 50 %, 3 points), overall satisfaction (target
  90 %, 6 points), SIPAS-style index (target 90 %, 4 points) and the
  Decision 766 dossier satisfaction ratio (target 90 %, 6 points), each
  with a minimum sample of 30 — 100 points in all.

A scorecard is made for every agency valid in the period that has dossiers
received or returned in it (a period without any dossier yet, e.g. when
the demo data end before it: every agency valid in it that has dossiers at
all), with a line per leaf criterion.  The hand-entered points are drawn
from a quality level per agency (stable over the years, from the seed and
the agency code) and the noise of ``context.random``; the appraised points
are sometimes below the self-assessed ones; criterion 2.4 (results on time)
follows the agency's real on-time rate.  The survey criteria are filled by
``Scorecard.compute`` from ``statistics.period_figures``: answers are
attributed by the invitation's snapshot, so the scorecards of the district
level in 2024 are computed from their own answers, untouched by the
reorganisation of 1 July 2025.

Past years are submitted and appraised (dated early the next year); the
first one is published (frozen, with its SHA-256).  The current year is
left in progress: some agencies submitted their self-assessment, others are
drafts partly filled.

Re-running does nothing for the periods that exist (looked up by code).
Each period is built in one transaction; its cost grows with the number of
agencies, not of dossiers (the figures are GROUP BY queries).
"""
import datetime as dt
import hashlib
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sql import Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case

from trytond.modules.one_stop.localtime import utc_bounds
from trytond.pool import Pool
from trytond.transaction import Transaction

FIRST_YEAR = 2024
YEARS = 3
STEP = Decimal('0.25')
ON_TIME_CODE = '2.4'
SURVEY_MIN_SAMPLE = 30
# an agency answers a few feedback cases a quarter, not hundreds
FEEDBACK_MIN_SAMPLE = 5
FEEDBACK_KINDS = {'feedback_on_time', 'feedback_satisfied'}
CHUNK = 4

# code, name, maximum, kind and survey rule, children
CRITERIA = [
    ('1', "Công tác chỉ đạo, điều hành cải cách hành chính", 32, None, [
        ('1.1', "Kế hoạch cải cách hành chính năm", 6, None, []),
        ('1.2', "Báo cáo định kỳ về cải cách hành chính", 4, None, []),
        ('1.3', "Kiểm tra công tác cải cách hành chính", 6, None, []),
        ('1.4', "Tuyên truyền cải cách hành chính", 5, None, []),
        ('1.5', "Sáng kiến, giải pháp đổi mới trong cải cách hành chính",
            5, None, []),
        ('1.6', "Thực hiện nhiệm vụ cải cách hành chính được giao", 6,
            None, []),
        ]),
    ('2', "Cải cách thủ tục hành chính", 44, None, [
        ('2.1', "Rà soát, đánh giá thủ tục hành chính", 6, None, []),
        ('2.2', "Công khai thủ tục hành chính", 8, None, [
            ('2.2.1', "Niêm yết thủ tục hành chính tại Bộ phận Một cửa", 4,
                None, []),
            ('2.2.2', "Công khai thủ tục hành chính trên Cổng Dịch vụ công",
                4, None, []),
            ]),
        ('2.3', "Thực hiện cơ chế một cửa, một cửa liên thông", 10, None,
            []),
        (ON_TIME_CODE, "Tỷ lệ hồ sơ giải quyết đúng hạn", 12, None, []),
        ('2.5', "Cung cấp dịch vụ công trực tuyến", 8, None, []),
        ]),
    # The 18 points of the Decision 766 satisfaction group, 6 per ratio
    # (ratio 3 is worth up to 6 points; the split of the other 12 is not
    # published: 6 and 6 here, as data), and the survey's own figures
    ('3', "Mức độ hài lòng của người dân", 24, None, [
        ('3.1', "Tỷ lệ người dân tham gia khảo sát", 2,
            ('survey_coverage', '0.5'), []),
        ('3.2', "Tỷ lệ hài lòng chung của người dân", 2,
            ('survey_satisfaction', '0.9'), []),
        ('3.3', "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)", 2,
            ('survey_sipas', '0.9'), []),
        ('3.4', "Tỷ lệ hồ sơ được đánh giá hài lòng (Quyết định 766, "
            "tỷ lệ 3)", 6, ('survey_766', '0.9'), []),
        ('3.5', "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn (Quyết định "
            "766, tỷ lệ 1)", 6, ('feedback_on_time', '0.9'), []),
        ('3.6', "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn và hài lòng "
            "(Quyết định 766, tỷ lệ 2)", 6, ('feedback_satisfied', '0.9'),
            []),
        ]),
    ]
DESCRIPTIONS = {
    '3.1': "Câu trả lời hợp lệ ÷ hồ sơ đủ điều kiện khảo sát; đủ điểm từ "
    "tỷ lệ khảo sát yêu cầu (50 %).",
    '3.2': "Tỷ lệ câu trả lời 4-5 điểm về mức độ hài lòng chung; đủ điểm "
    "từ 90 %, dưới đó tỷ lệ × điểm tối đa ÷ 90 %.",
    '3.3': "Trung bình tỷ lệ hài lòng của năm yếu tố (tiếp cận, thủ tục, "
    "công chức, kết quả, tiếp nhận phản ánh).",
    '3.4': "(Hồ sơ − hồ sơ bị đánh giá không hài lòng hoặc bị phản ánh về "
    "tiếp nhận, giải quyết, trễ hạn) ÷ tất cả hồ sơ đã trả, mọi kênh; đủ "
    "điểm từ 90 % (cách tính của một địa phương theo Quyết định "
    "766/QĐ-TTg).",
    '3.5': "Phản ánh, kiến nghị được trả lời đúng hạn ÷ phản ánh, kiến nghị "
    "thuộc thẩm quyền có hạn trả lời trong kỳ; đủ điểm từ 90 %.",
    '3.6': "(Phản ánh, kiến nghị − phản ánh bị đánh giá không hài lòng hoặc "
    "trả lời trễ hạn) ÷ phản ánh, kiến nghị; đủ điểm từ 90 %.",
    }


def _years(context, today):
    first = max(FIRST_YEAR, context.start.year, today.year - YEARS + 1)
    return list(range(first, today.year + 1))


def _criteria_values(period_id, entries):
    result = []
    for sequence, (code, name, maximum, survey, children) in enumerate(
            entries, start=1):
        values = {
            'period': period_id,
            'code': code,
            'name': name,
            'max_points': Decimal(maximum),
            'sequence': sequence * 10,
            }
        if code in DESCRIPTIONS:
            values['description'] = DESCRIPTIONS[code]
        if survey:
            kind, target = survey
            values.update({
                    'kind': kind,
                    'survey_rule': 'target',
                    'survey_target': Decimal(target),
                    'survey_min_sample': (FEEDBACK_MIN_SAMPLE
                        if kind in FEEDBACK_KINDS else SURVEY_MIN_SAMPLE),
                    })
        if children:
            values['children'] = [
                ('create', _criteria_values(period_id, children))]
        result.append(values)
    return result


def _quality(code, seed):
    "Stable quality level of an agency's reform work (0.6 to 0.95)"
    digest = hashlib.sha256(f'{seed}-reform-{code}'.encode()).digest()
    return 0.6 + 0.35 * (int.from_bytes(digest[:4], 'big') / 2 ** 32)


def _round(value, maximum):
    "value rounded to STEP and kept within 0 and maximum"
    value = (Decimal(str(max(value, 0))) / STEP).quantize(Decimal(1)) * STEP
    return min(max(value, Decimal(0)), maximum).quantize(Decimal('0.01'))


def _agencies(period, agencies):
    """The agencies to score in period: valid in it and with dossiers in it
    (or with dossiers at all, when the period has none yet)"""
    pool = Pool()
    Dossier = pool.get('one_stop.dossier')
    dossier = Dossier.__table__()
    cursor = Transaction().connection.cursor()
    low, high = utc_bounds(
        period.start_date, period.end_date, Dossier.timezone())
    returned = ((dossier.state == 'returned')
        & (dossier.returned_date >= low) & (dossier.returned_date < high))
    cursor.execute(*dossier.select(
            dossier.agency, Count(dossier.id),
            Sum(Case((returned & dossier.timeliness.in_(
                            ['early', 'on_time']), 1), else_=0)),
            Sum(Case((returned & (dossier.timeliness != Null), 1),
                    else_=0)),
            where=((dossier.received_date >= low)
                & (dossier.received_date < high)) | returned,
            group_by=[dossier.agency]))
    on_time = {}
    for agency, _, timely, finished in cursor:
        on_time[agency] = (timely or 0) / finished if finished else None
    if not on_time:
        cursor.execute(*dossier.select(
                dossier.agency, group_by=[dossier.agency]))
        on_time = {agency: None for agency, in cursor}

    def valid(agency):
        return ((not agency.start_date
                    or agency.start_date <= period.end_date)
            and (not agency.end_date
                or agency.end_date >= period.start_date))
    return [a for a in agencies if a.id in on_time and valid(a)], on_time


def _manual_points(rng, line, quality, on_time):
    "Return (appraised, self-assessed) points drawn for a manual line"
    maximum = line.criterion.max_points
    if line.criterion.code == ON_TIME_CODE and on_time is not None:
        appraised = _round(float(maximum) * on_time, maximum)
        self_points = appraised
    else:
        share = min(1.0, max(0.2, rng.gauss(quality, 0.1)))
        appraised = _round(float(maximum) * share, maximum)
        self_points = appraised
        if rng.random() < 0.4:
            # the agency rated itself more generously than the appraisal
            self_points = _round(
                float(appraised) + float(maximum) * rng.uniform(0.05, 0.25),
                maximum)
    return appraised, self_points


def _local(day, hour, timezone):
    "Naive UTC datetime of day at hour, local time, not in the future"
    local = dt.datetime.combine(day, dt.time(hour), tzinfo=ZoneInfo(timezone))
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return min(local.astimezone(dt.UTC), now).replace(tzinfo=None)


def _build_period(context, year, state):
    """Create the period of year with its scorecards; state is 'published',
    'appraised' or 'current'.  Return a summary line, or None when the
    period exists."""
    pool = Pool()
    Period = pool.get('reform.period')
    Criterion = pool.get('reform.criterion')
    Scorecard = pool.get('reform.scorecard')
    Line = pool.get('reform.scorecard.line')
    Agency = pool.get('one_stop.agency')
    rng = context.random
    code = f'CCHC-{year}'
    if Period.search([('code', '=', code)], limit=1):
        return None
    previous = Period.search([('code', '=', f'CCHC-{year - 1}')], limit=1)
    period, = Period.create([{
                'name': f"Chỉ số CCHC {year}",
                'code': code,
                'kind': 'year',
                'start_date': dt.date(year, 1, 1),
                'end_date': dt.date(year, 12, 31),
                'previous': previous[0].id if previous else None,
                }])
    if previous:
        Period.copy_criteria([period])
    else:
        Criterion.create(_criteria_values(period.id, CRITERIA))
        Period.load_default_thresholds([period])
    Period.open([period])

    with Transaction().set_context(active_test=False):
        agencies = Agency.search([], order=[('code', 'ASC')])
    agencies, on_time = _agencies(period, agencies)
    scorecards = Scorecard.create([
            {'period': period.id, 'agency': a.id} for a in agencies])
    # The host's compute, submit and appraise browse the lines of all the
    # scorecards given together: small chunks keep that linear
    chunks = [Scorecard.browse([s.id for s in scorecards[i:i + CHUNK]])
        for i in range(0, len(scorecards), CHUNK)]
    timezone = context.timezone
    submitted, drafts = [], []
    for chunk in chunks:
        Scorecard.create_lines(chunk)
        chunk = Scorecard.browse([s.id for s in chunk])
        # The survey criteria first: they need no hand
        Scorecard.compute(chunk)
        to_write = []
        for scorecard in chunk:
            agency = scorecard.agency
            quality = min(0.97, _quality(agency.code, context.seed)
                + 0.02 * (year - FIRST_YEAR))
            if state == 'current':
                roll = rng.random()
                if roll < 0.55:
                    share = 1  # self-assessment submitted
                    submitted.append(scorecard.id)
                else:
                    # in progress (part of the lines) or not started
                    share = rng.uniform(0.3, 0.8) if roll < 0.85 else 0
                    drafts.append(scorecard.id)
            else:
                share = 1
                submitted.append(scorecard.id)
            for line in scorecard.lines:
                if line.computed or line.criterion.is_computed():
                    continue
                if share < 1 and rng.random() >= share:
                    continue
                appraised, self_points = _manual_points(
                    rng, line, quality, on_time.get(agency.id))
                values = {'self_points': self_points}
                if state != 'current':
                    values['appraised_points'] = appraised
                to_write.extend(([line], values))
        if to_write:
            Line.write(*to_write)
    for i in range(0, len(submitted), CHUNK):
        chunk = Scorecard.browse(submitted[i:i + CHUNK])
        Scorecard.submit(chunk)
        if state != 'current':
            Scorecard.appraise(Scorecard.browse(submitted[i:i + CHUNK]))
    if state != 'current' and submitted:
        # Dated as it happened: self-assessments in January of the next
        # year, the appraisal in February-March
        to_write = []
        for scorecard in Scorecard.browse(submitted):
            assessed = _local(
                dt.date(year + 1, 1, 5) + dt.timedelta(
                    days=rng.randrange(20)), rng.choice([8, 9, 10, 14, 15]),
                timezone)
            appraised = _local(
                dt.date(year + 1, 2, 10) + dt.timedelta(
                    days=rng.randrange(35)), rng.choice([8, 9, 14, 15]),
                timezone)
            to_write.extend(([scorecard], {
                        'self_assessed_date': assessed,
                        'appraised_date': appraised,
                        }))
        Scorecard.write(*to_write)
    if state == 'published':
        # The evaluators reviewed the flagged answers before publishing
        Response = pool.get('satisfaction.response')
        pending = Response.pending_review(period.start_date, period.end_date)
        if pending:
            Response.review(
                pending, 'confirm', "Đã gọi điện xác minh với công dân")
        Period.publish([period])
        # The date of the publication is not part of the published content
        table = Period.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.published_date],
                [_local(dt.date(year + 1, 3, 31), 9, timezone)],
                where=table.id == period.id))
    label = {'published': "published", 'appraised': "appraised",
        'current': "in progress"}[state]
    detail = (f"{len(submitted)} self-assessed, {len(drafts)} drafts"
        if state == 'current' else f"{len(submitted)} scorecards")
    return f"{period.name} ({label}: {detail})"


def generate(context):
    started = time.monotonic()
    with context.transaction():
        # The dossiers' history was written by raw SQL (demo.py): the
        # counts of the survey figures (counts.py) are made from the
        # detail before the scorecards read them
        days = Pool().get('satisfaction.count.day').rebuild()
    context.log(f"survey counts: {days} days counted in "
        f"{time.monotonic() - started:.1f} s")
    today = dt.datetime.now(ZoneInfo(context.timezone)).date()
    years = _years(context, today)
    done = []
    for index, year in enumerate(years):
        if year == today.year:
            state = 'current'
        elif index == 0:
            state = 'published'
        else:
            state = 'appraised'
        with context.transaction():
            line = _build_period(context, year, state)
        if line:
            done.append(line)
    elapsed = time.monotonic() - started
    if done:
        context.log(f"reform evaluation: {'; '.join(done)}, "
            f"in {elapsed:.1f} s")
    else:
        context.log("reform evaluation: the periods "
            f"{', '.join(f'CCHC-{y}' for y in years)} exist (unchanged)")
