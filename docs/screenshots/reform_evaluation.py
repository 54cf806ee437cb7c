#!/usr/bin/env python3
"""Screenshots of the evaluator's guide (docs/evaluator-guide.md).

Drives the sao web client (Vietnamese, 1280x800) as the administrator
``admin`` — the only demo user in both the Reform Evaluator and the
Satisfaction Evaluator groups (``danhgia`` is a Satisfaction Evaluator
only) — through the CCHC periods, criteria, thresholds, scorecards, the
drill-down to the answers, the figures by agency and by month and the
"Xuất ra Excel" wizard, and writes docs/img/evaluator-*.png.  The XLSX
downloaded is rendered with LibreOffice (soffice --headless --convert-to
pdf, then pdftoppm).

Usage (from the repository root, with the project's virtualenv)::

    .venv/bin/python docs/screenshots/reform_evaluation.py     # private demo
    .venv/bin/python docs/screenshots/reform_evaluation.py \\
        --url http://localhost:8000/ --database demo \\
        --db-file var/db/demo.sqlite

Without --url the script builds a private SQLite demo database in a
temporary directory like bin/demo (one_stop and public_satisfaction, which
brings reform_evaluation, the Vietnamese texts, one-stop-demo with
--dossiers 20000 so that several agencies have sufficient samples), serves
it on a free local port and stops it at the end.  It never touches var/db.
With --url it uses a running server of the demo and needs --db-file (the
SQLite file, read only) to find the periods and scorecards.  It changes
no evaluation data; it cancels admin's first-login module configuration
wizard and, if admin's language is not Vietnamese, sets it to vi.

Needs /usr/bin/chromium (never `playwright install`), soffice
(libreoffice-calc-nogui) and pdftoppm.
"""
import argparse
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from one_stop import (  # noqa: E402
    CHROMIUM_ARGS, DATETIME_SHIM, ROOT, VIEWPORT, PrivateDemo, Shots, log)

ADMIN, ADMIN_PASSWORD = 'admin', 'admin'
DOSSIERS = 20000
MAX_KB = 250  # the documentation's limit per image


class ReformDemo(PrivateDemo):
    "The private demo of one_stop.py with the survey plugin, more dossiers"

    def __init__(self, venv, keep=False, dossiers=DOSSIERS):
        super().__init__(venv, keep=keep)
        self.dossiers = dossiers

    def __enter__(self):
        import socket
        bin_ = self.venv / 'bin'
        conf = self.dir / 'trytond.conf'
        (self.dir / 'db').mkdir()
        conf.write_text(f"""[database]
uri = sqlite://
path = {self.dir / 'db'}
language = vi

[web]
listen = localhost:{self.port}
root = {ROOT / 'web' / 'node_modules' / 'tryton-sao'}

[session]
timeout = 3600

[request]
timeout = 300
""")
        self.db_file = self.dir / 'db' / 'demo.sqlite'
        self.db_file.touch()
        (self.dir / 'pass').write_text(f'{ADMIN_PASSWORD}\n')
        logfile = open(self.dir / 'setup.log', 'w')
        log(f"building a private demo database in {self.dir}")
        self.run(bin_ / 'trytond-admin', '-c', conf, '-d', 'demo',
            '-u', 'one_stop', 'public_satisfaction', '--activate-dependencies',
            '--email', 'admin@example.com',
            env={'TRYTONPASSFILE': str(self.dir / 'pass')},
            stdout=logfile, stderr=logfile)
        self.run(bin_ / 'trytond-admin', '-c', conf, '-d', 'demo',
            '--all', '-l', 'vi', stdout=logfile, stderr=logfile)
        self.run(bin_ / 'one-stop-demo', '-c', conf, '-d', 'demo',
            '--dossiers', str(self.dossiers), stdout=logfile, stderr=logfile)
        self.server_log = open(self.dir / 'trytond.log', 'w')
        self.process = subprocess.Popen(
            [bin_ / 'trytond', '-c', conf, '-d', 'demo'],
            cwd=self.dir, stdout=self.server_log, stderr=self.server_log)
        for _ in range(100):
            try:
                with socket.create_connection(('localhost', self.port), 1):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"trytond did not start: {self.dir}")
        log(f"serving {self.url} (pid {self.process.pid})")
        return self


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--url', help="sao URL of a running trytond "
        "(default: build and serve a private demo database)")
    parser.add_argument('--database', default='demo')
    parser.add_argument('--db-file', type=Path,
        help="the SQLite file of the running demo (with --url)")
    parser.add_argument('--password', default=ADMIN_PASSWORD,
        help="password of admin (with --url)")
    parser.add_argument('--dossiers', type=int, default=DOSSIERS,
        help="dossiers of the private demo (default %(default)s)")
    parser.add_argument('--out', type=Path, default=ROOT / 'docs' / 'img')
    parser.add_argument('--chromium', default='/usr/bin/chromium')
    parser.add_argument('--venv', type=Path,
        default=Path(sys.executable).parent.parent)
    parser.add_argument('--keep', action='store_true',
        help="keep the private demo directory (its path is printed)")
    args = parser.parse_args(argv)
    if args.url and not args.db_file:
        parser.error("--url needs --db-file")
    return args


