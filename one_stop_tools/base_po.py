"""Refresh the Vietnamese of trytond's base modules shipped by one_stop.

Usage: python -m one_stop_tools.base_po [--check] [--keep]

trytond's ``ir`` and ``res`` and the ``party`` and ``country`` modules ship
no Vietnamese.  one_stop ships it in ``locale/override/vi.po``: trytond
loads a module's ``locale/override/<lang>.po`` with its translations and
each entry whose context ends with ``<module>.<fs_id>`` (``<module>.`` for
strings that belong to no record) replaces the translation of that other
module (``ir.translation.translation_import``; one_stop's
``translation.py`` first creates the rows it replaces).

The command builds a throw-away SQLite database with ``party`` (so ``ir``,
``res`` and ``country``) activated in English, runs "Set Translations"
(the strings of the views and reports), collects every source string of
these modules (field labels, help texts, selection values, model names,
records such as menus, actions and messages, views, wizard buttons) and
rewrites the file in that format, keeping the translations it already has
(matched on context and source, then on source alone).  Entries of the
file that no longer exist are dropped.  It prints the entries left
untranslated; --check only reports (exit 1 if the file is not up to date
or not complete) without writing.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import polib

BASE_MODULES = ('ir', 'res', 'country', 'party')
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OVERRIDE_PO = os.path.join(
    ROOT, 'addons', 'one_stop', 'locale', 'override', 'vi.po')
# Pure formats or codes: the same in Vietnamese
UNTRANSLATABLE = {'', '%(value)s'}


def build_database(directory):
    "An SQLite database 'base' with party activated; return its config"
    bin_dir = os.path.dirname(sys.executable)
    config = os.path.join(directory, 'trytond.conf')
    with open(config, 'w') as fp:
        fp.write(f"[database]\nuri = sqlite://\npath = {directory}\n"
            "language = en\n")
    open(os.path.join(directory, 'base.sqlite'), 'wb').close()
    with open(os.path.join(directory, 'pass'), 'w') as fp:
        fp.write('admin\n')
    env = {k: v for k, v in os.environ.items()
        if not k.startswith('TRYTOND_')}
    env['TRYTONPASSFILE'] = os.path.join(directory, 'pass')
    subprocess.run([os.path.join(bin_dir, 'trytond-admin'), '-c', config,
            '-d', 'base', '-u', 'party', '--activate-dependencies',
            '--email', 'admin@example.com'],
        check=True, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    return config


def collect(config_file, database='base'):
    """Return the entries (msgctxt, msgid, msgid_plural) of the base
    modules in the override format, sorted"""
    from trytond import config
    config.update_etc(config_file)
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    with Transaction().start(database, 0) as transaction:
        pool = Pool(database)
        pool.init()
        TranslationSet = pool.get('ir.translation.set', type='wizard')
        session_id, _, _ = TranslationSet.create()
        TranslationSet(session_id).transition_set_()
        transaction.commit()

    with Transaction().start(database, 0):
        pool = Pool(database)
        Translation = pool.get('ir.translation')
        ModelData = pool.get('ir.model.data')
        fs_ids = {}
        for data in ModelData.search([('module', 'in', BASE_MODULES)]):
            models = [data.model, *Translation.extra_model_data(data)]
            for model in models:
                fs_ids[(data.module, model, data.db_id)] = data.fs_id
        entries = set()
        for translation in Translation.search([
                    ('lang', '=', 'en'),
                    ('module', 'in', BASE_MODULES),
                    ], order=[]):
            if (translation.src or '') in UNTRANSLATABLE:
                continue
            if translation.res_id >= 0:
                model = translation.name.split(',')[0]
                fs_id = fs_ids.get(
                    (translation.module, model, translation.res_id))
                if not fs_id:
                    # a record not created by a module's XML
                    continue
            else:
                fs_id = ''
            msgctxt = (f'{translation.type}:{translation.name}:'
                f'{translation.module}.{fs_id}')
            entries.add(
                (msgctxt, translation.src, translation.src_plural or None))
    return sorted(entries)


def merge(entries, path):
    """Return (the new catalogue, msgids left untranslated, number of
    entries dropped) from entries and the translations of path"""
    by_key, by_source = {}, {}
    if os.path.exists(path):
        for entry in polib.pofile(path):
            if entry.msgstr:
                by_key[(entry.msgctxt, entry.msgid)] = entry.msgstr
                by_source.setdefault(entry.msgid, entry.msgstr)
    else:
        by_key = {}
    catalogue = polib.POFile(wrapwidth=78)
    catalogue.metadata = {'Content-Type': 'text/plain; charset=utf-8'}
    missing = []
    for msgctxt, msgid, msgid_plural in entries:
        value = by_key.get((msgctxt, msgid)) or by_source.get(msgid, '')
        entry = polib.POEntry(msgctxt=msgctxt, msgid=msgid, msgstr=value)
        if msgid_plural:
            entry.msgid_plural = msgid_plural
            entry.msgstr = ''
            entry.msgstr_plural = {0: value}
        catalogue.append(entry)
        if not value:
            missing.append(msgid)
    kept = {(e.msgctxt, e.msgid) for e in catalogue}
    dropped = len(set(by_key) - kept)
    return catalogue, missing, dropped


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true',
        help="only report: exit 1 if the file is stale or incomplete")
    parser.add_argument('--keep', action='store_true',
        help="keep the temporary database (its directory is printed)")
    parser.add_argument('--output', default=OVERRIDE_PO)
    args = parser.parse_args(argv)
    directory = tempfile.mkdtemp(prefix='one-stop-base-po-')
    try:
        entries = collect(build_database(directory))
    finally:
        if args.keep:
            print(f"kept {directory}", file=sys.stderr)
        else:
            shutil.rmtree(directory, ignore_errors=True)
    catalogue, missing, dropped = merge(entries, args.output)
    text = str(catalogue)
    current = ''
    if os.path.exists(args.output):
        with open(args.output, encoding='utf-8') as fp:
            current = fp.read()
    stale = text.rstrip('\n') != current.rstrip('\n')
    if not args.check and stale:
        os.makedirs(os.path.dirname(args.output), exist_ok=True)
        with open(args.output, 'w', encoding='utf-8') as fp:
            fp.write(text if text.endswith('\n') else text + '\n')
    print(f"{args.output}: {len(catalogue)} entries, "
        f"{len(missing)} untranslated, {dropped} dropped"
        + (" (stale)" if args.check and stale else ""))
    for msgid in missing:
        print(f"  {msgid!r}")
    return 1 if (missing or (args.check and stale)) else 0


if __name__ == '__main__':
    sys.exit(main())
