# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Interference signals of a survey response, as plain functions.

A signal never drops an answer: it is stored with the response, which then
waits for an evaluator who confirms or excludes it.  Raw addresses are never
stored: only the network prefix (/24 for IPv4, /48 for IPv6) and a keyed
hash of the user agent and that prefix.
"""
import datetime as dt
import hashlib
import hmac
import ipaddress

from trytond.modules.one_stop.networks import (
    address_in_networks, parse_networks)

COUNTER_NETWORK = 'counter_network'
AFTER_PRINT = 'after_print'
SAME_DEVICE = 'same_device'
TOO_FAST = 'too_fast'
HONEYPOT = 'honeypot'
REASONS = [
    (COUNTER_NETWORK, "Sent from a Counter Network"),
    (AFTER_PRINT, "Sent Just After the Receipt Was Printed"),
    (SAME_DEVICE, "Same Device for Several Dossiers"),
    (TOO_FAST, "Completed Too Fast"),
    (HONEYPOT, "Hidden Field Filled"),
    ]
HONEYPOT_FIELD = 'website'
IPV4_PREFIX = 24
IPV6_PREFIX = 48


def ip_prefix(address):
    "Return the /24 (IPv4) or /48 (IPv6) network of address as text, or ''"
    try:
        address = ipaddress.ip_address((address or '').strip())
    except ValueError:
        return ''
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    length = IPV4_PREFIX if address.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f'{address}/{length}', strict=False))


def device_hash(key, user_agent, prefix):
    "Return the keyed hash (HMAC-SHA256, hex) of the user agent and prefix"
    if isinstance(key, str):
        key = key.encode('utf-8')
    message = '\x1f'.join([user_agent or '', prefix or '']).encode('utf-8')
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def in_counter_networks(address, networks):
    "Tell if address is in one of the networks (text of the counter)"
    try:
        networks = parse_networks(networks)
    except ValueError:
        return False
    return address_in_networks(address, networks)


def signals(
        submitted, address='', networks=None, printed=None, opened=None,
        honeypot='', same_device=0,
        print_seconds=20, min_seconds=15, device_limit=3, form_shown=True):
    """Return the list of (reason, detail) of a response.

    submitted, printed and opened are datetimes (printed: the receipt was
    last printed, opened: the questionnaire was first shown); form_shown is
    False when the questionnaire was never shown (too fast); same_device is
    the number of earlier responses of the same device in the window.
    """
    found = []
    if address and networks and in_counter_networks(address, networks):
        found.append((COUNTER_NETWORK, ip_prefix(address)))
    if printed is not None and print_seconds:
        elapsed = (submitted - printed).total_seconds()
        if 0 <= elapsed < print_seconds:
            found.append((AFTER_PRINT, '%d s' % elapsed))
    if device_limit and same_device + 1 >= device_limit:
        found.append((SAME_DEVICE, str(same_device + 1)))
    if min_seconds and not form_shown:
        # posted without the questionnaire ever being shown: a script
        found.append((TOO_FAST, 'form not shown'))
    elif opened is not None and min_seconds:
        elapsed = (submitted - opened).total_seconds()
        if elapsed < min_seconds:
            found.append((TOO_FAST, '%d s' % max(elapsed, 0)))
    if honeypot and honeypot.strip():
        found.append((HONEYPOT, ''))
    return found


def window_start(submitted, minutes):
    return submitted - dt.timedelta(minutes=minutes)