# ------------------------------------------------------------ demo data
def query(db_file, sql, *params):
    connection = sqlite3.connect(f'file:{db_file}?mode=ro', uri=True)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def period_id(db_file, code):
    return query(db_file,
        "SELECT id FROM reform_period WHERE code = ?", code)[0][0]


def mixed_scorecard(db_file, period):
    """An appraised scorecard of period with sufficient and insufficient
    survey lines (the most answers first), as (id, agency code)"""
    return query(db_file, """SELECT s.id, a.code
        FROM reform_scorecard s
        JOIN one_stop_agency a ON a.id = s.agency
        JOIN reform_scorecard_line l ON l.scorecard = s.id
        JOIN reform_criterion c ON c.id = l.criterion
        WHERE s.period = ? AND c.kind LIKE 'survey%'
        GROUP BY s.id, a.code
        HAVING SUM(l.insufficient_sample) BETWEEN 1 AND 3
        ORDER BY MAX(l.sample_size) DESC LIMIT 1""", period)[0]


def criterion_id(db_file, period, code):
    return query(db_file, """SELECT id FROM reform_criterion
        WHERE period = ? AND code = ?""", period, code)[0][0]


# ---------------------------------------------------------------- client
class EvaluatorShots(Shots):
    @property
    def tab(self):
        "The active tab of sao (not the active pages of its notebooks)"
        return self.page.locator('#tabcontent > .tab-pane.active')

    def open_record(self, url, database, model, record_id):
        self.page.goto(f'{url}#{database}/model/{model}/{record_id}')
        self.tab.locator('.form').first.wait_for(state='visible')
        self.idle(1)

    def form_tab(self, label):
        self.tab.locator('.form .nav-tabs a', has_text=label).first.click()
        self.idle()

    def list_rows(self, scope=None):
        scope = scope or self.tab
        return scope.locator('.treeview tbody tr')


def login(page, shots, url, database, password):
    page.goto(f'{url}#{database}')
    page.wait_for_selector('#login', state='visible')
    page.fill('#login', ADMIN)
    page.click('.login-dialog button[type=submit]')
    field = page.locator('.modal.in input[type=password]')
    field.wait_for(state='visible')
    field.fill(password)
    field.press('Enter')
    # The first login of admin opens the module configuration wizard
    cancel = page.locator('#tabcontent button:visible').filter(
        has_text=re.compile('Cancel|Hủy', re.I))
    for _ in range(60):
        if page.locator('#menu .treeview tbody tr').count():
            break
        if cancel.count():
            time.sleep(1)
            cancel.first.click()
        time.sleep(1)
    page.wait_for_selector('#menu .treeview tbody tr')
    language = page.evaluate('Sao.i18n.getlang()')
    if not language.startswith('vi'):
        # admin is created in English: the guide shows the Vietnamese
        # interface of the evaluators, so switch admin's preference
        log(f"  admin's language is {language}: setting it to vi")
        page.evaluate('''() => Sao.rpc({
                method: 'model.res.user.set_preferences',
                params: [{language: 'vi'}, {}]},
            Sao.Session.current_session)''')
        page.reload()
        page.wait_for_selector('#menu .treeview tbody tr')
        shots.idle(1)
    page.wait_for_selector('#menu >> text=Cải cách hành chính')
    shots.idle()


