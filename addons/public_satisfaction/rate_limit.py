# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The counts of the rate limits in PostgreSQL (limits.py), shared by every
worker process and application server."""
import hashlib
import hmac

from trytond import backend, config
from trytond.model import Index, ModelSQL, Unique, fields
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

from .limits import SECTION

# the time of the statement, in UTC as trytond stores its timestamps: the
# same clock for every application server
NOW = "(statement_timestamp() AT TIME ZONE 'UTC')"


class RateLimit(ModelSQL):
    """The count of one key of a rate limit in its current window.

    One statement per request (count or peek), in autocommit on a
    connection of its own: the row is locked for that statement only, never
    for the request's transaction, and a request rolled back stays counted.
    The rule is limits.count_in_window: the row holds the hits of the
    window, at most the limit + 1 (a refused event), and its end.

    The table is UNLOGGED: no WAL nor flush to disk for a count, which a
    crash of PostgreSQL forgets (the windows start again).  The keys are
    HMAC-SHA-256 digests (under ``[public_satisfaction] token_key`` when set):
    no client address is stored.  Rows whose window ended are deleted by
    the cron (prune_expired)."""
    __string__ = "Survey Rate Limit"
    __name__ = 'satisfaction.rate_limit'

    key = fields.Char("Key", required=True, readonly=True)
    hits = fields.Integer("Hits", required=True, readonly=True)
    max_hits = fields.Integer("Limit", required=True, readonly=True)
    window_end = fields.Timestamp("Window End", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('key_unique', Unique(t, t.key),
                'public_satisfaction.msg_rate_limit_key_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.window_end, Index.Range())))

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        if backend.name != 'postgresql':
            return
        cursor = Transaction().connection.cursor()
        cursor.execute(
            'SELECT relpersistence FROM pg_class WHERE oid = %s::regclass',
            (cls._table,))
        persistence, = cursor.fetchone()
        if persistence != 'u':
            cursor.execute(f'ALTER TABLE "{cls._table}" SET UNLOGGED')
        # Each count draws an id, even when it updates the row of its key:
        # the ids wrap around instead of running out (a row lives minutes)
        cursor.execute(
            f'ALTER TABLE "{cls._table}" ALTER COLUMN id SET CYCLE')

    @staticmethod
    def digest(key):
        secret = config.get(SECTION, 'token_key', default='') or ''
        return hmac.new(
            secret.encode('utf-8'), key.encode('utf-8'),
            hashlib.sha256).hexdigest()

    @classmethod
    def _execute(cls, query, params):
        database = Transaction().database
        connection = database.get_connection(autocommit=True)
        try:
            cursor = connection.cursor()
            cursor.execute(query, params)
            return cursor.fetchall() if cursor.description else []
        finally:
            database.put_connection(connection)

    @classmethod
    def count(cls, items):
        """Count an event under each (key, limit, window) of items in one
        statement; return [(admitted, seconds left in the window)] in the
        same order"""
        table = cls._table
        digests = [cls.digest(key) for key, _, _ in items]
        values = ', '.join(
            [f"(%s, 1, %s, {NOW} + %s * interval '1 second', 0, {NOW})"]
            * len(items))
        params = []
        for digest, (_, limit, window) in zip(digests, items):
            params += [digest, limit, window]
        new_window = f'"{table}".window_end <= {NOW}'
        rows = cls._execute(
            f'INSERT INTO "{table}" '
            '(key, hits, max_hits, window_end, create_uid, create_date) '
            f'VALUES {values} '
            'ON CONFLICT (key) DO UPDATE SET '
            f'hits = CASE WHEN {new_window} THEN 1 '
            f'ELSE LEAST("{table}".hits + 1, EXCLUDED.max_hits + 1) END, '
            f'window_end = CASE WHEN {new_window} '
            f'THEN EXCLUDED.window_end ELSE "{table}".window_end END, '
            'max_hits = EXCLUDED.max_hits '
            'RETURNING key, hits <= max_hits, '
            f'EXTRACT(EPOCH FROM window_end - {NOW})',
            params)
        by_digest = {digest: (admitted, float(left))
            for digest, admitted, left in rows}
        return [by_digest[digest] for digest in digests]

    @classmethod
    def peek(cls, key, limit):
        """Return (admitted, seconds left) of the next event of key,
        counting none"""
        rows = cls._execute(
            f'SELECT hits, EXTRACT(EPOCH FROM window_end - {NOW}) '
            f'FROM "{cls._table}" WHERE key = %s AND window_end > {NOW}',
            (cls.digest(key),))
        if rows and rows[0][0] >= limit:
            return False, float(rows[0][1])
        return True, 0

    @classmethod
    def prune_expired(cls):
        "Delete the counts whose window ended (cron)"
        if backend.name != 'postgresql':
            return  # the counts are in memory (limits.MemoryStore)
        # in autocommit, as the counts: never a serialization failure with
        # a count of the same row
        cls._execute(
            f'DELETE FROM "{cls._table}" WHERE window_end <= {NOW}', ())


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('satisfaction.rate_limit|prune_expired',
                "Delete Expired Survey Rate Limits"))
