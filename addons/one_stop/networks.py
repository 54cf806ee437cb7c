# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"Network ranges (CIDR) of a counter's own devices, as plain functions"
import ipaddress


def parse_networks(text):
    """Return the list of networks written one per line (or separated by
    commas or spaces) in text; raise ValueError naming the first bad one."""
    networks = []
    for item in (text or '').replace(',', ' ').split():
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exception:
            raise ValueError(item) from exception
    return networks


def address_in_networks(address, networks):
    try:
        address = ipaddress.ip_address(address)
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped:
        # an IPv4 client seen by a dual-stack listener
        address = address.ipv4_mapped
    return any(address in network for network in networks
        if network.version == address.version)