def menu(page, shots, *labels):
    "Open a menu entry by its labels, from the root"
    for label in labels:
        page.locator('#menu').get_by_text(label, exact=True).first.click()
        shots.idle()


def hide_menu(page, shots):
    if page.locator('#menu').is_visible():
        page.click('a.navbar-brand[data-toggle=menu]')
        shots.idle()


def show_menu(page, shots):
    if not page.locator('#menu').is_visible():
        page.click('a.navbar-brand[data-toggle=menu]')
        shots.idle()


def close_tabs(page, shots):
    "Close every tab of sao (nothing is modified, so nothing asks)"
    for _ in range(20):
        close = page.locator('#tablist li.active .close')
        if not close.count():
            break
        close.first.click()
        shots.idle(0.3)


def content_box(shots, selector='.form', bottom=None):
    "Clip from the top of the tab content to bottom (or the element end)"
    box = shots.tab.locator(selector).first.bounding_box()
    top = max(shots.tab.bounding_box()['y'] - 4, 0)
    end = bottom if bottom is not None else box['y'] + box['height'] + 8
    end = min(end, VIEWPORT['height'])
    return {'x': 0, 'y': top, 'width': VIEWPORT['width'],
        'height': end - top}


def rows_box(shots, count, extra=60):
    "Clip from the tab's toolbar to the end of the count-th list row"
    rows = shots.list_rows()
    last = rows.nth(min(count, rows.count()) - 1).bounding_box()
    top = shots.tab.bounding_box()['y'] - 4
    return {'x': 0, 'y': max(top, 0), 'width': VIEWPORT['width'],
        'height': min(last['y'] + last['height'] + extra,
            VIEWPORT['height']) - max(top, 0)}


