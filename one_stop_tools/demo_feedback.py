"""Demo data of the feedback register (module one_stop_feedback).

Registered in ``one_stop_tools.demo.GENERATORS``: ``generate(context)`` runs
after the host generator when one_stop_feedback is activated (see
``one_stop_tools.demo`` for ``context``).  About one feedback (phản ánh,
kiến nghị — PAKN) for every 20 dossiers added by the run (at least 40, at
most 600), received between --start and --end on working days in office
hours, every step dated in the past through the module's own API: the
transitions run with the server's fixed clock (the context's
``_feedback_now``), so that codes, deadlines, transfers and timeliness are
the module's.

- Six in ten are about a dossier of the run, mostly a late one (subject
  "Late Results") or one that waited for a supplement; the others are about
  the reception, the staff's attitude, fees...  of an agency that received
  dossiers;
- every channel: at the counter, hotline, portal, letter, survey (the
  survey's follow-ups without their origin: the link is the survey
  plugin's);
- about one in eight is transferred to the competent agency, on time but
  one (later than the 5 working days);
- answers mostly on time, about one in seven late; a few not accepted or
  withdrawn; some still open, a few of them overdue (escalated to the
  leaders: the reminder and escalation crons are run at the end, as the
  server would in the morning);
- about half of the answers rated by the petitioner (mostly 4-5, some 1-2);
  answered cases are closed some days later (their contact phone erased).

Unless ``--no-users``: the logins ``xuly`` (PAKN handler of Sở Tư pháp) and
``lanhdao`` (Agency Leader of the provincial People's Committee, who sees
every agency below it), and one handler without password per other agency
in charge of feedback (``pakn.<code>``), who receives and answers its cases.

Re-running adds feedback for the dossiers of the new run only; one
transaction per batch of ``context.batch`` feedback.
"""
import datetime as dt
import time
from zoneinfo import ZoneInfo

from trytond.modules.one_stop.localtime import to_utc
from trytond.pool import Pool
from trytond.transaction import Transaction

from one_stop_tools import demo_data as data
from one_stop_tools.demo import Calendar, office_time, vietnamese_name

PER_DOSSIERS = 20
# the share of the cases received in the last weeks, still in hand
RECENT = 0.15
# cases transferred whatever their draw: at least a late and an on-time one
FORCED_TRANSFERS = {1, 2, 3}
# the agencies that receive most feedback not about a dossier (weight 1 for
# the others): Sở Tư pháp, whose handler is a demo login, and the
# provincial Public Administration Centre
BUSY = {'H15.03': 8, data.CENTRE: 5}
MINIMUM, MAXIMUM = 40, 600
CLOCK_KEY = '_feedback_now'
HANDLER = ('xuly', "Võ Thị Kim Liên", 'H15.03',
    "Xử lý phản ánh, kiến nghị (PAKN Handler) - Sở Tư pháp")
LEADER = ('lanhdao', "Nguyễn Hoài Nam", data.ROOT,
    "Lãnh đạo (Agency Leader) - UBND tỉnh và các cơ quan trực thuộc")

CHANNELS = (('counter', 'hotline', 'portal', 'letter', 'survey'),
    (0.25, 0.25, 0.25, 0.12, 0.13))
KINDS = (('reception', 'handling', 'staff_attitude', 'fees', 'other'),
    (0.25, 0.25, 0.2, 0.15, 0.15))
