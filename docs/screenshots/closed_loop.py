#!/usr/bin/env python3
"""Screenshots of the closed loop (docs/closed-loop.md): the follow-up of an
unhappy answer in the register of feedback and petitions, the citizen's
side at the survey link, the settings.  Writes docs/img/loop-*.png.

Usage (from the repository root, with the project's virtualenv)::

    .venv/bin/python docs/screenshots/closed_loop.py          # private demo
    .venv/bin/python docs/screenshots/closed_loop.py \\
        --url http://localhost:8471/ --database demo \\
        --config /tmp/one-stop-shots-xxx/trytond.conf     # running demo

Without --url the script builds a private SQLite demo database in a
temporary directory like bin/demo (one_stop, one_stop_feedback and
public_satisfaction, the Vietnamese texts, one-stop-demo with 800
dossiers), serves it on port 8471 (--port) and stops it at the end; it
never touches var/db.  With --url it needs --config, the trytond
configuration of that server's database: the script reads a fresh open
invitation of the Centre and its token there (as the clerk's receipt would
print it) and turns the callback setting on for the time of the run.

What it does, in order:

1. as ``admin`` in sao: the satisfaction configuration (the settings of the
   loop);
2. on a phone of 320 CSS px without JavaScript, from the invitation's link:
   the complaint mark and the callback of the form, an answer of 1/5 with
   a complaint and a phone number, its thank-you page, the link again
   (follow-up pending);
3. as the leader ``lanhdao`` in sao: the follow-up in the register (what it
   shows, the callback number, the appeal button), its Answer tab, the
   answer given, the appeal dialog (cancelled), the list of follow-ups;
4. as the citizen: the reply with the re-rating form, the re-rating sent,
   the link again, a second re-rating from another tab (409);
5. the clerk who returned the result searches the follow-up with his own
   access rights (logged, no picture): refused or nothing found, else a
   WARNING.

Needs /usr/bin/chromium (never `playwright install`).
"""
import json
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from common import (  # noqa: E402
    ADMIN_PASSWORD, PASSWORD, ROOT, EvaluatorShots, PrivateDemo,
    argument_parser, close_tabs, failure_screenshot, hide_menu, log, menu,
    report_sizes, sao_browser, served, shown, show_menu, sign_in)

MODULES = ('one_stop', 'one_stop_feedback', 'public_satisfaction')
PORT = 8471
PHONE = {'width': 320, 'height': 640}
PHONE_SCALE = 2
WEB_ROOT = ROOT / 'var' / 'sao-root'
LEADER, CLERK = 'lanhdao', 'canbo'
COMMENT = ("Phải đến ba lần mới nộp được hồ sơ, mỗi lần lại được hướng dẫn "
    "bổ sung một giấy tờ khác.")
PHONE_NUMBER = '0912 345 678'
REPLY = ("Trung tâm đã kiểm tra và xin lỗi Ông/Bà: danh mục giấy tờ của thủ "
    "tục đã được niêm yết lại tại quầy, công chức tiếp nhận được nhắc nhở "
    "hướng dẫn đầy đủ một lần.")
RERATE_COMMENT = "Cảm ơn Trung tâm đã trả lời và gọi điện giải thích."
APPEAL_REASON = "Câu trả lời gửi từ mạng của quầy vài giây sau khi in phiếu."