def run(page, shots, url, database, db_file, password, work):
    p2024 = period_id(db_file, 'CCHC-2024')
    p2025 = period_id(db_file, 'CCHC-2025')
    p2026 = period_id(db_file, 'CCHC-2026')
    login(page, shots, url, database, password)

    # --- periods
    menu(page, shots, 'Cải cách hành chính', 'Kỳ đánh giá')
    shots.list_rows().first.wait_for(state='visible')
    shots.idle(1)
    shots.shot('evaluator-periods.png', clip={
            'x': 0, 'y': 0, 'width': VIEWPORT['width'], 'height': 420})
    hide_menu(page, shots)

    # --- the published 2024 period: state and hash
    shots.open_record(url, database, 'reform.period', p2024)
    shots.form_tab('Công bố')
    shots.shot('evaluator-period-published.png',
        clip=content_box(shots))

    # --- the 2026 period: criteria (areas) and thresholds
    shots.open_record(url, database, 'reform.period', p2026)
    shots.shot('evaluator-period-criteria.png', clip=content_box(shots))
    shots.form_tab('Ngưỡng xếp loại')
    shots.shot('evaluator-thresholds.png', clip=content_box(shots))

    # --- the criteria tree with area 3 expanded
    close_tabs(page, shots)
    show_menu(page, shots)
    menu(page, shots, 'Tiêu chí')
    shots.list_rows().first.wait_for(state='visible')
    hide_menu(page, shots)
    search = shots.tab.locator('.filter-box input:visible').first
    search.fill('Kỳ đánh giá: CCHC-2026')
    search.press('Enter')
    shots.idle(1)
    # expand the areas 3 then 2 (the rows above do not move)
    for index in [2, 1]:
        shots.list_rows().nth(index).locator('.expander').first.click()
        shots.idle(1)
    shots.shot('evaluator-criteria-tree.png', clip=rows_box(shots, 30))

    # --- a survey criterion: the "Khảo sát" tab
    shots.open_record(url, database, 'reform.criterion',
        criterion_id(db_file, p2026, '3.2'))
    shots.form_tab('Khảo sát')
    shots.shot('evaluator-criterion-survey.png',
        clip=content_box(shots, bottom=560))

    # --- the scorecards of 2025, appraised
    close_tabs(page, shots)
    show_menu(page, shots)
    menu(page, shots, 'Cải cách hành chính', 'Phiếu chấm điểm')
    shots.list_rows().first.wait_for(state='visible')
    hide_menu(page, shots)
    shots.tab.locator('.nav-tabs a', has_text='Đã thẩm định').first.click()
    shots.idle(1)
    shots.shot('evaluator-scorecards.png')

    # the graph of the appraised totals: sao switches from a list to the
    # form when a record is selected, then to the graph
    shots.list_rows().first.locator('td').nth(3).click()
    shots.idle()
    for _ in range(3):
        shots.toolbar('switch_')
        shots.idle(1.5)
        if shots.tab.locator('.graph svg, svg').count():
            break
    shots.idle(1)
    shots.shot('evaluator-scorecards-graph.png')

    # --- a scorecard with sufficient and insufficient survey lines
    scorecard, agency = mixed_scorecard(db_file, p2025)
    log(f"  scorecard of {agency}")
    shots.open_record(url, database, 'reform.scorecard', scorecard)
    # The lines come in the order of the criteria's sequences (see the
    # guide): scroll the list to the line of 3.1, the first survey line
    first = shots.list_rows(shots.tab.locator('.form')).filter(
        has_text='3.1 ').first
    first.evaluate('''row => {
        const view = row.closest('.treeview');
        view.scrollTop = row.offsetTop
            - view.querySelector('thead').offsetHeight;
        }''')
    time.sleep(0.4)
    shots.shot('evaluator-scorecard.png')

    # the line of 3.2 (overall satisfaction) as a form, with its explanation
    row = shots.list_rows(shots.tab.locator('.form')).filter(
        has_text='3.2 ').first
    row.locator('td').nth(1).click()
    shots.idle()
    shots.tab.locator('.form button[aria-label="Switch"], '
        '.form button[aria-label="Chuyển đổi"]').first.click()
    shots.idle(1)
    shots.shot('evaluator-scorecard-line.png')

    # the drill-down to the answers
    shots.tab.locator('.form button[name="open_answers"]').first.click()
    shots.idle(1.5)
    shots.list_rows().first.wait_for(state='visible')
    shots.idle(1)
    shots.shot('evaluator-answers.png', clip=rows_box(shots, 18))

    # --- figures by agency over 2025: list and the two graphs
    close_tabs(page, shots)
    show_menu(page, shots)
    menu(page, shots, 'Hài lòng', 'Chỉ số theo cơ quan')
    hide_menu(page, shots)
    # the default context: from the 1st of January to today (typing other
    # dates in the context form from a script does not reach the query)
    shots.idle(2)
    shots.shot('evaluator-figures-agency.png')
    shots.toolbar('switch_')
    shots.idle(2)
    shots.toolbar('switch_')
    shots.idle(2)
    shots.shot('evaluator-figures-coverage.png', clip={
            'x': 0, 'y': 0, 'width': VIEWPORT['width'], 'height': 600})
    # back to the list, then the satisfaction graph (the horizontal bars of
    # two dozen agencies overlap: see the guide)
    shots.toolbar('switch_')
    shots.idle(2)
    shots.toolbar('switch_')
    shots.idle(2)
    shots.shot('evaluator-figures-satisfaction.png', clip={
            'x': 0, 'y': 0, 'width': VIEWPORT['width'], 'height': 600})

    # --- monthly trend since 2024
    close_tabs(page, shots)
    show_menu(page, shots)
    menu(page, shots, 'Xu hướng theo tháng')
    hide_menu(page, shots)
    # the default context: from the 1st of January to today
    shots.idle(2)
    shots.shot('evaluator-figures-month.png', clip={
            'x': 0, 'y': 0, 'width': VIEWPORT['width'], 'height': 600})

    # --- the "Xuất ra Excel" wizard on the 2025 period
    close_tabs(page, shots)
    shots.open_record(url, database, 'reform.period', p2025)
    shots.settle()
    shots.toolbar('action')
    time.sleep(0.5)
    item = shots.tab.locator('.dropdown-menu a', has_text='Xuất ra Excel')
    item.first.wait_for(state='visible')
    shots.shot('evaluator-export-menu.png', clip={
            'x': 640, 'y': 50, 'width': 640, 'height': 200})
    item.first.click()
    dialog = shots.modal()
    dialog.wait_for(state='visible')
    shots.idle(1)
    shots.shot('evaluator-export-wizard.png',
        element='.modal.in .modal-dialog', pad=40)
    with page.expect_download(timeout=60000) as info:
        save = dialog.locator('button').filter(
            has=page.locator('[class*=save], img')).first
        buttons = dialog.locator('.modal-body button')
        for index in range(buttons.count()):
            title = (buttons.nth(index).get_attribute('title') or '').lower()
            if 'lưu' in title or 'save' in title:
                save = buttons.nth(index)
                break
        save.click()
    xlsx = work / info.value.suggested_filename
    info.value.save_as(xlsx)
    log(f"  downloaded {xlsx.name}")
    dialog.locator('.modal-footer button').last.click()
    shots.idle()
    render_xlsx(xlsx, shots)
    return xlsx