RATINGS = (('5', '4', '3', '2', '1'), (0.3, 0.35, 0.15, 0.12, 0.08))
CONTENTS = {
    'lateness': [
        "Hồ sơ {dossier} hẹn trả ngày {appointment} nhưng đến nay chưa có "
        "kết quả, cũng không được thông báo lý do.",
        "Tôi đã đến nhận kết quả hồ sơ {dossier} hai lần mà vẫn chưa có; "
        "đề nghị cơ quan cho biết thời gian trả.",
        "Hồ sơ {dossier} bị trễ hẹn, không có văn bản xin lỗi theo quy "
        "định.",
        ],
    'reception': [
        "Cán bộ tiếp nhận yêu cầu nộp thêm giấy tờ không có trong thành "
        "phần hồ sơ đã niêm yết (hồ sơ {dossier}).",
        "Quầy tiếp nhận đông, phải chờ hơn hai giờ mới được tiếp nhận hồ "
        "sơ.",
        "Bộ phận một cửa không hướng dẫn đầy đủ, tôi phải đi lại nhiều "
        "lần để bổ sung hồ sơ {dossier}.",
        ],
    'handling': [
        "Đề nghị xem xét lại việc yêu cầu bổ sung hồ sơ {dossier} nhiều "
        "lần, mỗi lần một nội dung khác nhau.",
        "Kết quả giải quyết hồ sơ {dossier} có sai sót về họ tên, đề nghị "
        "điều chỉnh.",
        "Kiến nghị đơn giản hóa thủ tục, giảm bớt giấy tờ phải nộp.",
        ],
    'staff_attitude': [
        "Cán bộ tại quầy có thái độ thiếu tôn trọng khi người dân hỏi "
        "thông tin.",
        "Công chức nói chuyện riêng trong giờ làm việc, để người dân chờ.",
        ],
    'fees': [
        "Tôi bị thu lệ phí cao hơn mức niêm yết.",
        "Đề nghị cho thanh toán phí, lệ phí qua chuyển khoản.",
        ],
    'other': [
        "Đề nghị bố trí thêm chỗ ngồi chờ và nước uống tại Bộ phận một "
        "cửa.",
        "Kiến nghị kéo dài giờ tiếp nhận hồ sơ vào sáng thứ Bảy.",
        "Cổng dịch vụ công thường xuyên bị lỗi khi nộp hồ sơ trực tuyến.",
        ],
    }
ANSWERS = [
    "Cơ quan đã kiểm tra, xác minh nội dung phản ánh. Kết quả đã được trả "
    "cho ông/bà; cơ quan xin lỗi về sự chậm trễ và đã chấn chỉnh bộ phận "
    "liên quan.",
    "Nội dung kiến nghị đã được tiếp thu; cơ quan sẽ điều chỉnh quy trình "
    "tiếp nhận từ tháng tới.",
    "Qua kiểm tra, cán bộ tiếp nhận đã thực hiện đúng quy định; cơ quan đã "
    "giải thích cho ông/bà qua điện thoại.",
    "Cơ quan đã nhắc nhở công chức liên quan và công khai kết quả xử lý "
    "trên Cổng dịch vụ công.",
    ]
TRANSFER_REASONS = [
    "Nội dung thuộc thẩm quyền giải quyết của cơ quan khác.",
    "Hồ sơ do cơ quan khác giải quyết; chuyển để trả lời theo thẩm quyền.",
    ]
REJECT_REASONS = [
    "Nội dung là khiếu nại, được giải quyết theo Luật Khiếu nại.",
    "Phản ánh trùng với phản ánh đã được trả lời.",
    ]
WITHDRAW_REASONS = ["Người phản ánh đã được giải quyết và rút phản ánh."]


def _choice(rng, table):
    values, weights = table
    return rng.choices(values, weights)[0]


class Planner:
    "Local times of the steps of a feedback, in working days and hours"

    def __init__(self, calendar, rng, cutoff, timezone):
        self.calendar = calendar
        self.rng = rng
        self.cutoff = cutoff  # local naive datetime
        self.timezone = timezone
        # one transfer later than the 5 working days
        self.late_transfer = True

    def moment(self, day, after=None):
        "A moment in office hours on day or the next working days"
        moment = office_time(self.rng, day, after=after)
        while moment is None:
            day = self.calendar.next_working(day)
            moment = office_time(self.rng, day)
        return moment

    def later(self, previous, low, high):
        day = self.calendar.add(previous.date(), self.rng.randint(low, high))
        return self.moment(day, after=previous)


