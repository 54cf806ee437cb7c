#!/usr/bin/env python3
"""Screenshots of the clerk's guide (docs/clerk-guide.md) and the README.

Drives the sao web client as the clerk ``canbo`` (Vietnamese interface)
through the dossier lifecycle and writes PNG files to docs/img/.

Usage (from the repository root, with the project's virtualenv)::

    .venv/bin/pip install playwright    # once; never `playwright install`
    .venv/bin/python docs/screenshots/one_stop.py       # private demo
    .venv/bin/python docs/screenshots/one_stop.py \
        --url http://localhost:8000/ --database demo    # running demo

Without --url the script builds a private SQLite demo database in a
temporary directory (as bin/demo does: trytond-admin, the Vietnamese texts,
one-stop-demo with 800 dossiers plus 2000 dossiers received in the last
85 days so that the lists are busy), serves it on a free local port with
trytond and stops it at the end.  It never touches var/db.  With --url it
uses a running server whose database has the demo users (it adds one dossier
and moves it through the lifecycle).

The browser is the system Chromium (/usr/bin/chromium, or --chromium).
Needs pdftoppm (poppler-utils) to turn the printed Mẫu 01 into an image.

Known client gap: sao 8.0 has no list column for DateTime fields, so a list
that shows one without widget="date" (the dossier's History tab) stops the
form from opening ("ColumnFactory is not a constructor").  Until the view is
fixed, the script injects a small column for DateTime fields into the page
and says so (--no-datetime-shim to see the failure).
"""
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    PrivateDemo, Shots, argument_parser, clerk_login, download,
    failure_screenshot, log, new_counter_dossier, open_dossiers,
    print_menu, rasterise, report_sizes, sao_browser, save_dossier, served)

# the head of the dossier form (without the notebook and buttons)
FORM_TOP = {'x': 0, 'y': 52, 'width': 1280, 'height': 332}
REASON = ("Thiếu bản sao Căn cước công dân của người yêu cầu; "
    "đề nghị bổ sung tại Quầy số 1.")


def parse_args(argv=None):
    parser = argument_parser(__doc__)
    parser.add_argument('--no-datetime-shim', dest='shim',
        action='store_false')
    return parser.parse_args(argv)


def busy_demo(venv, keep):
    """The demo of bin/demo and 2000 dossiers received in the last 85 days,
    so that the lists are busy"""
    start = dt.date.today() - dt.timedelta(days=85)
    return PrivateDemo(venv, keep, demos=[
            ('--dossiers', '800'),
            ('--dossiers', '2000', '--start', start.isoformat(),
                '--no-users')])


def login(page, shots, url, database):
    def dialog_shot():
        time.sleep(0.5)
        shots.shot('clerk-login.png', element='.login-dialog .modal-dialog',
            pad=16)
    clerk_login(page, shots, url, database, on_dialog=dialog_shot)


def tab_domain(shots, label):
    shots.tab.locator('.nav-tabs a', has_text=label).first.click()
    shots.idle(1)


def run(page, shots, url, database):
    login(page, shots, url, database)
    open_dossiers(page, shots)
    shots.shot('dossier-list.png')
    tab_domain(shots, 'Trễ hạn')
    shots.shot('clerk-late.png')
    tab_domain(shots, 'Cơ quan của tôi')

    # receive a dossier
    new_counter_dossier(shots)
    shots.shot('clerk-new-dossier.png', clip=FORM_TOP)
    code = save_dossier(shots)
    appointment = shots.tab.locator(
        '.form input[name="appointment_date"]').input_value()
    log(f"  saved {code}, appointment {appointment}")
    shots.shot('clerk-dossier-saved.png', clip=FORM_TOP)

    # print Mẫu 01
    item = print_menu(page, shots, 'Mẫu 01')
    shots.shot('clerk-print-menu.png', clip={
            'x': 640, 'y': 50, 'width': 640, 'height': 200})
    pdf = download(page, shots, item.click, shots.out / 'form01.pdf')
    shots.taken.append(rasterise(
            pdf, shots.out / 'clerk-form01.png', resolution=80))
    pdf.unlink()

    # process
    shots.form_button('process')
    shots.idle()
    shots.shot('clerk-processing.png')

    # a supplement without a reason: the translated error
    shots.form_button('request_supplement')
    shots.modal().wait_for(state='visible')
    time.sleep(0.4)
    shots.shot('clerk-supplement-confirm.png',
        element='.modal.in .modal-dialog', pad=40)
    shots.modal_ok()
    shots.modal().wait_for(state='visible')
    time.sleep(0.4)
    shots.shot('clerk-error-reason.png',
        element='.modal.in .modal-dialog', pad=40)
    shots.modal().locator('.modal-footer button').last.click()
    shots.idle()

    # with a reason
    shots.tab.locator('.form textarea[name="reason"]').fill(REASON)
    shots.form_button('request_supplement')
    shots.modal().wait_for(state='visible')
    shots.modal_ok()
    shots.shot('clerk-supplement-requested.png')

    shots.form_button('receive_supplement')
    shots.idle()
    shots.shot('clerk-supplement-received.png')

    shots.form_button('process')
    shots.idle()
    shots.form_button('mark_ready')
    shots.idle()
    shots.shot('clerk-ready.png')
    shots.form_button('return_result')
    shots.idle()
    shots.shot('clerk-returned.png')

    shots.form_tab('Lịch sử')
    shots.shot('clerk-history.png')

    # calendar by appointment date
    for _ in range(3):
        shots.toolbar('switch_')
        shots.idle(1)
        if shots.tab.locator('.fc-view-container, .fc-view').count():
            break
    shots.tab.locator('.fc-event').first.wait_for(state='visible')
    shots.idle(1)
    shots.shot('clerk-calendar.png')


def main(argv=None):
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with served(args.url, lambda: busy_demo(args.venv, args.keep)) as (
            url, _), sao_browser(args.chromium, shim=args.shim) as (
            browser, page, errors):
        shots = Shots(page, args.out)
        with failure_screenshot(page, args.out / 'failed.png', errors):
            run(page, shots, url, args.database)
        if page.evaluate('!!window.__one_stop_datetime_shim'):
            log("NOTE: sao has no DateTime list column; the History "
                "tab was shown with this script's shim (see --help)")
    report_sizes(shots.taken)


if __name__ == '__main__':
    main()
