#!/usr/bin/env python3
"""Screenshots of the guide of the feedback register (docs/feedback-guide.md).

Drives the sao web client (Vietnamese interface) as the PAKN handler
``xuly`` of Sở Tư pháp, who receives a feedback, shows the transfer dialog,
answers and closes it, then as the leader ``lanhdao`` of the provincial
People's Committee (the overdue tab, the graph, the notifications), and
writes PNG files docs/img/feedback-*.png.

Usage (from the repository root, with the project's virtualenv)::

    .venv/bin/pip install playwright    # once; never `playwright install`
    .venv/bin/python docs/screenshots/one_stop_feedback.py    # private demo
    .venv/bin/python docs/screenshots/one_stop_feedback.py \\
        --url http://localhost:8000/ --database demo --db-file \\
        var/db/demo.sqlite                                  # running demo

Without --url the script builds a private SQLite demo database in a
temporary directory (trytond-admin with one_stop_feedback, the Vietnamese
texts, one-stop-demo with 1500 dossiers and their feedback), serves it with
trytond on a free local port and stops it at the end; it never touches
var/db.  With --url it uses a running server whose database has the demo
users, and --db-file (its SQLite file, read only) to pick a dossier of Sở
Tư pháp.  The web root served is the one bin/lib.sh builds (var/sao-root,
sao with its Vietnamese texts) when it exists (--web-root).
"""
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from common import (  # noqa: E402
    PASSWORD, ROOT, VIEWPORT, EvaluatorShots, PrivateDemo, argument_parser,
    close_tabs, content_box, failure_screenshot, hide_menu, log, menu,
    query, report_sizes, sao_browser, served, show_menu, sign_in)

HANDLER, LEADER = 'xuly', 'lanhdao'
WEB_ROOT = ROOT / 'var' / 'sao-root'
MENU = ('Một cửa', 'Phản ánh, kiến nghị')
CONTENT = ("Hồ sơ cấp Phiếu lý lịch tư pháp của tôi hẹn trả ngày hôm qua "
    "nhưng đến nay chưa có kết quả, cũng không được báo trước.")
ANSWER = ("Sở Tư pháp đã kiểm tra: hồ sơ chậm do phải xác minh tại địa "
    "phương khác. Kết quả đã được trả cho ông/bà hôm nay; Sở xin lỗi về sự "
    "chậm trễ và đã nhắc nhở bộ phận liên quan.")


def parse_args(argv=None):
    parser = argument_parser(__doc__)
    parser.add_argument('--db-file', type=Path,
        help="SQLite file of the database of --url (read only)")
    parser.add_argument('--web-root', type=Path, default=WEB_ROOT,
        help="web root served by the private demo (default: %(default)s "
        "when it exists)")
    return parser.parse_args(argv)


def feedback_demo(venv, keep):
    return PrivateDemo(venv, keep,
        modules=('one_stop', 'one_stop_feedback'),
        demos=[('--dossiers', '1500', '--start', '2024-01-01')])


def a_dossier(db_file):
    "The code of a recent dossier of Sở Tư pháp (H15.03)"
    rows = query(db_file, """
        SELECT d.code FROM one_stop_dossier AS d
        JOIN one_stop_agency AS a ON a.id = d.agency
        WHERE a.code = 'H15.03' ORDER BY d.received_date DESC LIMIT 1""")
    return rows[0][0] if rows else None


def login(page, shots, url, database, login_name):
    sign_in(page, url, database, login_name, PASSWORD)
    page.wait_for_selector('#user-preferences > a', state='visible')
    shots.idle()
    show_menu(page, shots)
    page.wait_for_selector('#menu >> text=Một cửa')
    shots.idle()


def logout(page, shots):
    page.evaluate('Sao.logout()')
    page.wait_for_selector('#login', state='visible')
    time.sleep(0.5)


def open_register(page, shots):
    show_menu(page, shots)
    menu(page, shots, *MENU)
    shots.tab.locator('.treeview').first.wait_for(state='visible')
    shots.idle()
    hide_menu(page, shots)


def tab_domain(shots, label):
    shots.tab.locator('.nav-tabs a', has_text=label).first.click()
    shots.idle(1)


def choose(shots, scope, name, text):
    "Type text in the Many2One name of scope and pick the first match"
    field = scope.locator(f'input[name="{name}"]').first
    field.click()
    field.press_sequentially(text, delay=30)
    item = field.locator(
        'xpath=ancestor::*[contains(@class, "dropdown")][1]'
        '//ul[contains(@class, "dropdown-menu")]'
        '//li[not(contains(@class, "dropdown-header"))]//a').first
    item.wait_for(state='visible', timeout=15000)
    item.click()
    shots.idle()


def fill(shots, field, text):
    """Type text in field and leave it, then wait for sao: a button clicked
    while sao redisplays the form would read its selections half drawn"""
    field.fill(text)
    field.press('Tab')
    shots.idle()


def switch_to(shots, selector):
    """Switch the views of the tab until selector shows: sao enables the
    switch of a list once a row is selected"""
    shots.list_rows().first.locator('td').nth(2).click()
    shots.idle()
    for _ in range(4):
        shots.toolbar('switch_')
        shots.idle(1.5)
        if shots.tab.locator(selector).count():
            break
    shots.idle(1.5)