def _users(pool, agency_ids, context):
    "{agency id: handler user id}, creating the handlers; the printed logins"
    User = pool.get('res.user')
    Agency = pool.get('one_stop.agency')
    Lang = pool.get('ir.lang')
    ModelData = pool.get('ir.model.data')
    handler_group = ModelData.get_id(
        'one_stop_feedback', 'group_feedback_handler')
    leader_group = ModelData.get_id(
        'one_stop_feedback', 'group_feedback_leader')
    with Transaction().set_context(active_test=False):
        existing = {u.login: u for u in User.search([])}
        agencies = {a.code: a for a in Agency.search([])}
        langs = Lang.search([
                ('code', '=', 'vi'), ('translatable', '=', True)], limit=1)
    lang = langs[0].id if langs else None
    by_agency, printed, to_create = {}, [], []
    named = [(HANDLER, handler_group), (LEADER, leader_group)]
    for (login, name, code, role), group in named:
        printed.append((login, data.PASSWORD, role))
        if login not in existing and code in agencies:
            to_create.append({
                    'login': login, 'name': name, 'password': data.PASSWORD,
                    'language': lang, 'groups': [('add', [group])],
                    'one_stop_agency': agencies[code].id,
                    })
    # the successors take over the cases of the agencies that ended
    agency_ids = set(agency_ids)
    for agency in Agency.browse(sorted(agency_ids)):
        while agency.successor and agency.successor.id not in agency_ids:
            agency = agency.successor
            agency_ids.add(agency.id)
    for agency in Agency.browse(sorted(agency_ids)):
        login = f'pakn.{agency.code.lower()}'
        if agency.code == HANDLER[2]:
            login = HANDLER[0]
        elif login not in existing:
            to_create.append({
                    'login': login, 'name': vietnamese_name(context.random),
                    'language': lang, 'groups': [('add', [handler_group])],
                    'one_stop_agency': agency.id,
                    })
    if to_create:
        User.create(to_create)
    with Transaction().set_context(active_test=False):
        for user in User.search([
                    ('one_stop_agency', 'in', list(agency_ids)),
                    ('groups', '=', handler_group),
                    ], order=[('id', 'ASC')]):
            by_agency.setdefault(user.one_stop_agency.id, user.id)
    return by_agency, printed


def _plan(context, planner, dossiers, agencies, count, weights):
    """[(values, steps)] of count feedback: steps are (local moment, action,
    argument) in order; the fate of each case is drawn here"""
    rng = context.random
    calendar = planner.calendar
    plans = []
    about_dossier = int(count * 0.6)
    rng.shuffle(dossiers)
    for index in range(count):
        if index < about_dossier and dossiers:
            dossier = dossiers[index % len(dossiers)]
            agency = dossier['agency']
            if dossier['timeliness'] == 'late' or dossier['late_open']:
                kind = 'lateness'
                day = calendar.add(dossier['appointment'], rng.randint(1, 4))
            else:
                kind = _choice(rng, KINDS)
                day = calendar.add(
                    dossier['received'].date(), rng.randint(0, 6))
            start = dossier['received']
        else:
            dossier = None
            agency = rng.choices(
                agencies, [weights.get(a, 1) for a in agencies])[0]
            kind = _choice(rng, KINDS)
            span = (context.end - context.start).days
            day = context.start + dt.timedelta(days=rng.randrange(span + 1))
            start = None
        recent = index >= count * (1 - RECENT)
        if recent:
            # still in hand: received in the last weeks
            day = max(planner.cutoff.date() - dt.timedelta(
                    days=rng.randint(0, 35)), day)
        if not calendar.is_working(day):
            day = calendar.next_working(day)
        received = planner.moment(day, after=start)
        if received > planner.cutoff:
            continue
        # every channel at least once
        channel = (CHANNELS[0][index] if index < len(CHANNELS[0])
            else _choice(rng, CHANNELS))
        content = rng.choice(CONTENTS[kind]).format(
            dossier=dossier['code'] if dossier else '',
            appointment=(dossier['appointment'].strftime('%d/%m/%Y')
                if dossier else ''))
        values = {
            'agency': agency, 'kind': kind, 'channel': channel,
            'content': content,
            'dossier': dossier['id'] if dossier else None,
            'petitioner': (None if channel == 'survey'
                else vietnamese_name(rng)),
            'contact_phone': (
                f'09{rng.randrange(10 ** 8):08d}' if rng.random() < 0.5
                else None),
            }
        steps = []
        last = received
        fate = rng.random()
        transfer = (fate < 0.12 or (recent and fate < 0.3)
            or index in FORCED_TRANSFERS)
        if transfer and len(agencies) > 1:
            target = rng.choice([a for a in agencies if a != agency])
            last = planner.later(last, 0, 4)
            steps.append((last, 'transfer', target))
        if recent and rng.random() < 0.4:
            pass  # not taken up yet: received or transferred
        elif fate >= 0.12 and fate < 0.15:
            steps.append((planner.later(last, 1, 5), 'reject', None))
        elif fate >= 0.15 and fate < 0.17:
            steps.append((planner.later(last, 1, 8), 'withdraw', None))
        else:
            last = planner.later(last, 0, 2)
            steps.append((last, 'process', None))
            if rng.random() < 0.04:
                pass  # forgotten: open, overdue in time
            elif rng.random() < 0.15:
                steps.append((None, 'answer_late', rng.randint(1, 6)))
            else:
                steps.append((None, 'answer', rng.randint(0, 8)))
        plans.append((values, received, steps))
    # received in the order of time, as the codes are given
    plans.sort(key=lambda plan: plan[1])
    return plans


