# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Inserts of many rows made by the module itself.

Invitations, responses, answer lines and flags are made by the module from
values it computed and checked (a returned dossier's snapshot, answers
validated by answers.validate); ModelSQL.create would check each of them
again, field by field, which was most of the time of issuing and answering
in bulk (the history imported by the demo, docs/performance.md) and of a
citizen's answer.  They are inserted as create inserts them, stamped with
the user and the time; the database keeps its guards (NOT NULL, foreign
keys, unique and CHECK constraints).

The citizen's events on an invitation (opened, answered, ...) are written
the same way by update: one UPDATE, where ModelSQL.write made four
statements and read the row back (docs/performance.md).
"""
from sql.functions import CurrentTimestamp
from sql.operators import In

from trytond.pool import Pool
from trytond.transaction import Transaction

CHUNK = 500


def insert(Model, rows, columns=None, ids_by=None):
    """Insert rows (dicts of columns, default: the keys of the first row)
    into the table of Model, CHUNK rows a statement.

    With ids_by, a column whose values are unique among rows, return the ids
    of the rows created as {value of the column: id}: the rows returned by
    a multi-row INSERT are not promised in the order of its VALUES."""
    if not rows:
        return {} if ids_by else None
    columns = tuple(columns or rows[0])
    table = Model.__table__()
    transaction = Transaction()
    database = transaction.database
    cursor = transaction.connection.cursor()
    names = [*columns, 'create_uid', 'create_date']

    def values(chunk):
        return [[row[c] for c in columns]
            + [transaction.user, CurrentTimestamp()] for row in chunk]

    ids = {}
    if ids_by and not database.has_returning():
        # a statement a row, its id taken as ModelSQL.create takes it
        # without RETURNING (SQLite before 3.35): from the sequence, else
        # the last row inserted
        for row in rows:
            id_ = database.nextid(transaction.connection, Model._table)
            if id_:
                cursor.execute(*table.insert(
                        [table.id] + [getattr(table, n) for n in names],
                        [[id_] + v for v in values([row])]))
            else:
                cursor.execute(*table.insert(
                        [getattr(table, n) for n in names], values([row])))
                id_ = database.lastid(cursor)
            ids[row[ids_by]] = id_
        _created(Model, ids)
        return ids
    for start in range(0, len(rows), CHUNK):
        cursor.execute(*table.insert(
                [getattr(table, n) for n in names],
                values(rows[start:start + CHUNK]),
                returning=([table.id, getattr(table, ids_by)]
                    if ids_by else None)))
        if ids_by:
            ids.update((key, id_) for id_, key in cursor)
    if ids_by:
        _created(Model, ids)
        return ids
    return None


def _created(Model, ids):
    """Record the ids as created by the transaction, as ModelStorage.create
    does: ModelSQL.lock() needs no lock taken in advance for them"""
    Transaction().create_records[Model.__name__].extend(ids.values())


def can_update(Model):
    "Whether update may replace Model.write: no trigger on its writes"
    Trigger = Pool().get('ir.trigger')
    return not Trigger.get_triggers(Model.__name__, 'write')


def update(Model, records, values):
    """Set values ({field: value}) on records in one UPDATE, stamped with
    the user and the time, and forget what the transaction cached of them
    as ModelStorage.write does.  For the module's own events only, whose
    values it made: the access to write Model is checked, the values are
    not validated (see also can_update)"""
    if not records:
        return
    Pool().get('ir.model.access').check(Model.__name__, 'write')
    table = Model.__table__()
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    names = list(values)
    cursor.execute(*table.update(
            [getattr(table, n) for n in names]
            + [table.write_uid, table.write_date],
            [Model._fields[n].sql_format(values[n]) for n in names]
            + [transaction.user, CurrentTimestamp()],
            where=In(table.id, [r.id for r in records])))
    transaction.counter += 1
    for record in records:
        record._local_cache.pop(record.id, None)
        # an instance made with values (Invitation.find_by_token) keeps
        # them: the written ones replaced, so that it reads as written
        for known in (record._values, record._init_values):
            if known is not None:
                for name, value in values.items():
                    if name in known:
                        known[name] = value
    for cache in transaction.cache.values():
        if Model.__name__ in cache:
            model_cache = cache[Model.__name__]
            for record in records:
                model_cache.pop(record.id, None)
