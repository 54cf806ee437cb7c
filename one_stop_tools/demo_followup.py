"""Demo data of the closed loop (module public_satisfaction): the handling
of the follow-ups that the unhappy answers of the history opened.

Registered in ``one_stop_tools.demo.GENERATORS`` after
``demo_satisfaction`` (whose ``Response.submit_many`` opened a follow-up,
a feedback of the register with channel "survey", for every answer rated 2
or less overall): every step dated in the past through the modules' API,
with the register's fixed clock (the context's ``_feedback_now``).

- about 7 in 10 answered on time, 1 in 8 late, the others still in hand
  (received or processing; overdue when older than their deadline);
- half of the answered ones re-rated by the citizen at the survey link a
  few days after the reply (mostly better than the first rating), some
  closed a week after the reply;
- two appeals by the agency's leader (of the Centre when it has follow-ups):
  one accepted by the evaluator (the answer excluded with the reason), one
  refused.

The first follow-ups get one plan each of FORCED, so that a small demo
shows every state.

Re-running handles the follow-ups still "received" (those of the new
answers, and those an earlier run left untouched); one transaction per
batch of ``context.batch`` follow-ups.
"""
import datetime as dt
from zoneinfo import ZoneInfo

from trytond.modules.one_stop.localtime import to_utc, utcnow
from trytond.pool import Pool
from trytond.transaction import Transaction

from one_stop_tools.demo_satisfaction import _retrying

CLOCK_KEY = '_feedback_now'
REPLIES = [
    "Cơ quan đã bố trí thêm cán bộ hướng dẫn tại quầy vào giờ cao điểm.",
    "Cơ quan xin lỗi Ông/Bà về sự chậm trễ; hồ sơ từ nay được nhắn tin "
    "báo trước ngày hẹn trả.",
    "Cơ quan đã nhắc nhở công chức tiếp nhận và kiểm tra lại quy trình "
    "hướng dẫn thành phần hồ sơ.",
    "Danh mục phí, lệ phí đã được niêm yết lại tại quầy và trên Cổng "
    "Dịch vụ công.",
    "Cơ quan đã gọi điện trao đổi với Ông/Bà và giải thích lý do phải bổ "
    "sung hồ sơ.",
    ]
# the re-ratings: mostly better after a reply
RERATINGS = [(5, 30), (4, 35), (3, 15), (2, 12), (1, 8)]
APPEAL_REASONS = [
    "Câu trả lời gửi từ mạng của quầy vài giây sau khi in phiếu: đề nghị "
    "xem xét.",
    "Người dân nhầm cơ quan: hồ sơ được trả đúng hẹn và không có phản ánh "
    "nào khác.",
    ]


def _weighted(rng, table):
    values, weights = zip(*table)
    return rng.choices(values, weights)[0]


def _at(day, timezone, rng):
    "A moment of office hours of the local day, as naive UTC"
    local = dt.datetime.combine(
        day, dt.time(rng.randint(8, 16), rng.randint(0, 59)))
    return to_utc(local, timezone)


# The plans of the first follow-ups, so that even a small demo shows every
# state; the others are drawn (PLANS with their weights)
FORCED = ['rerated', 'received', 'late_closed', 'processing', 'late',
    'closed']
PLANS = [('received', 8), ('processing', 6), ('late', 9), ('late_closed', 4),
    ('rerated', 30), ('closed', 12), ('answered', 31)]