def _agency_on(Agency, agency_id, day):
    "The agency receiving on day for agency_id (its successor), or None"
    agency = Agency(agency_id).current_successor(day)
    return agency if agency.is_valid_on(day) else None


def _run(pool, plan, handler_of, planner):
    """Receive one planned feedback and move it through its steps; return
    its state (None: not received, its agency did not exist then)"""
    Feedback = pool.get('one_stop.feedback')
    Kind = pool.get('one_stop.feedback.kind')
    Agency = pool.get('one_stop.agency')
    transaction = Transaction()
    rng = planner.rng
    calendar = planner.calendar
    values, received, steps = plan
    values = dict(values)
    agency = _agency_on(Agency, values['agency'], received.date())
    if agency is None:
        return None
    values['agency'] = agency.id
    values['kind'] = Kind.search([('code', '=', values['kind'])])[0].id

    def at(moment):
        return transaction.set_context(
            {CLOCK_KEY: to_utc(moment, planner.timezone)})

    def as_handler():
        agency = Feedback(feedback.id).agency
        return transaction.set_user(handler_of.get(agency.id, 0))

    feedback = None
    with transaction.set_user(handler_of.get(agency.id, 0)), at(received):
        feedback, = Feedback.create([values])
    last = received
    for moment, action, argument in steps:
        if action in {'answer', 'answer_late'}:
            feedback = Feedback(feedback.id)
            deadline = feedback.deadline_date
            if action == 'answer':
                day = deadline
                for _ in range(argument):
                    previous = day - dt.timedelta(days=1)
                    while not calendar.is_working(previous):
                        previous -= dt.timedelta(days=1)
                    if previous <= last.date():
                        break
                    day = previous
            else:
                day = calendar.add(deadline, argument)
            moment = planner.moment(max(day, last.date()), after=last)
        if moment > planner.cutoff:
            break
        if action == 'transfer':
            if planner.late_transfer:
                # the first transfer done is the late one
                moment = planner.later(received, 7, 9)
                if moment > planner.cutoff:
                    break
            target = _agency_on(Agency, argument, moment.date())
            if target is None or target == Feedback(feedback.id).agency:
                continue
            planner.late_transfer = False
        with as_handler(), at(moment):
            if action == 'transfer':
                Feedback.transfer_to(
                    [feedback], target, rng.choice(TRANSFER_REASONS))
            elif action == 'process':
                Feedback.process([feedback])
            elif action in {'reject', 'withdraw'}:
                Feedback.write([feedback], {'reason': rng.choice(
                            REJECT_REASONS if action == 'reject'
                            else WITHDRAW_REASONS)})
                getattr(Feedback, action)([feedback])
            else:
                Feedback.write(
                    [feedback], {'answer_text': rng.choice(ANSWERS)})
                Feedback.answer([feedback])
        last = moment
        if action in {'answer', 'answer_late'}:
            rated = rng.random() < 0.5
            closed = planner.later(moment, 2, 12)
            if closed > planner.cutoff:
                if rated:
                    Feedback.write([feedback], {
                            'rating': _choice(rng, RATINGS)})
                break
            with as_handler(), at(closed):
                if rated:
                    Feedback.write([feedback], {
                            'rating': _choice(rng, RATINGS)})
                Feedback.close([feedback])
    return Feedback(feedback.id).state