def search_filter(shots, text):
    "Search the active list or graph with text"
    search = shots.tab.locator('.filter-box input:visible').first
    search.fill(text)
    search.press('Enter')
    shots.idle(2)


def set_context(page, shots, from_date, to_date):
    "Fill the context form of a figures view and reload"
    form = shots.tab.locator('.context-form, .screen-context').first
    if not form.count():
        form = shots.tab
    from_field = form.locator('[name="from_date"] input, '
        'input[name="from_date"]').first
    from_field.fill(from_date)
    from_field.press('Tab')
    shots.idle(1)
    if to_date:
        to_field = form.locator('[name="to_date"] input, '
            'input[name="to_date"]').first
        to_field.fill(to_date)
        to_field.press('Tab')
    shots.idle(2)


def render_xlsx(xlsx, shots):
    """The first sheet of the workbook as an image: LibreOffice prints the
    workbook to PDF, pdftoppm rasterises its first page"""
    work = xlsx.parent
    profile = work / 'lo-profile'
    subprocess.run(['soffice', '--headless', '--norestore',
            f'-env:UserInstallation=file://{profile}',
            '--convert-to', 'pdf', '--outdir', str(work), str(xlsx)],
        check=True, capture_output=True, timeout=180)
    pdf = xlsx.with_suffix('.pdf')
    # the whole first page (the sheet is printed as wide as the page)
    page = shots.out / 'evaluator-xlsx-page.png'
    subprocess.run(['pdftoppm', '-r', '90', '-png', '-f', '1', '-l', '1',
            '-singlefile', pdf, page.with_suffix('')], check=True)
    # its top left corner, readable: rank, agency, totals, classification
    # and the first survey columns
    table = shots.out / 'evaluator-xlsx-ranking.png'
    subprocess.run(['pdftoppm', '-r', '300', '-png', '-f', '1', '-l', '1',
            '-x', '60', '-y', '190', '-W', '1280', '-H', '640',
            '-singlefile', pdf, table.with_suffix('')], check=True)
    for png in [page, table]:
        shots.taken.append(png)
        log(f"  {png.relative_to(ROOT) if png.is_relative_to(ROOT) else png}")


def main(argv=None):
    args = parse_args(argv)
    from playwright.sync_api import sync_playwright
    args.out.mkdir(parents=True, exist_ok=True)
    demo = None
    url, db_file, password = args.url, args.db_file, args.password
    if not url:
        demo = ReformDemo(args.venv, keep=args.keep,
            dossiers=args.dossiers).__enter__()
        url, db_file, password = demo.url, demo.db_file, ADMIN_PASSWORD
    if not url.endswith('/'):
        url += '/'
    work = Path(tempfile.mkdtemp(prefix='reform-shots-'))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=args.chromium, args=CHROMIUM_ARGS)
            context = browser.new_context(
                viewport=VIEWPORT, locale='vi-VN',
                timezone_id='Asia/Ho_Chi_Minh', accept_downloads=True)
            page = context.new_page()
            page.set_default_timeout(30000)
            page.add_init_script(DATETIME_SHIM)
            errors = []
            page.on('pageerror', lambda e: errors.append(str(e)))
            shots = EvaluatorShots(page, args.out)
            try:
                xlsx = run(page, shots, url, args.database, db_file,
                    password, work)
            except Exception:
                page.screenshot(path=work / 'failed.png')
                log(f"failed: see {work / 'failed.png'}; "
                    f"page errors: {errors}")
                raise
            browser.close()
    finally:
        if demo:
            demo.__exit__(None, None, None)
    for path in shots.taken:
        size = path.stat().st_size // 1024
        flag = '  TOO BIG' if size >= MAX_KB else ''
        log(f"{size:4d} KB  {path.name}{flag}")
    log(f"workbook {xlsx.name} and its PDF kept in {work}")


if __name__ == '__main__':
    main()