# run by the venv's Python on the demo database: a fresh open invitation of
# the Centre (returned by the clerk canbo), its link; the callback setting
INVITATION = r'''
import json, sys
from trytond import config
config.update_etc(sys.argv[1])
from trytond.pool import Pool
from trytond.transaction import Transaction
database, callback = sys.argv[2], sys.argv[3]
Pool.start()
Pool(database).init()
with Transaction().start(database, 0) as transaction:
    pool = Pool()
    Invitation = pool.get('satisfaction.invitation')
    Configuration = pool.get('satisfaction.configuration')
    configuration = Configuration(1)
    before = bool(configuration.followup_callback)
    if callback in {'on', 'off'}:
        Configuration.write([configuration], {
                'followup_callback': callback == 'on'})
    result = {'callback_before': before}
    if sys.argv[4] == 'invitation':
        invitations = Invitation.search([
                ('state', '=', 'open'),
                ('clerk', '!=', None),
                ], order=[('returned_date', 'DESC'), ('id', 'DESC')])
        invitation = next(i for i in invitations if i.is_open)
        result.update(url=invitation.survey_url(), id=invitation.id,
            dossier=invitation.dossier.code)
    elif sys.argv[4].startswith('followup:'):
        Response = pool.get('satisfaction.response')
        Feedback = pool.get('one_stop.feedback')
        response, = Response.search([
                ('invitation', '=', int(sys.argv[4].split(':')[1]))])
        feedback = Feedback.followup_of(response.id)
        result.update(id=feedback.id, code=feedback.code,
            phone=feedback.contact_phone)
        # what the clerk who returned the result may read of it
        clerk = response.invitation.clerk
        with Transaction().set_user(clerk.id), \
                Transaction().set_context(_check_access=True):
            try:
                seen = Feedback.search([('id', '=', feedback.id)])
                result['clerk'] = f'{clerk.login}: {len(seen)} found'
            except Exception as error:
                result['clerk'] = f'{clerk.login}: {type(error).__name__}'
    transaction.commit()
print(json.dumps(result))
'''


def parse_args(argv=None):
    parser = argument_parser(__doc__)
    parser.add_argument('--config', type=Path,
        help="the trytond configuration of the database of --url")
    parser.add_argument('--port', type=int, default=PORT,
        help="port of the private demo (default: %(default)s)")
    parser.add_argument('--web-root', type=Path, default=WEB_ROOT,
        help="web root served by the private demo (default: %(default)s "
        "when it exists)")
    args = parser.parse_args(argv)
    if args.url and not args.config:
        parser.error("--url needs --config")
    return args


def demo(args):
    private = PrivateDemo(args.venv, args.keep, modules=MODULES,
        demos=[('--dossiers', '800')])
    private.port = args.port
    private.url = f'http://localhost:{args.port}/'
    return private


