# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The rules of the closed loop, free of any database access.

- An answer opens a follow-up (a feedback of the PAKN register the agency
  must answer) when its overall rating — or, when the overall question was
  not answered, its lowest rating — is at most the threshold of the
  configuration (2 by default: "dissatisfied" or worse), or when the citizen
  marked the comment as a complaint (when that is offered).
- The citizen reads the agency's reply at the survey link and may rate how
  the follow-up was handled once, during a number of days after the reply.
- A phone number for a callback is a Vietnamese number: a mobile of 10
  digits or a landline of 11 (02 and the area code), starting with 0 or
  with +84 instead (stored with the 0).
"""
import datetime as dt
import re

from trytond.modules.one_stop.identity import compact_phone

# a mobile number (10 digits) or a landline with its area code (11 digits)
_PHONE = re.compile(r'0[1-9][0-9]{8}|02[0-9]{9}')


def deciding_rating(overall, ratings):
    "The rating an answer is judged on: overall, else the lowest, or None"
    if overall is not None:
        return overall
    ratings = [r for r in ratings if r is not None]
    return min(ratings) if ratings else None


def needs_followup(
        overall, ratings, complaint, max_rating, follow_complaints):
    """True when an answer of overall rating (or None) and ratings opens a
    follow-up; complaint: the citizen marked the comment as a complaint"""
    if complaint and follow_complaints:
        return True
    rating = deciding_rating(overall, ratings)
    return bool(max_rating) and rating is not None and rating <= max_rating


def callback_phone(text):
    """The phone number typed for a callback, compact, '' when nothing was
    typed, None when it is not a Vietnamese phone number"""
    phone = compact_phone((text or '').strip())
    if not phone:
        return ''
    if phone.startswith('+84'):
        phone = '0' + phone[3:]
    elif phone.startswith('84') and len(phone) in {11, 12}:
        phone = '0' + phone[2:]
    if not phone.isascii() or not _PHONE.fullmatch(phone):
        return None
    return phone


def rerate_until(answered_date, days):
    "The last moment a re-rating is taken, for a reply given at answered_date"
    if answered_date is None:
        return None
    return answered_date + dt.timedelta(days=days)


def can_rerate(answered_date, now, days, already_rerated):
    "True while the citizen may still rate the handling of the follow-up"
    until = rerate_until(answered_date, days)
    return until is not None and not already_rerated and now <= until


def rating_change(first, second):
    "The change from the first rating to the re-rating (None if unknown)"
    if first is None or second is None:
        return None
    return second - first
