# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Rate limits of the citizen's pages.

Sliding windows per key (a client address, a token) kept in the memory of
each worker process; behind a reverse proxy, set ``[web] num_proxies`` so
that the address is the citizen's.  Settings, section
``[public_satisfaction]``: ``poster_attempts`` (wrong pairs, default 10)
per ``poster_window`` seconds (600), ``survey_posts`` (60) per
``survey_window`` seconds (60) per address, ``token_posts`` (10) per
``token_window`` seconds (600) per token.
"""
import collections
import threading
import time

from trytond import config

from . import tokens

SECTION = 'public_satisfaction'


class SlidingWindow:
    """Count events per key over the last window seconds, in memory.

    The limit and window are read from the configuration at each call.
    Per worker process: several workers each allow the limit."""

    MAX_KEYS = 10000

    def __init__(self, limit_option, limit, window_option, window):
        self.limit_option, self.default_limit = limit_option, limit
        self.window_option, self.default_window = window_option, window
        self._events = {}
        self._lock = threading.RLock()  # hit() adds under its own lock

    @property
    def limit(self):
        return config.getint(
            SECTION, self.limit_option, default=self.default_limit)

    @property
    def window(self):
        return config.getint(
            SECTION, self.window_option, default=self.default_window)

    def _recent(self, key, now):
        events = self._events.get(key)
        if events is None:
            return None
        start = now - self.window
        while events and events[0] <= start:
            events.popleft()
        if not events:
            del self._events[key]
            return None
        return events

    def _purge(self, now):
        for key in list(self._events):
            self._recent(key, now)
        while len(self._events) >= self.MAX_KEYS:
            # forget the key seen least recently
            oldest = min(self._events, key=lambda k: self._events[k][-1])
            del self._events[oldest]

    def blocked(self, key):
        with self._lock:
            events = self._recent(key, time.monotonic())
            return bool(events) and len(events) >= self.limit

    def add(self, key):
        with self._lock:
            now = time.monotonic()
            events = self._recent(key, now)
            if events is None:
                if len(self._events) >= self.MAX_KEYS:
                    self._purge(now)
                events = self._events[key] = collections.deque()
            events.append(now)

    def hit(self, key):
        "Record an event of key and return False if it was over the limit"
        with self._lock:
            now = time.monotonic()
            events = self._recent(key, now)
            if events is not None and len(events) >= self.limit:
                return False
            # in the same lock: a concurrent hit must see this one
            self.add(key)
        return True

    def clear(self):
        with self._lock:
            self._events.clear()


poster_limiter = SlidingWindow('poster_attempts', 10, 'poster_window', 600)
# Citizens of a whole centre may share one address (its Wi-Fi): the limit
# per address is generous, the limit per token is tight.
survey_limiter = SlidingWindow('survey_posts', 60, 'survey_window', 60)
token_limiter = SlidingWindow('token_posts', 10, 'token_window', 600)


def survey_post_refused(address, token):
    """Count a POST of the survey of token from address; return the limiter
    that refuses it, or None"""
    token_key = (tokens.hash_token(token)
        if tokens.is_well_formed_token(token) else '')
    for limiter, key in [
            (survey_limiter, address), (token_limiter, token_key)]:
        if not limiter.hit(key):
            return limiter
    return None
