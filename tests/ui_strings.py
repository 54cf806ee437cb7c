# This file is part of the one_stop project.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""The English strings a Vietnamese screen must not show, and the strings
that a screen of sao shows (for tests/test_ui_vietnamese.py).

English is what the translation catalogues say it is: every string that a
user of these screens can meet comes from one of them, as its msgid:

- sao's own messages: web/node_modules/tryton-sao/locale/messages.pot,
  translated by web/locale/vi.po;
- trytond's ir, res, country and party: addons/one_stop/locale/override/
  vi.po;
- the project's modules: addons/<module>/locale/vi.po (their field labels,
  help texts, selections, views, menus, messages).

- and, so that a string added to a module but not yet to its vi.po is
  found too, the running server's own: the source of every translation
  trytond registered in English (field labels, help texts, selections,
  model names, the translatable fields of the modules' records: menus,
  actions, tab domains, messages, buttons) and the string, confirm and help
  attributes of every view (what "Set Translations" collects), with their
  Vietnamese translations in the database (``server_pairs``).  Only sources
  in ASCII letters count there: data of the modules written in Vietnamese
  (ir.lang "Tiếng Việt") have an English row without translation.

A msgid is English when its Vietnamese translation differs from it (an
empty msgstr differs: the string is untranslated).  Msgids translated by
themselves (ID, URL, Fax, SIP...) are not, nor is a msgid that is the
Vietnamese translation of another entry.  A rendered string is English when
it equals such a msgid (after the normalisation of ``normalise``: spaces,
a trailing ":" or "*") or matches one with placeholders (``"%1" is
required.``, ``%(field)s (string)``: each placeholder matches any text); a
msgid needs two letters outside its placeholders to be looked for, so that
"%1 (%2)" or "d" never match a name.
"""
import glob
import os
import re

import polib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAO_POT = os.path.join(
    ROOT, 'web', 'node_modules', 'tryton-sao', 'locale', 'messages.pot')
SAO_PO = os.path.join(ROOT, 'web', 'locale', 'vi.po')
OVERRIDE_PO = os.path.join(
    ROOT, 'addons', 'one_stop', 'locale', 'override', 'vi.po')
MODULE_POS = sorted(glob.glob(os.path.join(ROOT, 'addons', '*', 'locale',
            'vi.po')))
PLACEHOLDER = re.compile(r'%\d|%\([a-z_]+\)[sdirf]|%[sd]')
LETTERS = re.compile(r'[A-Za-z]{2}')


def normalise(text):
    text = ' '.join(text.split())
    return re.sub(r'\s*[:*]$', '', text).strip()


def value(entry):
    if entry.msgid_plural:
        return entry.msgstr_plural.get(0, '')
    return entry.msgstr


def catalogue_pairs():
    "Yield (catalogue, msgid, Vietnamese) of every catalogue"
    translated = {e.msgid: value(e) for e in polib.pofile(SAO_PO)
        if not e.obsolete and 'fuzzy' not in e.flags}
    for entry in polib.pofile(SAO_POT):
        if entry.msgid:
            yield 'sao', entry.msgid, translated.get(entry.msgid, '')
    for path in [OVERRIDE_PO, *MODULE_POS]:
        name = os.path.relpath(path, ROOT)
        for entry in polib.pofile(path):
            if entry.msgid and not entry.obsolete:
                vi = '' if 'fuzzy' in entry.flags else value(entry)
                yield name, entry.msgid, vi


def view_strings(arch):
    "The strings of a view that trytond translates"
    from xml.etree import ElementTree
    strings = []
    for element in ElementTree.fromstring(arch).iter():
        for attribute in ('string', 'confirm', 'help'):
            if element.get(attribute):
                strings.append(element.get(attribute))
    return strings


def server_pairs(admin):
    """Yield ('server', source, Vietnamese) of the strings of the server of
    the admin's RPC client (see the module's doc string)"""
    Translation = admin.model('ir.translation')
    sources = {r['src'] for r in Translation.search_read(
            [('lang', '=', 'en')], 0, None, None, ['src']) if r['src']}
    for view in admin.model('ir.ui.view').search_read(
            [], 0, None, None, ['arch']):
        if view['arch']:
            sources.update(view_strings(view['arch']))
    vietnamese = {}
    for row in Translation.search_read(
            [('lang', '=', 'vi'), ('fuzzy', '=', False)], 0, None, None,
            ['src', 'value']):
        if row['src'] and row['value']:
            vietnamese.setdefault(row['src'], set()).add(row['value'])
    for source in sorted(sources):
        if not source.isascii():
            continue
        values = vietnamese.get(source, set())
        if source in values:
            yield 'server', source, source
        else:
            yield 'server', source, min(values, default='')


class English:
    "The English strings of the catalogues, and where they come from"

    def __init__(self, pairs=None):
        pairs = list(catalogue_pairs() if pairs is None else pairs)
        vietnamese = {normalise(vi) for _, _, vi in pairs if vi}
        same = {normalise(msgid) for _, msgid, vi in pairs
            if normalise(vi) == normalise(msgid)}
        self.sources = {}
        for catalogue, msgid, vi in pairs:
            key = normalise(msgid)
            if normalise(vi) == key or key in same or key in vietnamese:
                continue
            if not LETTERS.search(PLACEHOLDER.sub('', key)):
                continue
            self.sources.setdefault(key, set()).add(catalogue)
        self.exact = {k for k in self.sources if not PLACEHOLDER.search(k)}
        self.patterns = []
        for key in self.sources:
            if PLACEHOLDER.search(key):
                parts = PLACEHOLDER.split(key)
                regex = '.+?'.join(re.escape(p) for p in parts)
                self.patterns.append((re.compile(f'^{regex}$'), key))

    def match(self, text):
        "The msgid that text is an English rendering of, or None"
        key = normalise(text)
        if key in self.exact:
            return key
        for regex, msgid in self.patterns:
            if regex.match(key):
                return msgid
        return None


# The strings shown by the page, from the browser: the visible text nodes,
# the tooltips and other attributes read to the user of visible elements,
# the options of visible lists.  [kind, text, where]
COLLECT_JS = r"""
const root = document.body;
const out = [];
function visible(el) {
    const top = document.documentElement;
    for (let e = el; e && e !== top; e = e.parentElement) {
        const style = getComputedStyle(e);
        if (style.display === 'none' || style.visibility === 'hidden') {
            return false;
        }
    }
    return el.getClientRects().length > 0;
}
function where(el) {
    const parts = [];
    for (let e = el; e && e !== root && parts.length < 4;
            e = e.parentElement) {
        let part = e.tagName.toLowerCase();
        if (e.id) { part += '#' + e.id; }
        else if (e.classList.length) {
            part += '.' + Array.from(e.classList).slice(0, 2).join('.');
        }
        parts.unshift(part);
    }
    return parts.join(' > ');
}
const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEXTAREA'].includes(
            parent.tagName)) {
        continue;
    }
    for (const line of node.nodeValue.split('\n')) {
        if (line.trim() && visible(parent)) {
            out.push(['text', line.trim(), where(parent)]);
        }
    }
}
const attributes = ['title', 'placeholder', 'aria-label', 'alt',
    'data-original-title', 'data-title'];
for (const el of root.querySelectorAll(
        attributes.map((a) => '[' + a + ']').join(','))) {
    if (!visible(el)) { continue; }
    for (const name of attributes) {
        const value = el.getAttribute(name);
        if (value && value.trim()) {
            out.push([name, value.trim(), where(el)]);
        }
    }
}
for (const select of root.querySelectorAll('select')) {
    if (!visible(select)) { continue; }
    for (const option of select.options) {
        if (option.text.trim()) {
            out.push(['option', option.text.trim(), where(select)]);
        }
    }
}
return out;
"""
