# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The survey from the counter to the citizen's phone, with real parts only:
a real trytond server, the receipt PDF rasterised by pdftoppm, its QR code
decoded by zbar, the survey reached over real HTTP and, in a real headless
Chromium at a phone's 360x640 viewport, answered or declined."""
import re
import shutil
import subprocess

import pytest
from survey_world import Browser, answer_form, build_world, stored
from test_rpc_access import unique_agency_code


def need(tool):
    path = shutil.which(tool)
    assert path, f"{tool} is missing: bin/test installs it"
    return path


@pytest.fixture(scope='module')
def world(server, admin):
    "A service centre with a counter; the QR codes lead to this server"
    config_id = 1
    admin.model('satisfaction.configuration').write(
        [config_id], {'survey_base_url': server.url})
    return build_world(admin, 'E2E',
        agency={'name': "Trung tâm Hành chính công tỉnh",
            'kind': 'service_centre'},
        counter={'code': 'Q1', 'name': "Quầy số 1"},
        procedure={'name': "Cấp giấy phép xây dựng", 'processing_days': 5},
        party={'name': "Phạm Văn Bình"})


@pytest.fixture(scope='module')
def immediate_procedure(world):
    "A procedure whose result is handed over at once: never surveyed"
    procedure_id, = world.admin.model('one_stop.procedure').create([{
                'code': 'E2E.' + unique_agency_code(),
                'name': "Chứng thực bản sao",
                'processing_days': 0, 'immediate_result': True}])
    return procedure_id


def print_receipt(world, action_id, dossier_id, tmp_path):
    "Execute the report the button opened; return the PDF path"
    admin = world.admin
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


def responses_of(world, dossier_id):
    return [response for response, _ in stored(
            world.admin, [dossier_id])[dossier_id]]


ANSWERS = answer_form(
    official=5, result=4, overall=5, come_back=0,
    comment="Cán bộ hướng dẫn tận tình.", lang=None)


def test_receipt_qr_leads_to_one_stored_response(world, tmp_path):
    (dossier_id,), action_id = world.return_results()
    pdf = print_receipt(world, action_id, dossier_id, tmp_path)
    urls = scan(pdf)
    assert len(urls) == 1, urls
    url, = urls
    assert url.startswith(world.server.url + '/')
    assert re.search(r'/s/[A-Za-z0-9_-]{22}$', url), url

    phone = Browser(world.server)
    reply = phone.open(url)
    assert reply.status == 200
    row, = world.admin.model('one_stop.dossier').read(
        [dossier_id], ['satisfaction_state', 'code'])
    assert row['satisfaction_state'] == 'opened'
    assert row['code'] not in reply.text  # no personal or case data needed

    assert phone.open(url, ANSWERS).status == 200
    (response, by_code), = stored(world.admin, [dossier_id])[dossier_id]
    assert response['comment'] == "Cán bộ hướng dẫn tận tình."
    assert by_code['overall']['value'] == 5
    assert by_code['access']['value'] == 4
    assert by_code['feedback']['not_applicable']
    assert by_code['feedback']['value'] is None
    assert by_code['come_back']['choice'] == '0'

    assert phone.open(url, ANSWERS).status == 409
    assert len(responses_of(world, dossier_id)) == 1
    row, = world.admin.model('one_stop.dossier').read(
        [dossier_id], ['satisfaction_state'])
    assert row['satisfaction_state'] == 'answered'


@pytest.mark.parametrize('values, reason', [
        ({'channel': 'online'}, 'online'),
        ({'channel': 'postal'}, 'postal_submission'),
        ({'immediate': True}, 'immediate_result'),
        ])
def test_excluded_dossiers_get_no_invitation(
        world, immediate_procedure, tmp_path, values, reason):
    values = dict(values)
    if values.pop('immediate', False):
        values['procedure'] = immediate_procedure
    (dossier_id,), action_id = world.return_results(**values)
    # No invitation: the button opens nothing and the receipt has no QR
    assert action_id is None
    row, = world.admin.model('one_stop.dossier').read(
        [dossier_id], ['satisfaction_state', 'satisfaction_eligibility'])
    assert row['satisfaction_eligibility'] == reason
    assert row['satisfaction_state'] == 'not_eligible'
    count = world.admin.model('satisfaction.invitation').search_count(
        [('dossier', '=', dossier_id)], 0, None)
    assert count == 0
    receipt_action = world.admin.model('ir.action.report').search(
        [('report_name', '=', 'one_stop.dossier.result_receipt')],
        0, None, None)
    action, = world.admin.model('ir.action.report').read(
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
    (dossier_id,), action_id = world.return_results()
    url, = scan(print_receipt(world, action_id, dossier_id, tmp_path))
    return dossier_id, url


def test_browser_answers_a_survey(world, browser, tmp_path):
    from selenium.webdriver.common.by import By
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
    responses = responses_of(world, dossier_id)
    assert len(responses) == 1 and responses[0]['comment'] == "Rất tốt"


def test_browser_declines(world, browser, tmp_path):
    "Two steps: the link of the invitation, then the confirmation"
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    dossier_id, url = survey_url(world, tmp_path)
    browser.get(url)
    browser.find_element(By.PARTIAL_LINK_TEXT, 'Không tham gia').click()
    WebDriverWait(browser, 20).until(
        lambda driver: driver.current_url == url + '/decline')
    row, = world.admin.model('one_stop.dossier').read(
        [dossier_id], ['satisfaction_state'])
    assert row['satisfaction_state'] == 'opened'  # not yet declined
    browser.find_element(
        By.XPATH, '//input[@name="action"][@value="decline"]'
        '/ancestor::form//button[@type="submit"]').click()
    wait_for_text(browser, 'Cảm ơn')
    row, = world.admin.model('one_stop.dossier').read(
        [dossier_id], ['satisfaction_state'])
    assert row['satisfaction_state'] == 'declined'
    assert responses_of(world, dossier_id) == []
