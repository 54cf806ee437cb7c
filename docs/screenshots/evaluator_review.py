#!/usr/bin/env python3
"""Screenshots of the review of flagged answers (docs/evaluator-review.md).

Drives the sao web client (Vietnamese, 1280x800) as the evaluator
``danhgia`` (Reform Evaluator and Satisfaction Evaluator) through the
review queue "Chờ xem xét" (its columns: agency, dossier code, signals;
the optional ones), an answer sent from the counter network of the Centre
(H15.01) and its signals, the invitation behind it, the "Loại trừ"
(Exclude) wizard and its required reason, the review history; the 2026
scorecard of the Centre before and after "Tính điểm" (tab "Tính trung thực
của khảo sát" and the survey lines); "Công bố" (Publish) of the 2026 period
refused while answers wait for review; the figures by agency and by month
with their flagged and excluded columns; and "Khôi phục" (Restore).  Writes
docs/img/evaluator-review-*.png and prints the numbers it read (through
the client's own RPC session) before the exclusion, after it and after the
restore.

Usage (from the repository root, with the project's virtualenv)::

    .venv/bin/python docs/screenshots/evaluator_review.py     # private demo
    .venv/bin/python docs/screenshots/evaluator_review.py \\
        --url http://localhost:8300/ --database demo

Without --url the script builds a private SQLite demo database in a
temporary directory as bin/demo does (one_stop and public_satisfaction,
the Vietnamese texts, one-stop-demo with --dossiers 5000, the default of
bin/demo), serves it on a free local port and stops it at the end; it
never touches var/db.  With --url it uses a running demo freshly made by
``bin/demo --reset`` (the demo puts two answers from the Centre's counter
network in the queue) and CHANGES it: the first answer of the queue is
excluded, then restored (two lines of review history that cannot be
removed; the answer leaves the queue as "Đã xác nhận"), and the Centre's
2026 scorecard is computed after each step (the refused publication
changes nothing).  Run it again only on a demo made again with --reset.

Needs /usr/bin/chromium (never `playwright install`).
"""
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    VIEWPORT, EvaluatorShots, argument_parser, close_tabs, content_box,
    failure_screenshot, hide_menu, log, menu, report_sizes, sao_browser,
    served, show_menu, sign_in)
from reform_evaluation import survey_demo  # noqa: E402

LOGIN, PASSWORD = 'danhgia', 'motcua-2026'
DOSSIERS = 5000  # as bin/demo
CENTRE = 'H15.01'
PERIOD = 'CCHC-2026'
# short enough to be read whole in the list of the review history
EXCLUDE_REASON = "Công chức điền thay tại quầy: cả 6 câu đều 5 điểm."
RESTORE_REASON = "Đã xác minh: người dân tự gửi tại quầy."


def parse_args(argv=None):
    parser = argument_parser(__doc__, url_help="sao URL of a running demo "
        "made by bin/demo --reset (default: build and serve a private demo)")
    parser.add_argument('--login', default=LOGIN)
    parser.add_argument('--password', default=PASSWORD)
    parser.add_argument('--dossiers', type=int, default=DOSSIERS,
        help="dossiers of the private demo (default %(default)s)")
    return parser.parse_args(argv)


# ---------------------------------------------------------------- client
def login(page, shots, url, database, user, password):
    sign_in(page, url, database, user, password)
    page.wait_for_selector('#menu .treeview tbody tr')
    language = page.evaluate('Sao.i18n.getlang()')
    if not language.startswith('vi'):
        raise SystemExit(f"{user}'s language is {language}, not vi: "
            "is this the demo of bin/demo?")
    page.wait_for_selector('#menu >> text=Hài lòng')
    shots.idle()


def rpc(page, method, *params):
    "Call the server with the session of the client (as the user)"
    # Numeric values come as Sao.Decimal objects: send them as numbers
    return page.evaluate('''async ([method, params]) => JSON.parse(
        JSON.stringify(await Sao.rpc(
                {method: method, params: params.concat([{}])},
                Sao.Session.current_session),
            (key, value) => (value !== null && typeof value === 'object'
                && !Array.isArray(value)
                && typeof value.valueOf() === 'number')
            ? value.valueOf() : value))''', [method, list(params)])


