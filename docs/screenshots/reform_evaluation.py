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

The private demo serves the web root that bin/lib.sh builds
(var/sao-root: sao with its Vietnamese catalogue and web/custom.js, whose
horizontal bar graphs grow with their bars), or the one given with
--web-root (ensure_web of bin/lib.sh builds it: run ./bin/demo or
bin/test once first).

Needs /usr/bin/chromium (never `playwright install`), soffice
(libreoffice-calc-nogui) and pdftoppm.
"""
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from common import (  # noqa: E402
    ADMIN_PASSWORD, ROOT, SURVEY_MODULES, VIEWPORT, EvaluatorShots,
    PrivateDemo, argument_parser, close_tabs, content_box, failure_screenshot,
    hide_menu, log, menu, query, report_sizes, sao_browser, served,
    show_menu, shown, sign_in)

ADMIN = 'admin'
DOSSIERS = 20000
WEB_ROOT = ROOT / 'var' / 'sao-root'

# the scorecards of 20000 dossiers take a while to compute
LONG_REQUESTS = """
[request]
timeout = 300
"""


def survey_demo(venv, keep=False, dossiers=DOSSIERS):
    "The private demo with the survey plugin and more dossiers"
    return PrivateDemo(venv, keep, modules=SURVEY_MODULES,
        demos=[('--dossiers', str(dossiers))], config=LONG_REQUESTS)


def parse_args(argv=None):
    parser = argument_parser(__doc__)
    parser.add_argument('--db-file', type=Path,
        help="the SQLite file of the running demo (with --url)")
    parser.add_argument('--password', default=ADMIN_PASSWORD,
        help="password of admin (with --url)")
    parser.add_argument('--dossiers', type=int, default=DOSSIERS,
        help="dossiers of the private demo (default %(default)s)")
    parser.add_argument('--web-root', type=Path, default=WEB_ROOT,
        help="web root served by the private demo (default: %(default)s "
        "when it exists, else sao's package)")
    args = parser.parse_args(argv)
    if args.url and not args.db_file:
        parser.error("--url needs --db-file")
    return args


# ------------------------------------------------------------ demo data
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
def login(page, shots, url, database, password):
    sign_in(page, url, database, ADMIN, password)
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
    # the scorecards of 2026 being self-assessed: provisional totals
    shots.tab.locator('.nav-tabs a', has_text='Đã tự chấm').first.click()
    shots.idle(1)
    shots.list_rows().first.wait_for(state='visible')
    shots.shot('evaluator-scorecards-provisional.png',
        clip=rows_box(shots, 8))
    # the appraised ones, by rank
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
    graph_shot(page, shots, 'evaluator-scorecards-graph.png')

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
        '.form button[aria-label="Chuyển kiểu xem"]').first.click()
    shots.idle(1)
    shots.shot('evaluator-scorecard-line.png')

    # the drill-down to the answers
    shots.tab.locator('.form button[name="open_answers"]').first.click()
    shots.idle(1.5)
    shots.list_rows().first.wait_for(state='visible')
    shots.idle(1)
    shots.shot('evaluator-answers.png', clip=rows_box(shots, 18))

    # --- figures by agency: the list (the default context, from the 1st
    # of January to today), then the two graphs over 2025, when the 48
    # agencies of the demo returned results
    close_tabs(page, shots)
    show_menu(page, shots)
    menu(page, shots, 'Hài lòng', 'Chỉ số theo cơ quan')
    hide_menu(page, shots)
    shots.idle(2)
    shots.shot('evaluator-figures-agency.png')
    for label, name in [
            ('Mức độ hài lòng theo cơ quan',
                'evaluator-figures-satisfaction.png'),
            ('Tỷ lệ khảo sát theo cơ quan', 'evaluator-figures-coverage.png'),
            ]:
        close_tabs(page, shots)
        show_menu(page, shots)
        menu(page, shots, label)
        hide_menu(page, shots)
        set_dates(shots, '01/01/2025', '31/12/2025')
        graph_shot(page, shots, name)

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
        buttons = dialog.locator('.modal-body button:visible')
        for index in range(buttons.count()):
            title = (buttons.nth(index).get_attribute('title') or '').lower()
            if any(word in title
                    for word in ('lưu', 'save', 'tải', 'download')):
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


def set_dates(shots, from_date, to_date):
    """Type the dates of the context form of a figures view, then reload:
    sao searches again with the new context"""
    for name, value in [('from_date', from_date), ('to_date', to_date)]:
        field = shots.tab.locator(f'input[name="{name}"][type="text"]').first
        field.click()
        field.fill(value)
        field.press('Tab')
        shots.idle(1)
    shots.toolbar('reload')
    shots.idle(2)


def graph_shot(page, shots, name):
    """Screenshot the tab down to the end of its graph, however tall: the
    window is made as high as needed for the shot"""
    graph = shots.tab.locator('.graph svg').first
    graph.wait_for(state='visible')
    bottom = graph.bounding_box()['y'] + graph.bounding_box()['height']
    height = max(int(bottom) + 16, VIEWPORT['height'])
    page.set_viewport_size({'width': VIEWPORT['width'], 'height': height})
    shots.idle(1.5)
    graph = shots.tab.locator('.graph svg').first
    box = graph.bounding_box()
    shots.shot(name, clip={'x': 0, 'y': 0, 'width': VIEWPORT['width'],
            'height': box['y'] + box['height'] + 12})
    page.set_viewport_size(VIEWPORT)
    shots.idle(1)


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
        log(f"  {shown(png)}")


def main(argv=None):
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix='reform-shots-'))

    if args.web_root and (args.web_root / 'index.html').exists():
        common.SAO_ROOT = args.web_root

    def demo():
        return survey_demo(args.venv, args.keep, args.dossiers)

    with served(args.url, demo) as (url, private), sao_browser(
            args.chromium) as (_, page, errors):
        db_file = private.db_file if private else args.db_file
        password = ADMIN_PASSWORD if private else args.password
        shots = EvaluatorShots(page, args.out)
        with failure_screenshot(page, work / 'failed.png', errors):
            xlsx = run(page, shots, url, args.database, db_file,
                password, work)
    report_sizes(shots.taken)
    log(f"workbook {xlsx.name} and its PDF kept in {work}")


if __name__ == '__main__':
    main()
