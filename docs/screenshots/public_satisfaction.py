#!/usr/bin/env python3
"""Screenshots of the satisfaction survey guides.

For docs/clerk-return-and-print.md (the clerk ``canbo`` in the sao web
client, Vietnamese, 1280x800) and docs/citizen-journey.md (the citizen's
pages on a 360x640 phone, JavaScript disabled).  Writes docs/img/
``clerk-return-*.png``, ``receipt-*.png`` and ``survey-*.png``.

Usage (from the repository root, with the project's virtualenv)::

    .venv/bin/python docs/screenshots/public_satisfaction.py    # private demo
    .venv/bin/python docs/screenshots/public_satisfaction.py \\
        --url http://localhost:8000/ --database demo \\
        --db-file var/db/demo.sqlite

Without --url the script builds a private SQLite demo database in a
temporary directory like bin/demo (one_stop and public_satisfaction, the
Vietnamese texts, one-stop-demo with 800 dossiers), serves it on a free
local port and stops it at the end.  It never touches var/db.  With --url it
uses a running server of the demo and needs --db-file (the SQLite file, read
only) to find an online dossier and the open invitations the demo issued.

What it does, in order:

1. as ``canbo``: receives a dossier at the counter, processes it, marks the
   result ready, presses "Trả kết quả": the A5 receipt is downloaded and
   rasterised (pdftoppm -r 100); prints the 80 mm receipt from the print
   menu; shows the survey tab; opens an online dossier; prints the poster
   of the post-office counter of the Centre;
2. decodes the QR code of the A5 receipt (zbarimg) and, on a phone without
   JavaScript: the invitation, the questionnaire (3 parts), a form without
   the overall rating, the thank-you page, the same code again (409);
3. with the dossier code and short code of another open invitation: the
   poster entry, the invitation in English, the decline.

Needs /usr/bin/chromium (never `playwright install`), pdftoppm, pdftotext
and zbarimg.
"""
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    SURVEY_MODULES, PrivateDemo, Shots, argument_parser, clerk_login,
    download, failure_screenshot, log, new_counter_dossier, open_dossiers,
    print_menu, query, rasterise, report_sizes, sao_browser, save_dossier,
    served, shown)

PHONE = {'width': 360, 'height': 640}
PHONE_SCALE = 2
CENTRE = 'H15.01'
SURVEY_TAB = 'Khảo sát mức độ hài lòng'


def parse_args(argv=None):
    parser = argument_parser(__doc__)
    parser.add_argument('--db-file', type=Path,
        help="the SQLite file of the running demo (with --url)")
    args = parser.parse_args(argv)
    if args.url and not args.db_file:
        parser.error("--url needs --db-file")
    return args


# ------------------------------------------------------------ demo data
def online_dossier(db_file):
    "A returned online dossier of the Centre"
    return query(db_file, """SELECT d.id, d.code FROM one_stop_dossier d
        JOIN one_stop_agency a ON a.id = d.agency
        WHERE a.code = ? AND d.channel = 'online' AND d.state = 'returned'
        AND d.return_method = 'counter'
        ORDER BY d.id DESC LIMIT 1""", CENTRE)[0]


def open_invitations(db_file):
    "(dossier id, dossier code, short code) of the Centre's open invitations"
    return query(db_file, """SELECT d.id, d.code, i.short_code
        FROM satisfaction_invitation i
        JOIN one_stop_dossier d ON d.id = i.dossier
        JOIN one_stop_agency a ON a.id = d.agency
        WHERE a.code = ? AND i.state = 'open'
        AND i.expiry > datetime('now')
        ORDER BY i.id""", CENTRE)


def counter_id(db_file, kind):
    return query(db_file, """SELECT c.id FROM one_stop_counter c
        JOIN one_stop_agency a ON a.id = c.agency
        WHERE a.code = ? AND c.kind = ? ORDER BY c.id LIMIT 1""",
        CENTRE, kind)[0][0]


# ---------------------------------------------------------------- PDFs
def decode_qr(pdf, workdir):
    prefix = workdir / 'qr'
    subprocess.run(['pdftoppm', '-r', '300', '-png', '-f', '1', '-l', '1',
            '-singlefile', pdf, prefix], check=True)
    output = subprocess.run(['zbarimg', '--raw', '-q',
            str(prefix.with_suffix('.png'))],
        check=True, capture_output=True, text=True).stdout.split()
    return output


def short_code(pdf):
    "The short code printed on a receipt, without its space"
    match = re.search(r'\b([A-Z0-9]{4}) ([A-Z0-9]{4})\b', pdf_text(pdf))
    return match.group(1) + match.group(2) if match else None


def pdf_text(pdf):
    return subprocess.run(['pdftotext', '-layout', pdf, '-'],
        check=True, capture_output=True, text=True).stdout


# ---------------------------------------------------------------- clerk
def close_download_dialog(page, shots):
    dialog = page.locator('.modal.in .modal-dialog').last
    if dialog.count() and dialog.is_visible():
        dialog.locator('.modal-footer button').last.click()
        time.sleep(0.5)
    shots.idle()