def centre_scorecard(page):
    ids = rpc(page, 'model.reform.scorecard.search', [
            ('agency.code', '=', CENTRE), ('period.code', '=', PERIOD)],
        0, None, None)
    if len(ids) != 1:
        raise SystemExit(f"no scorecard of {CENTRE} in {PERIOD}: {ids}")
    return ids[0]


def scorecard_numbers(page, scorecard):
    "The figures of the scorecard and of its survey lines, as the server has"
    record, = rpc(page, 'model.reform.scorecard.read', [scorecard], [
            'rec_name', 'state', 'survey_answered', 'survey_flagged',
            'survey_excluded', 'survey_flagged_rate', 'survey_excluded_rate',
            'self_total', 'appraised_total'])
    line_ids = rpc(page, 'model.reform.scorecard.line.search', [
            ('scorecard', '=', scorecard),
            ('criterion.kind', 'like', 'survey%')], 0, None, None)
    lines = rpc(page, 'model.reform.scorecard.line.read', line_ids, [
            'criterion.rec_name', 'figure', 'sample_size',
            'insufficient_sample', 'self_points', 'explanation'])
    record['lines'] = sorted([{
                'criterion': line['criterion.']['rec_name'],
                'figure': line['figure'],
                'sample': line['sample_size'],
                'insufficient': line['insufficient_sample'],
                'points': line['self_points'],
                'explanation': line['explanation'],
                } for line in lines], key=lambda line: line['criterion'])
    return record


def report(title, numbers):
    log(f"  {title}: " + json.dumps(numbers, ensure_ascii=False, indent=1,
            default=str))


def scroll_form(shots, where):
    "Scroll the form of the active tab to its 'top' or 'bottom'"
    shots.tab.locator('.content-box').first.evaluate(
        'box => box.scrollTop = %d' % (0 if where == 'top' else 100000))
    time.sleep(0.4)


def scroll_lines_to_end(shots):
    "Scroll the lines of the scorecard to the last ones (the survey lines)"
    # the survey lines come last (3.1 to 3.4): wait until they are drawn
    shots.list_rows(shots.tab.locator('.form')).filter(
        has_text='3.4 ').first.wait_for(state='attached')
    shots.idle(0.5)
    for _ in range(2):
        shots.tab.locator('.form .treeview').first.evaluate(
            'view => view.scrollTop = view.scrollHeight')
        time.sleep(0.4)


def open_scorecard(page, shots, url, database, scorecard):
    shots.open_record(url, database, 'reform.scorecard', scorecard)
    shots.form_tab('Dòng chấm điểm')
    scroll_lines_to_end(shots)


def scorecard_shots(page, shots, suffix):
    "The survey lines and the integrity tab of the open scorecard"
    shots.form_tab('Dòng chấm điểm')
    scroll_lines_to_end(shots)
    shots.shot(f'evaluator-review-lines-{suffix}.png')
    shots.form_tab('Tính trung thực của khảo sát')
    shots.shot(f'evaluator-review-integrity-{suffix}.png',
        clip=content_box(shots, bottom=470))


def compute(page, shots):
    "Press Tính điểm on the open scorecard"
    shots.form_button('compute')
    shots.idle(2)


def queue_rows(page, shots):
    close_tabs(page, shots)
    show_menu(page, shots)
    menu(page, shots, 'Hài lòng', 'Chờ xem xét')
    shots.idle(1)
    return shots.list_rows()


