# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Rate limits of the citizen's pages (the rules: docs/security.md, section
9).

A budget allows ``limit`` events per key (a client address, an invitation,
a dossier code) in a window of ``window`` seconds that starts with the first
event counted and ends ``window`` seconds later.  An event past the limit is
refused and not counted; the key is free again when its window ends.

The budgets separate what a citizen does from what an attacker does:

- ``SURVEY_POSTS``: the valid posts of an address (an answer that passes the
  validation, or a decline, of an open invitation).  Only earlier valid
  posts can refuse one: never failures.
- ``SURVEY_FAILURES`` (per address) and ``TOKEN_FAILURES`` (per invitation):
  the posts that fail (400, 404, 409, 410, 413, 422).  Past them a failure
  is answered 429 instead of its page; a valid post is still taken.
- ``POSTER_DOSSIER``: the wrong pairs typed for one dossier code, from any
  address.  Once spent, every pair of that dossier is refused, the right
  one too: guessing its short code stays refused.
- ``POSTER_ADDRESS``: the wrong pairs of an address, whatever the dossiers.
  Past it a wrong pair is answered 429; a right pair still opens the survey.

Where the counts live (``store()``): on PostgreSQL in the table of
``satisfaction.rate_limit`` (rate_limit.py), shared by every worker process
and every application server, one statement per request; on SQLite in the
memory of the process (``MemoryStore``), which is the only writer anyway.
Behind a reverse proxy, set ``[web] num_proxies`` so that the address is
the citizen's.

Settings, section ``[public_satisfaction]`` (limit, window in seconds):
``survey_posts`` 60 / ``survey_window`` 60, ``survey_failures`` 60 /
``failure_window`` 600, ``token_posts`` 10 / ``token_window`` 600 (failed
posts per invitation), ``poster_attempts`` 10 / ``poster_window`` 600 (wrong
pairs per dossier code), ``poster_address_attempts`` 100 /
``poster_window`` (wrong pairs per address).
"""
import math
import threading
import time
from dataclasses import dataclass

from trytond import backend, config
from trytond.pool import Pool

from . import tokens

SECTION = 'public_satisfaction'


@dataclass(frozen=True)
class Budget:
    "Events allowed per key and window; read from the configuration"
    name: str
    limit_option: str
    default_limit: int
    window_option: str
    default_window: int

    @property
    def limit(self):
        return config.getint(
            SECTION, self.limit_option, default=self.default_limit)

    @property
    def window(self):
        return config.getint(
            SECTION, self.window_option, default=self.default_window)

    def key(self, value):
        return f'{self.name}:{value}'


SURVEY_POSTS = Budget('survey_posts', 'survey_posts', 60, 'survey_window', 60)
# Citizens of a whole centre may share one address (its Wi-Fi): the budgets
# per address are generous, the one per invitation is tight.
SURVEY_FAILURES = Budget(
    'survey_failures', 'survey_failures', 60, 'failure_window', 600)
# "token_posts" and "poster_attempts": the names of the options before the
# failures were counted apart, kept so that configurations keep working
TOKEN_FAILURES = Budget(
    'token_failures', 'token_posts', 10, 'token_window', 600)
POSTER_DOSSIER = Budget(
    'poster_dossier', 'poster_attempts', 10, 'poster_window', 600)
POSTER_ADDRESS = Budget(
    'poster_address', 'poster_address_attempts', 100, 'poster_window', 600)


@dataclass(frozen=True)
class Decision:
    """Whether an event was admitted; when not, the seconds until the
    window of the key that refused it ends"""
    admitted: bool
    retry_after: int = 0

    @property
    def minutes(self):
        "The minutes to wait, as the citizen is told (at least one)"
        return max(1, math.ceil(self.retry_after / 60))


ADMITTED = Decision(True)


def decide(results):
    """Return the Decision of an event counted under several keys, from the
    (admitted, seconds left in the window) of each key: refused if one key
    refused it, until every refusing window ends"""
    refused = [left for admitted, left in results if not admitted]
    if not refused:
        return ADMITTED
    return Decision(False, max(1, math.ceil(max(refused))))


def count_in_window(state, now, limit, window):
    """The rule of a budget for one key.

    state is (hits, end of the window) or None for a key not seen; return
    (admitted, the new state).  Pure: the memory store applies it as it is,
    the PostgreSQL store in SQL (rate_limit.py)."""
    if state is None or state[1] <= now:
        state = (0, now + window)
    hits, end = state
    if hits < limit:
        return True, (hits + 1, end)
    return False, state


class MemoryStore:
    """The counts in the memory of this process (SQLite): exact there, since
    a SQLite database is served by one process"""

    MAX_KEYS = 10000

    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._states = {}
        self._lock = threading.Lock()

    def _purge(self, now):
        for key in [k for k, (_, end) in self._states.items() if end <= now]:
            del self._states[key]
        while len(self._states) >= self.MAX_KEYS:
            # forget the key whose window ends first
            del self._states[min(
                    self._states, key=lambda k: self._states[k][1])]

    def count(self, items):
        """Count an event under each (key, limit, window) of items; return
        [(admitted, seconds left in the window)] in the same order"""
        results = []
        with self._lock:
            now = self._clock()
            for key, limit, window in items:
                state = self._states.get(key)
                if state is None and len(self._states) >= self.MAX_KEYS:
                    self._purge(now)
                admitted, state = count_in_window(state, now, limit, window)
                self._states[key] = state
                results.append((admitted, state[1] - now))
        return results

    def peek(self, key, limit):
        "Return (admitted, seconds left) of the next event of key; count none"
        with self._lock:
            now = self._clock()
            state = self._states.get(key)
            if state is None or state[1] <= now or state[0] < limit:
                return True, 0
            return False, state[1] - now

    def clear(self):
        with self._lock:
            self._states.clear()


memory = MemoryStore()


def store():
    "The store of the counts of the current database"
    if backend.name == 'postgresql':
        return Pool().get('satisfaction.rate_limit')
    return memory


def count(*pairs):
    """Count one event under each (budget, key value) of pairs; return the
    Decision (refused if any budget refused it)"""
    items = [(budget.key(value), budget.limit, budget.window)
        for budget, value in pairs]
    return decide(store().count(items))


def peek(budget, value):
    "Return the Decision of an event under budget, without counting it"
    return decide([store().peek(budget.key(value), budget.limit)])


def dossier_key(text):
    """Return the key of the budget of the dossier code typed: the same for
    every way of typing one code (tokens.compact_code), known dossier or
    not"""
    return tokens.compact_code(text)[:40]


class RequestLimits:
    """The decisions taken for one request, kept on it: a transaction
    retried after a database error asks again and gets the same answer,
    so that a request is counted once"""

    ENVIRON_KEY = 'public_satisfaction.limits'

    def __init__(self, request):
        self._decisions = request.environ.setdefault(self.ENVIRON_KEY, {})

    def count(self, what, *pairs):
        if what not in self._decisions:
            self._decisions[what] = count(*pairs)
        return self._decisions[what]

    def peek(self, what, budget, value):
        if what not in self._decisions:
            self._decisions[what] = peek(budget, value)
        return self._decisions[what]