def clerk(page, shots, url, database, db_file, work, reissue=None):
    out = shots.out
    clerk_login(page, shots, url, database)
    open_dossiers(page, shots)
    shots.tab.locator('.nav-tabs a', has_text='Tất cả').first.click()
    shots.idle(1)
    # the survey column (Khảo sát) is the last one: scroll the list right
    shots.tab.locator('.treeview').first.evaluate(
        'e => e.scrollLeft = e.scrollWidth')
    time.sleep(0.5)
    shots.shot('clerk-return-list.png')
    shots.tab.locator('.nav-tabs a', has_text='Cơ quan của tôi').first.click()
    shots.idle(1)

    # receive a dossier at the counter and make its result ready
    new_counter_dossier(shots)
    code = save_dossier(shots)
    log(f"  saved {code}")
    shots.form_button('process')
    shots.idle()
    shots.form_button('mark_ready')
    shots.idle()
    shots.shot('clerk-return-ready.png')

    # return the result: the receipt comes as a download
    pdf_a5 = download(page, shots,
        lambda: shots.form_button('return_result'), work / 'receipt-a5.pdf')
    time.sleep(0.5)
    shots.shot('clerk-return-returned.png')
    close_download_dialog(page, shots)
    shots.taken.append(rasterise(pdf_a5, out / 'receipt-a5.png'))

    # the survey tab
    shots.form_tab(SURVEY_TAB)
    shots.shot('clerk-return-survey-tab.png')

    # the 80 mm receipt from the print menu
    item = print_menu(page, shots, 'khổ 80 mm')
    shots.shot('clerk-return-print-menu.png', clip={
            'x': 640, 'y': 50, 'width': 640, 'height': 240})
    pdf_80 = download(page, shots, item.click, work / 'receipt-80mm.pdf')
    close_download_dialog(page, shots)
    shots.taken.append(rasterise(pdf_80, out / 'receipt-80mm.png'))

    # a new code for another invited dossier (e.g. a lost receipt)
    reissued = None
    if reissue:
        dossier_id, reissue_code, old_short = reissue
        shots.open_record(url, database, 'one_stop.dossier', dossier_id)
        shots.form_tab(SURVEY_TAB)
        pdf_before = download(page, shots,
            lambda: shots.form_button('print_result_receipt'),
            work / 'reissue-before.pdf')
        close_download_dialog(page, shots)
        shots.form_button('reissue_invitation')
        shots.modal().wait_for(state='visible')
        time.sleep(0.4)
        shots.shot('clerk-return-reissue-confirm.png')
        pdf_after = download(page, shots,
            lambda: shots.modal().locator(
                '.modal-footer .btn-primary').click(),
            work / 'reissue-after.pdf')
        close_download_dialog(page, shots)
        before, after = short_code(pdf_before), short_code(pdf_after)
        log(f"  {reissue_code}: reprinted {before} (database {old_short}),"
            f" new code {after}")
        reissued = (reissue_code, old_short, after)

    # an online dossier: not surveyed
    dossier_id, online_code = online_dossier(db_file)
    shots.open_record(url, database, 'one_stop.dossier', dossier_id)
    shots.form_tab(SURVEY_TAB)
    log(f"  online dossier {online_code}")
    shots.shot('clerk-return-online.png')

    # the poster of the post-office counter of the Centre
    shots.open_record(url, database, 'one_stop.counter',
        counter_id(db_file, 'post_office'))
    shots.shot('clerk-return-counter.png')
    item = print_menu(page, shots, 'Áp phích')
    pdf_poster = download(page, shots, item.click, work / 'poster.pdf')
    close_download_dialog(page, shots)
    shots.taken.append(rasterise(pdf_poster, out / 'receipt-poster.png',
            resolution=80))
    return code, pdf_a5, pdf_80, pdf_poster, reissued