def review(page, shots, button, reason, required_shot=None, shot=None):
    """Press button (exclude, restore) on the open answer, type reason in
    the wizard and press OK"""
    shots.tab.locator(f'.form button[name="{button}"]').click()
    dialog = shots.modal()
    dialog.wait_for(state='visible')
    shots.idle(1)
    title = dialog.locator('.modal-title, .model-title').first.inner_text()
    log(f"  wizard: {title}")
    if required_shot:
        # OK without a reason: the client refuses, the field turns red
        dialog.locator('.modal-footer .btn-primary').click()
        page.locator('.modal.in .alert, .infobar .alert').first.wait_for(
            state='visible', timeout=5000)
        time.sleep(0.5)
        # keep the notice: Shots.shot would close it
        path = shots.out / required_shot
        box = page.locator('.modal.in .modal-dialog').last.bounding_box()
        page.screenshot(path=path, clip={
                'x': max(box['x'] - 40, 0), 'y': max(box['y'] - 40, 0),
                'width': min(box['width'] + 80, VIEWPORT['width']),
                'height': box['height'] + 80})
        shots.taken.append(path)
        log(f"  {path.name}")
    dialog.locator('textarea').fill(reason)
    time.sleep(0.3)
    if shot:
        shots.shot(shot, element='.modal.in .modal-dialog', pad=40)
    dialog.locator('.modal-footer .btn-primary').click()
    shots.idle(1.5)
    if page.locator('.modal.in').count():
        raise SystemExit(f"the {button} wizard did not close: "
            + page.locator('.modal.in').first.inner_text())


def publish_refused(page, shots, url, database):
    """Press Công bố on the 2026 period while answers wait for review: the
    server refuses (and changes nothing)"""
    period, = rpc(page, 'model.reform.period.search',
        [('code', '=', PERIOD)], 0, None, None)
    shots.open_record(url, database, 'reform.period', period)
    shots.form_button('publish')
    confirm = shots.modal()
    confirm.wait_for(state='visible')
    confirm.locator('.modal-footer .btn-primary').click()
    error = page.locator('.modal.in .modal-dialog').filter(
        has_text='Không thể công bố')
    error.wait_for(state='visible')
    shots.idle(0.5)
    log("  publish refused: " + error.locator('.alert').inner_text())
    shots.shot('evaluator-review-publish-pending.png',
        element='.modal.in .modal-dialog', pad=16)
    error.locator('.modal-footer .btn-primary').click()
    shots.idle()
    state, = rpc(page, 'model.reform.period.read', [period], ['state'])
    if state['state'] != 'open':
        raise SystemExit(f"{PERIOD} is {state['state']}, not open")


def select_row(shots, text, column):
    """Select the list row that has text by a click in its cell of column
    (a plain number: a click on a link would open the record)"""
    headers = [h.strip() for h in
        shots.tab.locator('.treeview thead th').all_inner_texts()]
    row = shots.list_rows().filter(has_text=text).first
    row.locator('td').nth(headers.index(column)).click()
    shots.idle(0.5)
    return row


def figures_by_agency(page, shots):
    "The figures by agency, the Centre's row selected, the rates in view"
    close_tabs(page, shots)
    show_menu(page, shots)
    menu(page, shots, 'Hài lòng', 'Chỉ số theo cơ quan')
    hide_menu(page, shots)
    shots.idle(2)
    row = select_row(shots, f'[{CENTRE}]', 'Đã trả lời')
    # scroll the columns right until the excluded rate is wholly shown
    shots.tab.locator('.treeview').first.evaluate('''view => {
        const ths = Array.from(view.querySelectorAll('thead th'));
        const th = ths.filter(t => t.offsetWidth)[10];
        const right = th.offsetLeft + th.offsetWidth + 8;
        view.scrollLeft = Math.max(right - view.clientWidth, 0);
        }''')
    time.sleep(0.4)
    headers = shots.tab.locator('.treeview thead th').all_inner_texts()
    cells = row.locator('td').all_inner_texts()
    log("  figures by agency, the Centre: " + "; ".join(
            f'{h.strip()} = {c.strip()}' for h, c in zip(headers, cells)
            if h.strip()))
    shots.shot('evaluator-review-figures-agency.png')


