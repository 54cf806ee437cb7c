# This file is part of the satisfaction_api module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Webhook signatures and retries, free of any database access.

A delivery is POSTed with the headers ``X-Satisfaction-Timestamp`` (Unix
seconds) and ``X-Satisfaction-Signature: sha256=<hex>``, the HMAC-SHA256
under the subscription's secret of ``<timestamp>.<body>``: the receiver
recomputes it and refuses a timestamp older than TOLERANCE (a replayed
capture).  A failed delivery is tried again after 1, 2, 4 … minutes (at
most MAX_DELAY apart) until RETRY_FOR after its creation.
"""
import datetime as dt
import hashlib
import hmac

SIGNATURE_HEADER = 'X-Satisfaction-Signature'
TIMESTAMP_HEADER = 'X-Satisfaction-Timestamp'
EVENT_HEADER = 'X-Satisfaction-Event'
DELIVERY_HEADER = 'X-Satisfaction-Delivery'
TOLERANCE = 300
FIRST_DELAY = dt.timedelta(minutes=1)
MAX_DELAY = dt.timedelta(hours=2)
RETRY_FOR = dt.timedelta(hours=24)


def signature(secret, timestamp, body):
    "The value of the signature header of body (bytes) sent at timestamp"
    message = str(int(timestamp)).encode('ascii') + b'.' + body
    digest = hmac.new(secret.encode('utf-8'), message, hashlib.sha256)
    return 'sha256=' + digest.hexdigest()


def verify(secret, timestamp, body, header, now, tolerance=TOLERANCE):
    "Whether header signs body at timestamp, sent less than tolerance ago"
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - sent) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, sent, body), header or '')


def retry_delay(attempts):
    "The wait after the attempts-th failed attempt (1, 2, 4 … minutes)"
    delay = FIRST_DELAY * (2 ** max(0, min(attempts - 1, 16)))
    return min(delay, MAX_DELAY)


def next_attempt(created, attempts, now):
    """When to try again a delivery created at created that failed attempts
    times, the last one at now; None once RETRY_FOR has passed"""
    moment = now + retry_delay(attempts)
    if moment > created + RETRY_FOR:
        return None
    return moment
