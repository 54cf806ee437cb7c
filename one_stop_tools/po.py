"""Refresh a module's ``locale/vi.po`` from a database.

Usage: one-stop-po -c trytond.conf -d DATABASE MODULE [MODULE ...]

The database must have the modules activated (updated after the last
change of strings).  The command collects the report strings, creates the
missing Vietnamese entries, exports them and merges the translations already
in the module's vi.po (matched on context and source, then on source alone),
so that only new strings are left empty.  Untranslated entries are listed.
"""
import argparse
import os
import sys

import polib


def export(config_file, database, modules):
    from trytond import config
    config.update_etc(config_file)
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    with Transaction().start(database, 0) as transaction:
        pool = Pool(database)
        pool.init()
        Lang = pool.get('ir.lang')
        vi, = Lang.search([('code', '=', 'vi')])
        if not vi.translatable:
            Lang.write([vi], {'translatable': True})
        TranslationSet = pool.get('ir.translation.set', type='wizard')
        session_id, _, _ = TranslationSet.create()
        TranslationSet(session_id).transition_set_()
        TranslationUpdate = pool.get('ir.translation.update', type='wizard')
        session_id, _, _ = TranslationUpdate.create()
        update = TranslationUpdate(session_id)
        update.start.language = vi
        update.do_update({})
        transaction.commit()
    result = {}
    with Transaction().start(database, 0):
        Translation = Pool(database).get('ir.translation')
        for module in modules:
            result[module] = Translation.translation_export('vi', module)
    return result


def merge(content, path):
    new = polib.pofile(content.decode('utf-8'), wrapwidth=78)
    by_key, by_source = {}, {}
    if os.path.exists(path):
        for entry in polib.pofile(path):
            if entry.msgstr:
                by_key[(entry.msgctxt, entry.msgid)] = entry.msgstr
                by_source.setdefault(entry.msgid, entry.msgstr)
    missing = []
    for entry in new:
        # A fuzzy value is the translation of a source that has changed
        exported = '' if 'fuzzy' in entry.flags else entry.msgstr
        value = (by_key.get((entry.msgctxt, entry.msgid))
            or by_source.get(entry.msgid) or exported)
        entry.msgstr = value
        if 'fuzzy' in entry.flags:
            entry.flags.remove('fuzzy')
        if not value:
            missing.append(entry.msgid)
    new.save(path)
    return missing


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-c', '--config', required=True)
    parser.add_argument('-d', '--database', required=True)
    parser.add_argument('modules', nargs='+')
    args = parser.parse_args(argv)
    root = os.path.join(os.path.dirname(__file__), os.pardir, 'addons')
    status = 0
    for module, content in export(
            args.config, args.database, args.modules).items():
        path = os.path.join(root, module, 'locale', 'vi.po')
        missing = merge(content, path)
        print(f"{path}: {len(missing)} untranslated")
        for msgid in missing:
            print(f"  {msgid!r}")
        status = status or bool(missing)
    return status


if __name__ == '__main__':
    sys.exit(main())