# -------------------------------------------------------------- citizen
class Phone:
    def __init__(self, page, out, taken):
        self.page = page
        self.out = out
        self.taken = taken

    def shot(self, name, full_page=False, clip=None):
        path = self.out / name
        self.page.screenshot(path=path, full_page=full_page, clip=clip)
        self.taken.append(path)
        log(f"  {shown(path)} ({self.page.url})")

    def parts(self, prefix, count):
        "Full-page screenshot cut into count screens"
        height = self.page.evaluate('document.documentElement.scrollHeight')
        step = max(PHONE['height'], -(-height // count))
        for index in range(count):
            top = min(index * step, max(height - step, 0))
            self.shot(f'{prefix}-{index + 1}.png', full_page=True, clip={
                    'x': 0, 'y': top, 'width': PHONE['width'],
                    'height': min(step, height - top)})

    def status(self, response):
        return response.status if response else None


def citizen(context, out, taken, survey_url, poster_url, other, answered,
        reissued=None):
    page = context.new_page()
    page.set_default_timeout(30000)
    phone = Phone(page, out, taken)

    # the invitation, from the QR code
    response = page.goto(survey_url)
    log(f"  invitation: HTTP {phone.status(response)}")
    phone.shot('survey-invitation.png')

    # the questionnaire
    page.get_by_role('link', name=re.compile('Bắt đầu')).click()
    page.wait_for_load_state()
    phone.parts('survey-form', 3)

    # sent without the overall rating
    fill_answers(page, overall=False)
    page.get_by_role('button', name=re.compile('Gửi')).click()
    page.wait_for_load_state()
    phone.shot('survey-form-error.png')
    box = page.locator('fieldset.invalid').first.bounding_box()
    scroll = page.evaluate('window.scrollY')
    phone.shot('survey-form-error-field.png', full_page=True, clip={
            'x': 0, 'y': box['y'] + scroll - 16, 'width': PHONE['width'],
            'height': PHONE['height']})

    # answered, sent
    fill_answers(page, overall=True)
    page.get_by_role('button', name=re.compile('Gửi')).click()
    page.wait_for_load_state()
    phone.shot('survey-thanks.png')

    # the same code again
    response = page.goto(survey_url)
    log(f"  again: HTTP {phone.status(response)}")
    phone.shot('survey-error-answered.png')

    # the counter poster: the two codes of another receipt
    dossier_code, short_code = other[0]
    page.goto(poster_url)
    page.fill('input[name="dossier"]', dossier_code)
    page.fill('input[name="code"]', f'{short_code[:4]} {short_code[4:]}')
    phone.shot('survey-poster.png')
    page.locator('form button[type="submit"]').click()
    page.wait_for_load_state()
    invitation_url = page.url
    log(f"  poster led to {invitation_url.split('/s/')[0]}/s/…")
    # the English switch
    page.get_by_role('link', name='English').click()
    page.wait_for_load_state()
    phone.shot('survey-invitation-en.png')
    page.goto(invitation_url)
    # decline
    page.get_by_role('button', name=re.compile('Không tham gia')).click()
    page.wait_for_load_state()
    phone.shot('survey-declined.png')

    # a wrong pair at the poster
    page.goto(poster_url)
    page.fill('input[name="dossier"]', answered)
    page.fill('input[name="code"]', 'ABCD2345')
    page.locator('form button[type="submit"]').click()
    page.wait_for_load_state()
    phone.shot('survey-poster-wrong.png')

    # the old code of a reissued invitation no longer opens anything
    if reissued:
        dossier_code, old, new = reissued
        for label, code in [('old', old), ('new', new)]:
            page.goto(poster_url)
            page.fill('input[name="dossier"]', dossier_code)
            page.fill('input[name="code"]', code)
            response = None
            with page.expect_navigation() as navigation:
                page.locator('form button[type="submit"]').click()
            response = navigation.value
            log(f"  reissued {dossier_code}, {label} code {code}: "
                f"HTTP {response.status if response else '?'} {page.url}")
    page.close()


def fill_answers(page, overall):
    """Answer every question (4 for the ratings, the first choice, a
    comment); without overall, leave the required questions unanswered"""
    form = page.locator('form').filter(
        has=page.locator('input[name="action"][value="answer"]'))
    for fieldset in form.locator('fieldset').all():
        required = fieldset.locator('legend .required').count() > 0
        radios = fieldset.locator('input[type="radio"]')
        if required and not overall:
            for radio in radios.all():
                radio.evaluate('e => e.checked = false')
            continue
        four = fieldset.locator('input[type="radio"][value="4"]')
        (four.first if four.count() else radios.first).check()
    for textarea in form.locator('textarea').all():
        textarea.fill("Cán bộ hướng dẫn tận tình, trả kết quả đúng hẹn."
            if overall else "")


def main(argv=None):
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix='ps-shots-'))
    taken = []

    def demo():
        return PrivateDemo(args.venv, args.keep, modules=SURVEY_MODULES)

    with served(args.url, demo) as (url, private), sao_browser(
            args.chromium) as (browser, page, _):
        db_file = private.db_file if private else args.db_file
        shots = Shots(page, args.out)
        shots.taken = taken
        invited = open_invitations(db_file)
        with failure_screenshot(page, work / 'failed.png'):
            code, pdf_a5, _, _, reissued = clerk(
                page, shots, url, args.database, db_file, work,
                reissue=invited[1] if len(invited) > 1 else None)
        page.context.close()

        urls = decode_qr(pdf_a5, work)
        log(f"  QR of {code}: {urls}")
        text = pdf_text(pdf_a5)
        others = [(c, s) for i, c, s in invited]
        poster_url = f'{url}{args.database}/p'
        phone = browser.new_context(
            viewport=PHONE, device_scale_factor=PHONE_SCALE,
            java_script_enabled=False, locale='vi-VN',
            timezone_id='Asia/Ho_Chi_Minh', is_mobile=True,
            has_touch=True)
        citizen(phone, args.out, taken, urls[0], poster_url, others,
            code, reissued)
        phone.close()
        if code not in text:
            log(f"WARNING: {code} not in the receipt text")
    report_sizes(taken)
    log(f"PDFs kept in {work}")


if __name__ == '__main__':
    main()