def form_top(shots):
    return content_box(shots, '.form', bottom=430)


def confirm(shots, name=None):
    "OK in the confirmation of a button; screenshot it first with name"
    dialog = shots.modal()
    dialog.wait_for(state='visible')
    time.sleep(0.4)
    if name:
        shots.shot(name, element='.modal.in .modal-dialog', pad=40)
    shots.modal_ok()


def run_handler(page, shots, url, database, dossier):
    login(page, shots, url, database, HANDLER)
    open_register(page, shots)
    shots.shot('feedback-list.png')

    # receive a feedback by the hotline
    shots.toolbar('new_')
    form = shots.tab.locator('.form').first
    form.locator('textarea[name="content"]').wait_for(state='visible')
    shots.idle()
    form.locator('select[name="channel"]').select_option(
        label='Đường dây nóng')
    choose(shots, form, 'kind', 'Trễ hẹn')
    if dossier:
        choose(shots, form, 'dossier', dossier)
    fill(shots, form.locator('input[name="petitioner"]'), "Nguyễn Văn Hùng")
    fill(shots, form.locator('input[name="contact_phone"]'), '0912 345 678')
    fill(shots, form.locator('textarea[name="content"]'), CONTENT)
    shots.shot('feedback-new.png', clip=form_top(shots))
    shots.toolbar('save')
    shots.idle(1)
    code = form.locator('input[name="code"]').input_value()
    deadline = form.locator('input[name="deadline_date"]').input_value()
    log(f"  saved {code}, deadline {deadline}")
    shots.shot('feedback-saved.png', clip=form_top(shots))

    # the transfer dialog (cancelled: Sở Tư pháp answers this one)
    shots.form_button('transfer')
    dialog = shots.modal()
    dialog.wait_for(state='visible')
    shots.idle()
    choose(shots, dialog, 'agency', 'Sở Xây dựng')
    fill(shots, dialog.locator('textarea[name="reason"]'),
        "Nội dung thuộc thẩm quyền của Sở Xây dựng.")
    time.sleep(0.4)
    shots.shot('feedback-transfer.png', element='.modal.in .modal-dialog',
        pad=40)
    dialog.locator('.modal-footer button').filter(
        has_text=re.compile('Hủy|Cancel')).first.click()
    shots.idle()

    shots.form_button('process')
    shots.idle()
    # the answer is required
    shots.form_button('answer')
    confirm(shots)
    dialog = shots.modal()
    dialog.wait_for(state='visible')
    time.sleep(0.4)
    shots.shot('feedback-answer-required.png',
        element='.modal.in .modal-dialog', pad=40)
    dialog.locator('.modal-footer button').last.click()
    shots.idle()
    fill(shots, form.locator('textarea[name="answer_text"]'), ANSWER)
    shots.form_button('answer')
    confirm(shots, 'feedback-answer-confirm.png')
    shots.idle(1)
    shots.shot('feedback-answered.png')

    # the petitioner's rating, then the end of the case
    form.locator('select[name="rating"]').select_option(label='Hài lòng')
    shots.toolbar('save')
    shots.idle(1)
    shots.form_button('close')
    confirm(shots)
    shots.idle(1)
    shots.shot('feedback-closed.png')
    shots.form_tab('Lịch sử')
    shots.shot('feedback-history.png', clip=content_box(shots))

    # the calendar of the deadlines
    close_tabs(page, shots)
    open_register(page, shots)
    tab_domain(shots, 'Tất cả')
    switch_to(shots, '.fc-view-container, .fc-view')
    shots.shot('feedback-calendar.png')
    close_tabs(page, shots)
    logout(page, shots)


def run_leader(page, shots, url, database):
    login(page, shots, url, database, LEADER)
    # the notifications of the escalations, in the menu of the user
    page.locator('#user-preferences > a').first.click()
    notifications = page.locator('.notification-menu').first
    notifications.wait_for(state='visible')
    shots.idle(1)
    box = notifications.bounding_box()
    left = max(box['x'] - 240, 0)
    shots.shot('feedback-notifications.png', clip={
            'x': left, 'y': 0, 'width': VIEWPORT['width'] - left,
            'height': min(box['y'] + box['height'] + 12,
                VIEWPORT['height'])})
    page.keyboard.press('Escape')
    shots.idle()
    open_register(page, shots)
    tab_domain(shots, 'Quá hạn')
    shots.shot('feedback-overdue.png')
    tab_domain(shots, 'Tất cả')
    # the graph by agency in charge
    switch_to(shots, '.graph svg')
    shots.shot('feedback-graph.png')


def main(argv=None):
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.web_root and (args.web_root / 'index.html').exists():
        common.SAO_ROOT = args.web_root
    with served(args.url, lambda: feedback_demo(args.venv, args.keep)) as (
            url, private), sao_browser(args.chromium) as (
            browser, page, errors):
        db_file = private.db_file if private else args.db_file
        dossier = a_dossier(db_file) if db_file else None
        shots = EvaluatorShots(page, args.out)
        failed = Path('/tmp') / 'feedback-shots-failed.png'
        with failure_screenshot(page, failed, errors):
            run_handler(page, shots, url, args.database, dossier)
            run_leader(page, shots, url, args.database)
    report_sizes(shots.taken)


if __name__ == '__main__':
    main()
