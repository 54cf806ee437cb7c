# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Inserts of many rows made by the module itself.

Invitations, answer lines and flags are made by the module from values it
computed and checked (a returned dossier's snapshot, answers validated by
answers.validate); ModelSQL.create would check each of them again, field by
field, which was most of the time of issuing and answering in bulk (the
history imported by the demo, docs/performance.md).  They are inserted as
create inserts them, stamped with the user and the time; the database keeps
its guards (NOT NULL, foreign keys, unique and CHECK constraints).
"""
from sql.functions import CurrentTimestamp

from trytond.transaction import Transaction

CHUNK = 500


def insert(Model, rows, columns=None):
    """Insert rows (dicts of columns, default: the keys of the first row)
    into the table of Model, CHUNK rows a statement"""
    if not rows:
        return
    columns = tuple(columns or rows[0])
    table = Model.__table__()
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    names = [*columns, 'create_uid', 'create_date']
    for start in range(0, len(rows), CHUNK):
        cursor.execute(*table.insert(
                [getattr(table, n) for n in names],
                [[row[c] for c in columns]
                    + [transaction.user, CurrentTimestamp()]
                    for row in rows[start:start + CHUNK]]))