def database_call(args, config, callback, what):
    "Run INVITATION on the database; return its JSON"
    output = subprocess.run(
        [str(args.venv / 'bin' / 'python'), '-c', INVITATION, str(config),
            args.database, callback, what],
        check=True, capture_output=True, text=True, cwd=config.parent)
    return json.loads(output.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ phone
class Phone:
    "The citizen's phone: 320 CSS px wide, twice the pixels, no JavaScript"

    def __init__(self, context, out, taken):
        self.context = context
        self.page = context.new_page()
        self.page.set_default_timeout(30000)
        self.out = out
        self.taken = taken

    def shot(self, name, top=None, bottom=None, page=None):
        """The screen, or the part of the page from the element top (a
        selector) to the end of bottom (a selector), cropped to content"""
        page = page or self.page
        path = self.out / name
        height = page.evaluate(
            '(document.querySelector("main") || document.body)'
            '.getBoundingClientRect().bottom + window.scrollY')
        y = 0
        if top:
            y = max(page.locator(top).first.evaluate(
                    'e => e.getBoundingClientRect().top + window.scrollY')
                - 12, 0)
        end = height + 8
        if bottom:
            end = page.locator(bottom).first.evaluate(
                'e => e.getBoundingClientRect().bottom + window.scrollY') + 12
        clip = {'x': 0, 'y': y, 'width': PHONE['width'],
            'height': min(end - y, 2 * PHONE['height'])}
        page.screenshot(path=path, full_page=True, clip=clip)
        self.taken.append(path)
        log(f"  {shown(path)} ({page.url.split('/s/')[0]}/s/…)")


def answer_unhappy(page):
    "Answer 1 to every rating, the comment as a complaint, a phone number"
    form = page.locator('form').filter(
        has=page.locator('input[name="action"][value="answer"]'))
    for fieldset in form.locator('fieldset').all():
        radios = fieldset.locator('input[type="radio"]')
        if not radios.count():
            continue
        one = fieldset.locator('input[type="radio"][value="1"]')
        (one.first if one.count() else radios.first).check()
    for textarea in form.locator('textarea').all():
        textarea.fill(COMMENT)


def citizen_answers(phone, survey_url):
    page = phone.page
    response = page.goto(survey_url)
    log(f"  invitation: HTTP {response.status}")
    page.get_by_role('link', name=re.compile('Bắt đầu')).click()
    page.wait_for_load_state()
    answer_unhappy(page)
    page.check('#complaint')
    if page.locator('#phone').count():
        page.fill('#phone', PHONE_NUMBER)
        page.check('#consent')
        phone.shot('loop-form-complaint-callback.png',
            top='label[for="complaint"]', bottom='label[for="consent"]')
    else:
        phone.shot('loop-form-complaint.png', top='label[for="complaint"]',
            bottom='label[for="complaint"]')
    page.get_by_role('button', name=re.compile('Gửi')).click()
    page.wait_for_load_state()
    phone.shot('loop-thanks-unhappy.png')
    response = page.goto(survey_url)
    log(f"  link again: HTTP {response.status}")
    phone.shot('loop-link-pending.png')


def citizen_rerates(phone, survey_url):
    page = phone.page
    response = page.goto(survey_url)
    log(f"  link after the reply: HTTP {response.status}")
    phone.shot('loop-link-reply.png')
    # the same link in another tab, to send a second re-rating from it
    other = phone.context.new_page()
    other.goto(survey_url)
    page.check('#rerate-4')
    page.fill('#rerate-comment', RERATE_COMMENT)
    page.get_by_role('button', name=re.compile('Gửi')).click()
    page.wait_for_load_state()
    phone.shot('loop-rerated.png')
    response = page.goto(survey_url)
    log(f"  link after the re-rating: HTTP {response.status}")
    phone.shot('loop-link-after-rerating.png')
    other.check('#rerate-5')
    with other.expect_navigation() as navigation:
        other.get_by_role('button', name=re.compile('Gửi')).click()
    log(f"  second re-rating: HTTP {navigation.value.status}")
    phone.shot('loop-rerate-409.png', page=other)
    other.close()


# ------------------------------------------------------------------- sao
def login(page, shots, url, database, login_name, password=PASSWORD):
    sign_in(page, url, database, login_name, password)
    if login_name == 'admin':
        # the module configuration wizard of a new database: cancelled
        cancel = page.locator('#tabcontent .tab-pane.active button').filter(
            has_text=re.compile('Hủy|Cancel'))
        for _ in range(20):
            if page.locator('#user-preferences > a').is_visible():
                break
            if cancel.count() and cancel.first.is_visible():
                cancel.first.click()
            time.sleep(0.5)
    page.wait_for_selector('#user-preferences > a', state='visible')
    shots.idle()


def logout(page):
    page.evaluate('Sao.logout()')
    page.wait_for_selector('#login', state='visible')
    time.sleep(0.5)


def fill(shots, field, text):
    field.fill(text)
    field.press('Tab')
    shots.idle()


def form_clip(shots, bottom_selector=None, extra=8):
    "From the top of the tab to the bottom of bottom_selector (or the form)"
    top = max(shots.tab.bounding_box()['y'] - 4, 0)
    box = shots.tab.locator(bottom_selector or '.form').first.bounding_box()
    end = min(box['y'] + box['height'] + extra, common.VIEWPORT['height'])
    return {'x': 0, 'y': top, 'width': common.VIEWPORT['width'],
        'height': end - top}


def show_content(shots):
    "The whole follow-up text (its field grows as the user can drag it)"
    shots.tab.locator('textarea[name="content"]').first.evaluate(
        'e => e.style.height = (e.scrollHeight + 4) + "px"')
    shots.tab.locator('.form').first.evaluate(
        'e => e.parentElement.scrollTop = 0')
    time.sleep(0.3)


def configuration(page, shots, url, database):
    login(page, shots, url, database, 'admin', ADMIN_PASSWORD)
    page.goto(f'{url}#{database}/model/satisfaction.configuration/1')
    shots.tab.locator('.form').first.wait_for(state='visible')
    shots.idle(1)
    hide_menu(page, shots)
    shots.shot('loop-settings.png', clip=form_clip(shots))
    close_tabs(page, shots)
    logout(page)


def leader(page, shots, url, database, feedback_id):
    "The leader opens the follow-up, answers it; return its code"
    login(page, shots, url, database, LEADER)
    show_menu(page, shots)
    menu(page, shots, 'Một cửa', 'Phản ánh, kiến nghị')
    shots.tab.locator('.treeview').first.wait_for(state='visible')
    shots.idle()
    hide_menu(page, shots)
    shots.tab.locator('.nav-tabs a', has_text='Tất cả').first.click()
    shots.idle(1)
    rows = shots.list_rows()
    shots.shot('loop-register-list.png', clip=form_clip(
            shots, f'.treeview tbody tr >> nth={min(rows.count(), 8) - 1}'))
    close_tabs(page, shots)
    shots.open_record(url, database, 'one_stop.feedback', feedback_id)
    form = shots.tab.locator('.form').first
    form.locator('textarea[name="content"]').wait_for(state='visible')
    shots.idle(1)
    code = form.locator('input[name="code"]').input_value()
    show_content(shots)
    shots.shot('loop-followup.png', clip=form_clip(
            shots, '.form button[name="request_appeal"]'))
    # the appeal dialog (cancelled)
    shots.form_button('request_appeal')
    dialog = shots.modal()
    dialog.wait_for(state='visible')
    shots.idle()
    fill(shots, dialog.locator('textarea[name="reason"]'), APPEAL_REASON)
    time.sleep(0.4)
    shots.shot('loop-appeal-request.png', element='.modal.in .modal-dialog',
        pad=40)
    dialog.locator('.modal-footer button').filter(
        has_text=re.compile('Hủy|Cancel')).first.click()
    shots.idle()
    # answer it
    shots.form_button('process')
    shots.idle()
    fill(shots, form.locator('textarea[name="answer_text"]'), REPLY)
    shots.form_button('answer')
    confirm = shots.modal()
    confirm.wait_for(state='visible')
    time.sleep(0.4)
    shots.modal_ok()
    shots.idle(1)
    show_content(shots)
    shots.shot('loop-followup-answered.png', clip=form_clip(
            shots, '.form button[name="request_appeal"]'))
    return code


def leader_after(page, shots, url, database, code):
    "The follow-up again after the re-rating: the re-rating in its tab"
    shots.toolbar('reload')
    shots.idle(1.5)
    show_content(shots)
    shots.tab.locator('.form').first.evaluate(
        'e => e.closest(".tab-pane").querySelector(".form")'
        '.parentElement.scrollTop = 100000')
    time.sleep(0.4)
    shots.shot('loop-followup-rerated.png')
    close_tabs(page, shots)
    logout(page)


def main(argv=None):
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    common.VIEWPORT = {'width': 1280, 'height': 1150}
    if args.web_root and (args.web_root / 'index.html').exists():
        common.SAO_ROOT = args.web_root
    taken = []
    with served(args.url, lambda: demo(args)) as (url, private):
        config = private.dir / 'trytond.conf' if private else args.config
        found = database_call(args, config, 'on', 'invitation')
        # the link as the receipt prints it, on the server of url
        found['url'] = url + found['url'].split('/', 3)[3]
        log(f"  invitation {found['id']} of {found['dossier']}")
        try:
            with sao_browser(args.chromium) as (browser, page, errors):
                shots = EvaluatorShots(page, args.out)
                shots.taken = taken
                phone = Phone(browser.new_context(
                        viewport=PHONE, device_scale_factor=PHONE_SCALE,
                        java_script_enabled=False, locale='vi-VN',
                        timezone_id='Asia/Ho_Chi_Minh', is_mobile=True,
                        has_touch=True), args.out, taken)
                failed = Path('/tmp') / 'closed-loop-shots-failed.png'
                with failure_screenshot(page, failed, errors):
                    configuration(page, shots, url, args.database)
                    citizen_answers(phone, found['url'])
                    followup = database_call(args, config, '',
                        f"followup:{found['id']}")
                    log(f"  follow-up {followup}")
                    if 'found' in followup['clerk'] and not \
                            followup['clerk'].endswith(': 0 found'):
                        log("WARNING: the rated clerk sees the follow-up")
                    code = leader(
                        page, shots, url, args.database, followup['id'])
                    citizen_rerates(phone, found['url'])
                    leader_after(page, shots, url, args.database, code)
        finally:
            if not found['callback_before']:
                database_call(args, config, 'off', 'settings')
    report_sizes(taken)


if __name__ == '__main__':
    main()
