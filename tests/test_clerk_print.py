# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The clerk's receipts over a real trytond server, as sao asks for them:
the button makes the receipt in its own transaction and answers the URL of
a page, served once, that holds the PDF and opens the print dialog."""
import base64
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest
from conftest import RPCError
from survey_world import build_world
from test_rpc_access import group_id, unique_agency_code

# sao sends the id of its bus in the context of every call
SAO = {'client': '8f14e45f-ceea-467f-a4a7-4b1e8a2f0d3c'}


@pytest.fixture(scope='module')
def world(server, admin):
    world = build_world(admin, 'PRN',
        agency={'name': "UBND xã Hòa Bình", 'kind': 'commune_committee'},
        counter={'code': 'Q1', 'name': "Quầy số 1"},
        party={'name': "Hoàng Văn An"})
    suffix = unique_agency_code().replace('.', '').lower()
    login, password = f'clerk_{suffix}', f'Clerk-{suffix}-2025'
    admin.model('res.user').create([{
                'name': "Phạm Thu Hà", 'login': login, 'password': password,
                'groups': [('add', [group_id(admin, "One-stop Clerk")])],
                'one_stop_agency': world.agency,
                'one_stop_counter': world.counter}])
    world.clerk = server.client(login, password)
    return world


def ready_dossier(world):
    "A dossier of the clerk's counter whose result is ready: its id"
    Dossier = world.admin.model('one_stop.dossier')
    dossier_id, = Dossier.create([{
                'applicant': world.party, 'procedure': world.procedure,
                'agency': world.agency, 'counter': world.counter,
                'channel': 'counter'}])
    Dossier.process([dossier_id])
    Dossier.mark_ready([dossier_id])
    return dossier_id


def get(url):
    "(status, headers, body) of a GET of url"
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def page_pdf(body):
    "The PDF held by the page of a printout"
    data, = re.findall(rb'atob\("([A-Za-z0-9+/=]+)"\)', body)
    return base64.b64decode(data)


def pdf_text(pdf, tmp_path):
    path = tmp_path / 'receipt.pdf'
    path.write_bytes(pdf)
    return subprocess.run(['pdftotext', '-layout', str(path), '-'],
        check=True, capture_output=True, text=True).stdout


def test_return_result_answers_the_page_of_the_receipt(
        server, world, tmp_path):
    dossier_id = ready_dossier(world)
    code, = [r['code'] for r in world.admin.model('one_stop.dossier').read(
            [dossier_id], ['code'])]
    Dossier = world.clerk.model('one_stop.dossier')
    action = Dossier.return_result([dossier_id], context=SAO)

    assert action['type'] == 'ir.action.url'
    prefix = f'{server.url}/{server.database}/one_stop/print/'
    assert action['url'].startswith(prefix)
    token = action['url'][len(prefix):]
    assert len(token) == 32  # 24 random bytes in base64url

    status, headers, body = get(action['url'])
    assert status == 200
    assert headers['Content-Type'] == 'text/html; charset=utf-8'
    assert headers['Cache-Control'] == 'no-store'
    assert headers['Referrer-Policy'] == 'no-referrer'
    policy = headers['Content-Security-Policy']
    nonce, = re.findall(r"script-src 'nonce-([^']+)'", policy)
    assert f'<script nonce="{nonce}">'.encode() in body
    assert b'contentWindow.print()' in body
    pdf = page_pdf(body)
    assert pdf.startswith(b'%PDF-')
    assert code in pdf_text(pdf, tmp_path)
    # made in the button's transaction: the invitation is already stamped
    invitation, = world.admin.model('satisfaction.invitation').search_read(
        [('dossier', '=', dossier_id)], 0, None, None,
        ['state', 'printed_date'])
    assert invitation['state'] == 'open'
    assert invitation['printed_date'] is not None

    # served once: a second look (a copy of the URL, the history) gets
    # nothing
    status, _, body = get(action['url'])
    assert status == 404
    assert b'%PDF' not in body and b'atob' not in body


def test_unknown_token_gets_nothing(server):
    status, _, body = get(
        f'{server.url}/{server.database}/one_stop/print/'
        'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
    assert status == 404
    assert b'atob' not in body


def test_a_script_gets_the_report_action(world):
    "Without sao's context the button answers the report action, as before"
    dossier_id = ready_dossier(world)
    action_id = world.clerk.model('one_stop.dossier').return_result(
        [dossier_id])
    assert isinstance(action_id, int)
    report, = world.admin.model('ir.action.report').search_read(
        [('action', '=', action_id)], 0, None, None, ['report_name'])
    assert report['report_name'] == 'one_stop.dossier.result_receipt'


def test_form_01_right_after_reception(server, world, tmp_path):
    "The button of the new dossier's form: received, then Form 01 opened"
    Dossier = world.clerk.model('one_stop.dossier')
    dossier_id, = Dossier.create([{
                'applicant': world.party, 'procedure': world.procedure}],
        context=SAO)
    action = Dossier.print_intake_receipt([dossier_id], context=SAO)
    assert action['type'] == 'ir.action.url'
    status, _, body = get(action['url'])
    assert status == 200
    code, = [r['code'] for r in Dossier.read([dossier_id], ['code'])]
    text = pdf_text(page_pdf(body), tmp_path)
    assert code in text
    assert 'Hoàng Văn An' in text


def test_result_receipt_only_for_a_returned_dossier(world):
    """Refused by the server, not only hidden: the report itself and the
    button refuse a dossier whose result is not returned"""
    dossier_id = ready_dossier(world)
    clerk = world.clerk
    with pytest.raises(RPCError) as info:
        clerk.call('report.one_stop.dossier.result_receipt.execute',
            [dossier_id], {}, clerk.context_for())
    code, = [r['code'] for r in world.admin.model('one_stop.dossier').read(
            [dossier_id], ['code'])]
    assert info.value.message == (
        f'The result receipt of dossier "{code}" is printed only once its '
        'result is returned; it is "Result Ready".')
    with pytest.raises(RPCError) as info:
        clerk.model('one_stop.dossier').print_result_receipt(
            [dossier_id], context=SAO)
    assert 'print_result_receipt' in info.value.message
    # and nothing was printed: the dossier has no invitation yet
    assert world.admin.model('satisfaction.invitation').search_count(
        [('dossier', '=', dossier_id)], 0, None) == 0


def test_reprint_after_return(world):
    "The reprint button of a returned dossier gives a new page each time"
    dossier_id = ready_dossier(world)
    Dossier = world.clerk.model('one_stop.dossier')
    first = Dossier.return_result([dossier_id], context=SAO)
    again = Dossier.print_result_receipt([dossier_id], context=SAO)
    assert again['url'] != first['url']
    for action in [again, first]:
        status, _, body = get(action['url'])
        assert status == 200
        assert page_pdf(body).startswith(b'%PDF-')
    path = urllib.parse.urlsplit(first['url']).path
    assert path.count('/') == 4  # /<db>/one_stop/print/<token>