def figures_by_month(page, shots):
    close_tabs(page, shots)
    show_menu(page, shots)
    menu(page, shots, 'Hài lòng', 'Xu hướng theo tháng')
    hide_menu(page, shots)
    shots.idle(2)
    shots.toolbar('switch_')  # the graph first, then the list
    shots.idle(2)
    shots.list_rows().first.wait_for(state='visible')
    headers = shots.tab.locator('.treeview thead th').all_inner_texts()
    for row in shots.list_rows().all():
        cells = row.locator('td').all_inner_texts()
        values = {h.strip(): c.strip() for h, c in zip(headers, cells)
            if h.strip()}
        if values.get('Bị gắn cờ', '0') != '0':
            log("  figures by month: " + "; ".join(
                    f'{h} = {v}' for h, v in values.items()))
    shots.shot('evaluator-review-figures-month.png', clip=content_box(
            shots, '.treeview', bottom=680))


def run(page, shots, url, database, user, password):
    login(page, shots, url, database, user, password)
    hide_menu(page, shots)
    scorecard = centre_scorecard(page)

    # --- the self-assessed scorecards of 2026, with their rates
    show_menu(page, shots)
    menu(page, shots, 'Cải cách hành chính', 'Phiếu chấm điểm')
    shots.list_rows().first.wait_for(state='visible')
    hide_menu(page, shots)
    shots.tab.locator('.nav-tabs a', has_text='Đã tự chấm').first.click()
    shots.idle(1)
    select_row(shots, f'[{CENTRE}]', 'Tổng điểm tự chấm')
    shots.shot('evaluator-review-scorecards.png', clip=content_box(
            shots, '.treeview', bottom=720))
    close_tabs(page, shots)

    # --- the scorecard of the Centre before the exclusion
    before = scorecard_numbers(page, scorecard)
    report("scorecard before", before)
    open_scorecard(page, shots, url, database, scorecard)
    scorecard_shots(page, shots, 'before')
    close_tabs(page, shots)

    # --- the 2026 period cannot be published while answers wait
    publish_refused(page, shots, url, database)
    close_tabs(page, shots)

    # --- the queue, the whole width, then its optional columns
    rows = queue_rows(page, shots)
    rows.first.wait_for(state='visible')
    log(f"  queue: {rows.count()} answers waiting")
    if not rows.count():
        raise SystemExit("the queue is empty: make the demo again "
            "(bin/demo --reset)")
    hide_menu(page, shots)
    headers = [h.strip() for h in
        shots.tab.locator('.treeview thead th').all_inner_texts()]
    for row in rows.all():
        log("  queue row: " + "; ".join(
                f'{h} = {c.strip()}' for h, c in zip(
                    headers, row.locator('td').all_inner_texts())
                if h and c.strip()))
    shots.shot('evaluator-review-queue.png', clip={
            'x': 0, 'y': 0, 'width': VIEWPORT['width'], 'height': 320})
    # the menu of the list (top left corner) shows or hides the optional
    # columns: opened and closed again without a change
    menu_button = shots.tab.locator('.treeview thead th').first.locator(
        'a[data-toggle="dropdown"]')
    menu_button.click()
    columns = shots.tab.locator('.treeview thead th .dropdown-menu').first
    columns.wait_for(state='visible')
    time.sleep(0.4)
    log("  optional columns: " + "; ".join(
            f"{label.strip()} ({'shown' if checked else 'hidden'})"
            for label, checked in zip(
                columns.locator('.checkbox label').all_inner_texts(),
                [box.is_checked() for box in
                    columns.locator('input[type=checkbox]').all()])))
    box = columns.bounding_box()
    shots.shot('evaluator-review-queue-columns.png', clip={
            'x': 0, 'y': box['y'] - 60, 'width': 720,
            'height': box['height'] + 80})
    page.keyboard.press('Escape')
    if columns.is_visible():
        menu_button.click()
    shots.idle()

    # --- the first answer: its ratings, then its signals
    rows.first.locator('td').nth(headers.index('Mã hồ sơ')).dblclick()
    shots.tab.locator('.form').first.wait_for(state='visible')
    shots.idle(1)
    response = rpc(page, 'model.satisfaction.response.search',
        [('review_state', '=', 'pending')], 0, 1,
        [('submitted_date', 'ASC'), ('id', 'ASC')])[0]
    flags = rpc(page, 'model.satisfaction.response.flag.search_read',
        [('response', '=', response)], 0, None, None,
        ['reason:string', 'detail'])
    log(f"  answer {response}: " + "; ".join(
            f"{f['reason:string']} ({f['detail']})" for f in flags))
    shots.shot('evaluator-review-answer.png')
    scroll_form(shots, 'bottom')
    shots.shot('evaluator-review-signals.png')

    # the invitation behind it: agency and counter when it was returned
    scroll_form(shots, 'top')
    shots.tab.locator('.form input[name="invitation"]').locator(
        'xpath=ancestor::div[contains(@class, "input-group")][1]'
        '//button[contains(@class, "btn-link")]').first.click()
    dialog = shots.modal()
    dialog.wait_for(state='visible')
    shots.idle(1)
    shots.shot('evaluator-review-invitation.png',
        element='.modal.in .modal-dialog', pad=16)
    dialog.locator('.modal-footer button').last.click()
    shots.idle()

    # --- exclude the answer, in the queue's tab: the reason is required
    review(page, shots, 'exclude', EXCLUDE_REASON,
        required_shot='evaluator-review-reason-required.png',
        shot='evaluator-review-exclude.png')
    scroll_form(shots, 'bottom')
    shots.shot('evaluator-review-excluded.png')
    rows = queue_rows(page, shots)
    shots.idle(1)
    log(f"  queue after the exclusion: {rows.count()} answers waiting")
    # every answer, the excluded one among them
    close_tabs(page, shots)
    show_menu(page, shots)
    menu(page, shots, 'Hài lòng', 'Phiếu trả lời')
    shots.list_rows().first.wait_for(state='visible')
    shots.idle(1)
    hide_menu(page, shots)
    shots.shot('evaluator-review-answers.png', clip=content_box(
            shots, '.treeview', bottom=420))

    # --- the scorecard: unchanged until Tính điểm, then after
    stale = scorecard_numbers(page, scorecard)
    report("scorecard after the exclusion, not computed", stale)
    close_tabs(page, shots)
    open_scorecard(page, shots, url, database, scorecard)
    compute(page, shots)
    after = scorecard_numbers(page, scorecard)
    report("scorecard after Tính điểm", after)
    scorecard_shots(page, shots, 'after')

    # --- the figures views
    figures_by_agency(page, shots)
    figures_by_month(page, shots)

    # --- restore the answer, compute again
    close_tabs(page, shots)
    shots.open_record(url, database, 'satisfaction.response', response)
    review(page, shots, 'restore', RESTORE_REASON)
    scroll_form(shots, 'bottom')
    shots.shot('evaluator-review-restored.png')
    reviews = rpc(page, 'model.satisfaction.response.review.search_read',
        [('response', '=', response)], 0, None, None,
        ['action:string', 'user.rec_name', 'reason'])
    for line in reviews:
        log(f"  review: {line['action:string']} by "
            f"{line['user.']['rec_name']}: {line['reason']}")
    close_tabs(page, shots)
    open_scorecard(page, shots, url, database, scorecard)
    compute(page, shots)
    report("scorecard after the restore and Tính điểm",
        scorecard_numbers(page, scorecard))


def main(argv=None):
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix='review-shots-'))

    def demo():
        return survey_demo(args.venv, args.keep, args.dossiers)

    with served(args.url, demo) as (url, _), sao_browser(
            args.chromium, accept_downloads=False) as (_, page, errors):
        shots = EvaluatorShots(page, args.out)
        with failure_screenshot(page, work / 'failed.png', errors):
            run(page, shots, url, args.database, args.login, args.password)
        if errors:
            log(f"page errors: {errors}")
    report_sizes(shots.taken)


if __name__ == '__main__':
    main()
