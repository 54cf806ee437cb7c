# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
import logging
import os
import tempfile

import polib

from trytond.pool import Pool, PoolMeta

from .ir import clear_action_cache

logger = logging.getLogger(__name__)

# The types whose translation trytond's override finds by their source too
# (ir.translation.translation_import, override_translation)
SOURCE_TYPES = {'report', 'view', 'wizard_button', 'selection'}


class Translation(metaclass=PoolMeta):
    __name__ = 'ir.translation'

    @classmethod
    def on_modification(cls, mode, translations, field_names=None):
        super().on_modification(
            mode, translations, field_names=field_names)
        # the names of the actions of the reports are kept translated
        if mode == 'delete' or any(
                (t.name or '').startswith('ir.action') for t in translations):
            clear_action_cache()

    @classmethod
    def translation_import(cls, lang, module, po_path):
        # An entry of a module's locale/override/<lang>.po whose context
        # ends with "<module>.<fs_id>" replaces the translation of that other
        # module, which trytond requires to exist already: ir, res, country
        # and party ship no Vietnamese, so none exists on a new database.
        # Create the missing ones first (empty, as "Update Translations"
        # does) and leave out the entries of records that no longer exist.
        if isinstance(po_path, str):
            po_path = [po_path]
        paths, temporary = [], []
        for path in po_path:
            if os.path.basename(os.path.dirname(path)) == 'override':
                prepared = cls._prepare_override(lang, path)
                if prepared != path:
                    temporary.append(prepared)
                path = prepared
            paths.append(path)
        try:
            return super().translation_import(lang, module, paths)
        finally:
            for path in temporary:
                os.remove(path)

    @classmethod
    def _prepare_override(cls, lang, path):
        """Create the translations in lang that the entries of the override
        file path replace; return path, or the path of a temporary copy
        without the entries whose record does not exist"""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        catalogue = polib.pofile(path)
        entries = []
        for entry in catalogue:
            if entry.obsolete or not entry.msgctxt:
                continue
            ttype, name, ressource = entry.msgctxt.split(':')
            if '.' not in ressource:
                continue
            target, fs_id = ressource.split('.')
            entries.append((entry, ttype, name, target, fs_id))
        if not entries:
            return path

        db_ids = {}
        fs_ids = {fs_id for *_, fs_id in entries if fs_id}
        targets = {target for *_, target, _ in entries}
        for data in ModelData.search([
                    ('module', 'in', list(targets)),
                    ('fs_id', 'in', list(fs_ids)),
                    ]):
            db_ids[(data.module, data.fs_id)] = data.db_id

        def key(ttype, name, res_id, target, src, src_plural):
            if ttype in SOURCE_TYPES:
                return (ttype, name, res_id, target, src, src_plural)
            return (ttype, name, res_id, target)

        existing = {key(t.type, t.name, t.res_id, t.module, t.src,
                    t.src_plural)
            for t in cls.search([
                    ('lang', '=', lang),
                    ('module', 'in', list(targets)),
                    ], order=[])}
        to_create, unknown = {}, []
        for entry, ttype, name, target, fs_id in entries:
            if fs_id:
                res_id = db_ids.get((target, fs_id))
                if res_id is None:
                    unknown.append(entry)
                    continue
            else:
                res_id = -1
            src_plural = entry.msgid_plural or None
            entry_key = key(
                ttype, name, res_id, target, entry.msgid, src_plural)
            if entry_key not in existing:
                to_create[entry_key] = {
                    'name': name,
                    'res_id': res_id,
                    'lang': lang,
                    'type': ttype,
                    'src': entry.msgid,
                    'src_plural': src_plural,
                    'module': target,
                    'value': '',
                    'fuzzy': False,
                    }
        if to_create:
            cls.create(list(to_create.values()))
        if not unknown:
            return path
        logger.warning("%s: %d entries of records that do not exist left out",
            path, len(unknown))
        for entry in unknown:
            catalogue.remove(entry)
        fd, copy = tempfile.mkstemp(suffix='.po')
        os.close(fd)
        catalogue.save(copy)
        return copy