def _handle(pool, feedback, plan, rng, now, timezone, counts):
    Feedback = pool.get('one_stop.feedback')
    received_day = feedback.local_day(feedback.received_date)
    deadline = feedback.deadline_date
    processing = _at(received_day + dt.timedelta(days=1), timezone, rng)
    if plan == 'received' or processing > now:
        counts['received'] += 1
        return
    with Transaction().set_context({CLOCK_KEY: processing}):
        Feedback.process([feedback])
    if plan == 'processing':
        counts['processing'] += 1
        return
    if plan in {'late', 'late_closed'}:
        answer_day = deadline + dt.timedelta(days=rng.randint(1, 6))
    else:
        span = max((deadline - received_day).days, 2)
        answer_day = received_day + dt.timedelta(days=rng.randint(2, span))
    answered = _at(answer_day, timezone, rng)
    if answered > now:
        counts['processing'] += 1
        return
    with Transaction().set_context({CLOCK_KEY: answered}):
        Feedback.write([feedback], {'answer_text': rng.choice(REPLIES)})
        Feedback.answer([feedback])
    counts['answered'] += 1
    counts['late'] += plan in {'late', 'late_closed'}
    if plan == 'rerated':
        rerated = answered + dt.timedelta(
            days=rng.randint(0, 6), hours=rng.randint(1, 5))
        if rerated < now:
            _rerate(pool, feedback, rng, rerated)
            counts['rerated'] += 1
    closed = answered + dt.timedelta(days=7)
    if plan in {'closed', 'late_closed'} and closed < now:
        with Transaction().set_context({CLOCK_KEY: closed}):
            Feedback.close([feedback])
        counts['closed'] += 1


def _rerate(pool, feedback, rng, date):
    from trytond.modules.public_satisfaction.followup_web import (
        first_rating)
    Feedback = pool.get('one_stop.feedback')
    response = feedback.origin
    with Transaction().set_context({CLOCK_KEY: date}):
        Feedback.rerate(
            feedback, response, _weighted(rng, RERATINGS),
            first=first_rating(pool, response))


def _appeals(pool, context):
    "Two appeals of an agency's leader: one accepted, one refused"
    Feedback = pool.get('one_stop.feedback')
    try:
        Appeal = pool.get('satisfaction.response.appeal')
    except KeyError:
        return 0
    from one_stop_tools import demo_data as data
    feedbacks = Feedback.search([
            ('channel', '=', 'survey'),
            ('origin', 'like', 'satisfaction.response,%'),
            ], order=[('received_date', 'DESC'), ('id', 'DESC')])
    appealed = {a.response.id for a in Appeal.search([])}
    candidates = sorted((f for f in feedbacks
            if f.origin.id not in appealed and not f.origin.excluded),
        key=lambda f: f.agency.code != data.CENTRE)
    if len(candidates) < 2 or appealed:
        return 0
    for feedback, reason, accept in zip(
            candidates[:2], APPEAL_REASONS, [True, False]):
        appeal, = Appeal.request([feedback], reason)
        if accept:
            Appeal.decide([appeal], 'accepted',
                "Xác nhận: câu trả lời gửi từ mạng nội bộ của quầy.")
        else:
            Appeal.decide([appeal], 'refused',
                "Không đủ căn cứ: câu trả lời gửi từ thiết bị của người "
                "dân, thời gian trả lời bình thường.")
    return 2


def generate(context):
    timezone = context.timezone
    ZoneInfo(timezone)  # fails early on a wrong name
    rng = context.random
    now = utcnow()
    counts = dict.fromkeys([
            'received', 'processing', 'answered', 'late', 'rerated',
            'closed', 'appeals'], 0)
    last = handled = 0
    while True:
        with context.transaction():
            pool = Pool()
            Feedback = pool.get('one_stop.feedback')
            batch = Feedback.search([
                    ('channel', '=', 'survey'),
                    ('origin', 'like', 'satisfaction.response,%'),
                    ('state', '=', 'received'),
                    ('id', '>', last),
                    ], order=[('id', 'ASC')], limit=context.batch)
            for feedback in batch:
                plan = (FORCED[handled] if handled < len(FORCED)
                    else _weighted(rng, PLANS))
                _handle(pool, feedback, plan, rng, now, timezone, counts)
                handled += 1
            if batch:
                last = batch[-1].id
        if len(batch) < context.batch:
            break
    # the appeals lock the answers: in a transaction started again with
    # the locks it asks for
    counts['appeals'] = _retrying(context, lambda: _appeals(Pool(), context))
    context.log(
        "closed loop: follow-ups of unhappy answers: "
        f"{counts['answered']} answered ({counts['late']} late, "
        f"{counts['closed']} closed, {counts['rerated']} re-rated), "
        f"{counts['processing']} in hand, {counts['received']} not yet "
        f"handled; {counts['appeals']} appeals")
