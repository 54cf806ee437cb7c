# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The survey from the counter to the citizen's phone, with real parts only:
a real trytond server, the receipt PDF rasterised by pdftoppm, its QR code
decoded by zbar, the survey reached over real HTTP and, in a real headless
Chromium at a phone's 360x640 viewport, answered or declined."""
import random
import re
import shutil
import string
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest

MODULES = ('public_satisfaction',)


def unique_code():
    alphabet = string.ascii_uppercase + string.digits
    return '.'.join(
        ['X' + ''.join(random.choices(alphabet, k=2)) for _ in range(3)])


def need(tool):
    path = shutil.which(tool)
    assert path, f"{tool} is missing: bin/test installs it"
    return path


@pytest.fixture(scope='module')
def counter_world(trytond_server_factory):
    server = trytond_server_factory(MODULES)
    admin = server.client()
    config_id = 1
    admin.model('satisfaction.configuration').write(
        [config_id], {'survey_base_url': server.url})
    agency_id, = admin.model('one_stop.agency').create([{
                'name': "Trung tâm Hành chính công tỉnh",
                'code': unique_code(), 'kind': 'service_centre'}])
    counter_id, = admin.model('one_stop.counter').create([{
                'agency': agency_id, 'code': 'Q1', 'name': "Quầy số 1"}])
    procedure_id, = admin.model('one_stop.procedure').create([{
                'code': 'E2E.' + unique_code(),
                'name': "Cấp giấy phép xây dựng", 'processing_days': 5}])
    immediate_id, = admin.model('one_stop.procedure').create([{
                'code': 'E2E.' + unique_code(), 'name': "Chứng thực bản sao",
                'processing_days': 0, 'immediate_result': True}])
    party_id, = admin.model('party.party').create([{'name': "Phạm Văn Bình"}])
    return dict(
        server=server, admin=admin, agency=agency_id, counter=counter_id,
        procedure=procedure_id, immediate=immediate_id, party=party_id)


def returned_dossier(world, **values):
    "Receive, process and return a dossier; return its id and the action"
    Dossier = world['admin'].model('one_stop.dossier')
    dossier_id, = Dossier.create([{
                'applicant': world['party'], 'procedure': world['procedure'],
                'agency': world['agency'], 'counter': world['counter'],
                'channel': 'counter', **values}])
    Dossier.process([dossier_id])
    Dossier.mark_ready([dossier_id])
    return dossier_id, Dossier.return_result([dossier_id])


def print_receipt(world, action_id, dossier_id, tmp_path):
    "Execute the report the button opened; return the PDF path"
    admin = world['admin']
    action, = admin.model('ir.action.report').search_read(
        [('action', '=', action_id)], 0, None, None, ['report_name'])
    ext, content, _, _ = admin.call(
        f"report.{action['report_name']}.execute", [dossier_id], {},
        admin.context_for())
    assert ext == 'pdf'
    pdf = tmp_path / f'receipt-{dossier_id}.pdf'
    pdf.write_bytes(bytes(content))
    return pdf


def scan(pdf):
    "Rasterise the first page and decode its QR codes"
    png_root = pdf.with_suffix('')
    subprocess.run(
        [need('pdftoppm'), '-r', '150', '-png', '-f', '1', '-l', '1',
            '-singlefile', str(pdf), str(png_root)], check=True)
    result = subprocess.run(
        [need('zbarimg'), '--raw', '-q', str(png_root) + '.png'],
        capture_output=True, text=True)
    # zbarimg exits 4 when it finds no symbol
    assert result.returncode in {0, 4}, result.stderr
    return [line for line in result.stdout.splitlines() if line]


def http(url, data=None, method=None):
    "Return (status, body) of a real HTTP request, following no redirect"
    body = urllib.parse.urlencode(data, doseq=True).encode() if data else None

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=body, method=method)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def responses_of(world, dossier_id):
    return world['admin'].model('satisfaction.response').search_read(
        [('dossier', '=', dossier_id)], 0, None, None,
        ['invitation', 'answers', 'comment'])


ANSWERS = {
    'q_access': '4', 'q_procedure': '5', 'q_official': '5', 'q_result': '4',
    'q_feedback': 'na', 'q_overall': '5', 'q_come_back': '0',
    'q_agencies': '1', 'q_comment': "Cán bộ hướng dẫn tận tình.",
    'action': 'answer',
    }


def test_receipt_qr_leads_to_one_stored_response(counter_world, tmp_path):
    world = counter_world
    dossier_id, action_id = returned_dossier(world)
    pdf = print_receipt(world, action_id, dossier_id, tmp_path)
    urls = scan(pdf)
    assert len(urls) == 1, urls
    url, = urls
    assert url.startswith(world['server'].url + '/')
    assert re.search(r'/s/[A-Za-z0-9_-]{22}$', url), url

    status, page = http(url)
    assert status == 200
    row, = world['admin'].model('one_stop.dossier').read(
        [dossier_id], ['satisfaction_state', 'code'])
    assert row['satisfaction_state'] == 'opened'
    assert row['code'] not in page  # no personal or case data needed

    status, _ = http(url, ANSWERS)
    assert status == 200
    stored = responses_of(world, dossier_id)
    assert len(stored) == 1
    assert stored[0]['comment'] == ANSWERS['q_comment']
    answers = world['admin'].model('satisfaction.response.answer').read(
        stored[0]['answers'], ['question.code', 'value', 'not_applicable',
            'choice'])
    by_code = {a['question.']['code']: a for a in answers}
    assert by_code['overall']['value'] == 5
    assert by_code['access']['value'] == 4
    assert by_code['feedback']['not_applicable']
    assert by_code['feedback']['value'] is None
    assert by_code['come_back']['choice'] == '0'

    status, _ = http(url, ANSWERS)
    assert status == 409
    assert len(responses_of(world, dossier_id)) == 1
    row, = world['admin'].model('one_stop.dossier').read(
        [dossier_id], ['satisfaction_state'])
    assert row['satisfaction_state'] == 'answered'


