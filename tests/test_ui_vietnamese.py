# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Clerks, supervisors and evaluators see Vietnamese only.

A real trytond (conftest: one_stop, public_satisfaction, reform_evaluation,
with the Vietnamese loaded by ``trytond-admin -l vi`` on a new database)
serves sao from the web root that bin/test builds (var/sao-root, with the
Vietnamese of sao compiled from web/locale/vi.po).  A headless Chromium whose
browser language is Vietnamese logs in as a clerk, a supervisor and an
evaluator (users of the modules' groups, language Vietnamese), opens their
screens -- the login and password dialogs, the whole menu tree, every list
their menu opens, the dossier list with its filter dialog, export dialog,
toolbar menus, form, a new dossier saved empty (the "required" message),
the applicant's form with its pages and the "saved" message, the
preferences -- and reads every visible text, tooltip (title), placeholder,
label and option.  The test fails listing every English string found: what
"English" means is in tests/ui_strings.py (the msgids of the catalogues of
sao, of trytond's base modules and of the project's modules whose Vietnamese
differs from them).

It runs on both backends as the rest of the suite: the rendering does not
depend on the backend, but the database the server builds does (the
translations of ir, res and party are loaded by one_stop's override into a
new database of each backend).
"""
import json
import re
import urllib.request

import polib
import pytest
from sao_driver import Sao, chromium
from survey_world import build_world
from test_rpc_access import group_id, unique_agency_code
from ui_strings import (
    OVERRIDE_PO, PLACEHOLDER, SAO_PO, SAO_POT, English, catalogue_pairs,
    normalise, server_pairs)

ROLES = {
    'clerk': ["One-stop Clerk"],
    'supervisor': ["One-stop Supervisor"],
    'evaluator': ["Satisfaction Evaluator", "Reform Evaluator"],
    }
APPLICANT = "Hoàng Thị Lan"


@pytest.fixture(scope='module')
def english(admin):
    return English([*catalogue_pairs(), *server_pairs(admin)])


@pytest.fixture(scope='module')
def world(server, admin):
    "An agency with a received dossier, and a user of each role"
    world = build_world(admin, 'UI', agency={'name': "Sở Tư pháp tỉnh"},
        procedure={'name': "Cấp phiếu lý lịch tư pháp"},
        party={'name': APPLICANT})
    vi, = admin.model('ir.lang').search([('code', '=', 'vi')], 0, None, None)
    suffix = unique_agency_code().replace('.', '').lower()
    users = {}
    for role, groups in ROLES.items():
        login = f'{role}_{suffix}'
        password = f'{role}-Mat-khau-{suffix}'
        admin.model('res.user').create([{
                    'name': f"Nguyễn Văn {role}", 'login': login,
                    'password': password, 'language': vi,
                    'one_stop_agency': world.agency,
                    'groups': [('add', [group_id(admin, g) for g in groups])],
                    }])
        users[role] = (login, password)
    clerk = server.client(*users['clerk'])
    dossier_id, = clerk.model('one_stop.dossier').create([{
                'applicant': world.party, 'procedure': world.procedure,
                'agency': world.agency, 'channel': 'counter'}])
    world.users = users
    world.clerk = clerk
    world.dossier = dossier_id
    return world


def dossier_menu_label(admin):
    "The Vietnamese name of the menu entry of one_stop's dossier list"
    action_id, = admin.model('ir.action.act_window').search([
            ('res_model', '=', 'one_stop.dossier'),
            ('name', '=', "Dossiers"),
            ], 0, None, None, context={'language': 'en'})
    menus = admin.model('ir.ui.menu').search_read(
        [], 0, None, None, ['name', 'action'], context={'language': 'vi'})
    label, = {m['name'] for m in menus
        if m['action'] == f'ir.action.act_window,{action_id}'}
    return label


def window_menus(admin):
    """The Vietnamese names of the menu entries that open a window (those
    the test opens), without the names of entries that run something
    else (a wizard, a report)"""
    menus = admin.model('ir.ui.menu').search_read(
        [], 0, None, None, ['name', 'action'], context={'language': 'vi'})
    windows = {m['name'] for m in menus
        if (m['action'] or '').startswith('ir.action.act_window,')}
    others = {m['name'] for m in menus
        if m['action'] and not m['action'].startswith('ir.action.act_window,')}
    return windows - others


def english_found(sao, english):
    """{msgid: {(kind, text, where, screen)}} of the English strings
    read"""
    found = {}
    for screen, kind, text, where in sao.seen:
        msgid = english.match(text)
        if msgid:
            found.setdefault(msgid, set()).add((kind, text, where, screen))
    return found


def report(found, english):
    lines = []
    for msgid, seen in sorted(found.items()):
        sources = ', '.join(sorted(english.sources[msgid]))
        shown = sorted({f"{text!r} ({kind})" for kind, text, _, _ in seen})
        screens = sorted({screen for *_, screen in seen})
        wheres = sorted({where for _, _, where, _ in seen})
        more = f" and {len(screens) - 3} more" if len(screens) > 3 else ''
        lines.append(f"- {msgid!r} [{sources}] shown as {', '.join(shown)}"
            f" on {'; '.join(screens[:3])}{more} (e.g. {wheres[0]})")
    return (f"{len(lines)} English strings on the screens:\n"
        + '\n'.join(lines))


# --- the catalogues --------------------------------------------------------

def test_sao_catalogue_complete():
    pot = [e.msgid for e in polib.pofile(SAO_POT) if e.msgid]
    po = {e.msgid: e for e in polib.pofile(SAO_PO)}
    untranslated = [m for m in pot if m not in po
        or not (po[m].msgstr or po[m].msgstr_plural.get(0))
        or 'fuzzy' in po[m].flags]
    assert untranslated == []
    assert po['Save'].msgstr == "Lưu"
    assert po['New'].msgstr == "Tạo mới"
    # sao's placeholders %1, %2 kept by every translation
    for msgid in pot:
        entry = po[msgid]
        text = entry.msgstr or entry.msgstr_plural[0]
        assert sorted(re.findall(r'%\d', text)) == sorted(
            re.findall(r'%\d', msgid)), msgid


def test_base_override_complete():
    entries = [e for e in polib.pofile(OVERRIDE_PO) if not e.obsolete]
    # trytond's override format: type:name:<module>.<fs_id or nothing>
    modules = {e.msgctxt.rsplit(':', 1)[1].split('.')[0] for e in entries}
    assert modules == {'ir', 'res', 'country', 'party'}
    untranslated = [e.msgid for e in entries
        if not (e.msgstr or e.msgstr_plural.get(0))]
    assert untranslated == []
    for entry in entries:
        text = entry.msgstr or entry.msgstr_plural[0]
        assert sorted(PLACEHOLDER.findall(text)) == sorted(
            PLACEHOLDER.findall(entry.msgid)), entry.msgid
    by_context = {e.msgctxt: e.msgstr for e in entries}
    assert by_context['model:ir.ui.menu,name:party.menu_party'] == (
        "Tổ chức, cá nhân")
    assert by_context['field:party.party,name:party.'] == "Tên"


def test_english_detection():
    english = English([
            ('sao', 'Save', 'Lưu'),
            ('sao', '"%1" is required.', '"%1" là bắt buộc.'),
            ('sao', '%1 (%2)', '%1 (%2)'),
            ('sao', 'ID', 'ID'),
            ('x.po', 'Untranslated label', ''),
            ])
    assert english.match('Save') == 'Save'
    assert english.match(' Save: ') == 'Save'
    assert english.match('"Tên" is required.') == '"%1" is required.'
    assert english.match('Untranslated label *') == 'Untranslated label'
    assert english.match('Lưu') is None
    assert english.match('"Tên" là bắt buộc.') is None
    assert english.match('Hoàng Lan (Sở Tư pháp)') is None
    assert english.match('ID') is None


# --- the server -------------------------------------------------------------

def test_sao_served_in_vietnamese(server):
    with urllib.request.urlopen(f'{server.url}/', timeout=30) as reply:
        assert b'dist/tryton-sao.js' in reply.read()
    with urllib.request.urlopen(
            f'{server.url}/locale/vi.json', timeout=30) as reply:
        catalogue = json.loads(reply.read())
    assert catalogue['']['language'] == 'vi'
    assert catalogue['Save'] == [None, "Lưu"]
    assert catalogue['Preferences'] == [None, "Tùy chọn"]
    # one form only in Vietnamese, repeated for sao (see web/build.js)
    assert catalogue['%1 record saved'] == [
        '%1 records saved', "Đã lưu %1 bản ghi", "Đã lưu %1 bản ghi"]
    with urllib.request.urlopen(
            f'{server.url}/custom.js', timeout=30) as reply:
        assert b'Sao.Dialog.prototype.add_title' in reply.read()


def test_base_messages_in_vietnamese(world):
    from conftest import RPCError
    clerk = world.clerk
    with pytest.raises(RPCError) as info:
        clerk.model('res.group').write([group_id(world.admin,
                    "One-stop Clerk")], {'name': "x"})
    # ir.msg_access_rule_error with the model name of res (Group)
    assert info.value.message == 'Bạn không được phép truy cập "Nhóm".'
    code, = [r['code'] for r in clerk.model('one_stop.dossier').read(
            [world.dossier], ['code'])]
    with pytest.raises(RPCError) as info:
        clerk.model('one_stop.dossier').return_result([world.dossier])
    assert info.value.message.startswith(
        f'Bạn không thể thực hiện "return_result" trên "{code}" của "')
    with pytest.raises(RPCError) as info:
        clerk.model('one_stop.dossier').create([{}])
    assert info.value.message.startswith('Trường "')
    assert info.value.message.endswith('bắt buộc phải có giá trị.')


# --- the screens -------------------------------------------------------------

def read_menu(sao, admin):
    "Read the expanded menu and every list it opens"
    sao.expand_menu()
    sao.read('menu')
    windows = window_menus(admin)
    leaves = sao.menu_leaves()
    opened = 0
    for index, label in enumerate(leaves):
        if label not in windows:
            continue
        occurrence = leaves[:index].count(label)
        tabs = sao.tab_count()
        sao.open_menu(label, occurrence)
        sao.wait_tab(tabs + 1)
        sao.read(f'menu "{label}"')
        sao.close_tabs()
        opened += 1
    return opened


def read_dossiers(sao, admin, tmp_path):
    "The dossier list, its dialogs and menus, a form, an empty new one"
    label = dossier_menu_label(admin)
    sao.open_menu(label)
    sao.wait_tab(1)
    assert sao.list_rows(), "the clerk's agency has a dossier"
    screen = 'dossier list'
    sao.read(screen)
    # the search/filter dialog
    sao.click(f'{sao.tab} .filter-box button.btn-link')
    sao.one('.modal.in .filter-window')
    sao.read(f'{screen}: filters')
    sao.answer_dialogs()
    # the menu of the tab, then its export dialog
    sao.tab_menu()
    sao.read(f'{screen}: tab menu')
    sao.click(f'{sao.tab} .toolbar .dropdown-menu a#export')
    sao.one('.modal.in')
    sao.read(f'{screen}: export')
    sao.answer_dialogs()
    # the dropdowns of the toolbar on a selected dossier
    sao.press(sao.list_rows()[0])
    for button in ['attach', 'action', 'relate', 'print']:
        if sao.find(f'{sao.tab} .toolbar button#{button}'):
            sao.toolbar(button)
            sao.read(f'{screen}: {button} menu')
            sao.js("jQuery('body').trigger('click')")
            sao.idle(0.2)
    sao.open_first_row()
    read_form(sao, 'dossier form')
    sao.screenshot(tmp_path / 'dossier-form.png')
    # a new dossier saved empty: the client's message on required fields
    sao.toolbar('new_')
    sao.read('new dossier')
    sao.toolbar('save')
    sao.read('new dossier: saved empty')
    sao.close_tabs('new dossier')


def read_form(sao, screen):
    sao.read(screen)
    for index, page in enumerate(sao.form_pages()):
        sao.open_form_page(index)
        sao.read(f'{screen}: page "{page}"')


def read_applicant(sao, world):
    "The applicant's form, its pages, and the message after saving it"
    sao.js("window.location.hash = arguments[0]",
        f'#{world.server.database}/model/party.party/{world.party}')
    sao.one(f'{sao.tab} .form')
    read_form(sao, 'applicant form')
    name = sao.one(f'{sao.tab} .form input[name="name"]')
    name.send_keys(" ")
    sao.toolbar('save')
    sao.read('applicant form: saved')
    sao.close_tabs()


def read_preferences(sao):
    sao.click('#user-preferences > a')
    sao.read('user menu')
    # the first entry after the notifications: Preferences...
    sao.click('#user-preferences .dropdown-menu li.notification-item a')
    sao.one('.modal.in .form')
    sao.read('preferences')
    sao.answer_dialogs()


@pytest.mark.parametrize('role', list(ROLES))
def test_screens_in_vietnamese(world, admin, english, role, tmp_path):
    login, password = world.users[role]
    with chromium('vi') as driver:
        sao = Sao(driver, world.server)
        sao.login(login, password,
            on_dialogs=lambda step: sao.read(f'{step} dialog'))
        assert sao.js('return Sao.i18n.getlang()') == 'vi'
        opened = read_menu(sao, admin)
        if role in {'clerk', 'supervisor'}:
            read_dossiers(sao, admin, tmp_path)
        if role == 'clerk':
            read_applicant(sao, world)
        read_preferences(sao)
        sao.screenshot(tmp_path / f'{role}.png')

    texts = {normalise(text) for _, _, text, _ in sao.seen}
    # what was read is the Vietnamese client, not an empty page
    assert opened >= 1
    expected = {"Tên đăng nhập", f"Mật khẩu của {login}", "Tìm kiếm",
        "Bộ lọc", "Tùy chọn", "Đăng xuất"}
    if role == 'clerk':
        # toolbar titles, export dialog, messages of sao after saving
        expected |= {"Tạo mới", "Lưu", "Xuất dữ liệu", APPLICANT,
            '"Thủ tục" là bắt buộc.', "Đã lưu bản ghi."}
    assert expected - texts == set()
    found = english_found(sao, english)
    assert not found, report(found, english)