def _world(context):
    "The dossiers of the run and the agencies in charge of them"
    pool = Pool()
    Dossier = pool.get('one_stop.dossier')
    Holiday = pool.get('one_stop.holiday')
    Configuration = pool.get('one_stop.configuration')
    Feedback = pool.get('one_stop.feedback')
    holidays, working = Holiday.calendar()
    _, weekend = Configuration.get_calendar()
    calendar = Calendar(holidays, working, weekend, context.timezone)
    table = Dossier.__table__()
    feedback = Feedback.__table__()
    cursor = Transaction().connection.cursor()
    # the most recent dossiers: those of the run, without feedback
    limit = max(context.dossiers, 1)
    cursor.execute(*table.select(
            table.id, table.code, table.agency, table.received_date,
            table.appointment_date, table.timeliness, table.state,
            where=~table.id.in_(feedback.select(
                    feedback.dossier, where=feedback.dossier != None)),  # noqa
            order_by=[table.id.desc], limit=limit))
    today = dt.datetime.now(ZoneInfo(context.timezone)).date()
    dossiers = []
    for (id_, code, agency, received, appointment, timeliness,
            state) in cursor:
        dossiers.append({
                'id': id_, 'code': code, 'agency': agency,
                'received': calendar.local(received),
                'appointment': appointment, 'timeliness': timeliness,
                'late_open': (state in {'received', 'processing'}
                    and appointment and appointment < today),
                })
    agencies = sorted({d['agency'] for d in dossiers})
    Agency = pool.get('one_stop.agency')
    weights = {}
    with Transaction().set_context(active_test=False):
        for agency in Agency.search([('code', 'in', list(BUSY))]):
            weights[agency.id] = BUSY[agency.code]
    return calendar, dossiers, agencies, weights


def generate(context):
    started = time.monotonic()
    tz = ZoneInfo(context.timezone)
    now = dt.datetime.now(dt.UTC).astimezone(tz).replace(tzinfo=None)
    cutoff = min(now, dt.datetime.combine(context.end, dt.time(23, 59)))
    count = min(MAXIMUM, max(MINIMUM, context.dossiers // PER_DOSSIERS))
    if not context.dossiers:
        context.log("feedback: no dossier added, no feedback added")
        return
    with context.transaction(readonly=True):
        calendar, dossiers, agencies, weights = _world(context)
    if not agencies:
        context.log("feedback: no agency received dossiers")
        return
    planner = Planner(calendar, context.random, cutoff, context.timezone)
    plans = _plan(context, planner, dossiers, agencies, count, weights)
    in_charge = set(agencies)
    with context.transaction():
        handler_of, printed = _users(Pool(), in_charge, context)
    if context.users:
        for line in printed:
            if line[0] not in {entry[0] for entry in context.logins}:
                context.logins.append(line)
    states = {}
    bar = context.progress(total=len(plans), desc="feedback", unit="case")
    for start in range(0, len(plans), context.batch):
        with context.transaction():
            pool = Pool()
            for plan in plans[start:start + context.batch]:
                state = _run(pool, plan, handler_of, planner)
                if state:
                    states[state] = states.get(state, 0) + 1
                bar.update(1)
    bar.close()
    # the crons of the morning
    with context.transaction():
        Feedback = Pool().get('one_stop.feedback')
        with Transaction().set_context(
                {CLOCK_KEY: to_utc(cutoff, context.timezone)}):
            reminded = len(Feedback.send_reminders())
            escalated = len(Feedback.escalate_overdue())
    elapsed = time.monotonic() - started
    context.log(
        f"feedback: {sum(states.values())} cases ("
        + ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
        + f"), {reminded} reminded, {escalated} escalated, in "
        f"{elapsed:.1f} s")