@pytest.mark.parametrize('values, reason', [
        ({'channel': 'online'}, 'online'),
        ({'channel': 'postal'}, 'postal_submission'),
        ({'immediate': True}, 'immediate_result'),
        ])
def test_excluded_dossiers_get_no_invitation(
        counter_world, tmp_path, values, reason):
    world = counter_world
    values = dict(values)
    if values.pop('immediate', False):
        values['procedure'] = world['immediate']
    dossier_id, action_id = returned_dossier(world, **values)
    # No invitation: the button opens nothing and the receipt has no QR
    assert action_id is None
    row, = world['admin'].model('one_stop.dossier').read(
        [dossier_id], ['satisfaction_state', 'satisfaction_eligibility'])
    assert row['satisfaction_eligibility'] == reason
    assert row['satisfaction_state'] == 'not_eligible'
    count = world['admin'].model('satisfaction.invitation').search_count(
        [('dossier', '=', dossier_id)], 0, None)
    assert count == 0
    receipt_action = world['admin'].model('ir.action.report').search(
        [('report_name', '=', 'one_stop.dossier.result_receipt')],
        0, None, None)
    action, = world['admin'].model('ir.action.report').read(
        receipt_action, ['action'])
    pdf = print_receipt(world, action['action'], dossier_id, tmp_path)
    assert scan(pdf) == []


# Browser tests ------------------------------------------------------------

@pytest.fixture(scope='module')
def browser():
    webdriver = pytest.importorskip(
        'selenium.webdriver', reason="selenium is installed by bin/test")
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = need('chromium')
    for argument in [
            '--headless', '--no-sandbox', '--disable-gpu',
            '--disable-background-networking', '--disable-component-update',
            '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
            '--window-size=360,640']:
        options.add_argument(argument)
    # Scripts are off: the page must work without JavaScript
    options.add_experimental_option(
        'prefs', {'profile.managed_default_content_settings.javascript': 2})
    driver = webdriver.Chrome(
        service=Service(need('chromedriver')), options=options)
    driver.set_window_size(360, 640)
    yield driver
    driver.quit()


def wait_for_text(browser, text, timeout=20):
    "Wait until the page (after a navigation) shows text"
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def shown(driver):
        try:
            body = driver.find_element(By.TAG_NAME, 'body').text
            return text.lower() in body.lower()
        except WebDriverException:
            return False
    WebDriverWait(browser, timeout).until(shown)


def survey_url(world, tmp_path):
    dossier_id, action_id = returned_dossier(world)
    url, = scan(print_receipt(world, action_id, dossier_id, tmp_path))
    return dossier_id, url


def test_browser_answers_a_survey(counter_world, browser, tmp_path):
    from selenium.webdriver.common.by import By
    world = counter_world
    dossier_id, url = survey_url(world, tmp_path)
    browser.get(url)
    width = browser.find_element(By.TAG_NAME, 'body').size['width']
    assert width <= 360
    start = browser.find_element(By.PARTIAL_LINK_TEXT, 'Bắt đầu')
    start.click()
    for code, value in [
            ('access', '5'), ('procedure', '4'), ('official', '5'),
            ('result', '5'), ('feedback', 'na'), ('overall', '4')]:
        radio = browser.find_element(
            By.CSS_SELECTOR, f'input[name="q_{code}"][value="{value}"]')
        label = browser.find_element(
            By.CSS_SELECTOR, f'label[for="{radio.get_attribute("id")}"]')
        label.click()
        assert radio.is_selected()
    browser.find_element(By.NAME, 'q_comment').send_keys("Rất tốt")
    browser.find_element(
        By.XPATH, '//input[@name="action"][@value="answer"]'
        '/ancestor::form//button[@type="submit"]').click()
    wait_for_text(browser, 'Cảm ơn')
    browser.save_screenshot(str(tmp_path / 'thanks.png'))
    stored = responses_of(world, dossier_id)
    assert len(stored) == 1 and stored[0]['comment'] == "Rất tốt"


def test_browser_declines(counter_world, browser, tmp_path):
    from selenium.webdriver.common.by import By
    world = counter_world
    dossier_id, url = survey_url(world, tmp_path)
    browser.get(url)
    browser.find_element(
        By.XPATH, '//input[@name="action"][@value="decline"]'
        '/ancestor::form//button[@type="submit"]').click()
    wait_for_text(browser, 'Cảm ơn')
    row, = world['admin'].model('one_stop.dossier').read(
        [dossier_id], ['satisfaction_state'])
    assert row['satisfaction_state'] == 'declined'
    assert responses_of(world, dossier_id) == []
