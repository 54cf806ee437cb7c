# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""Who is asked for their satisfaction, free of any database access.

From the pilot's rules (Plan 2051/KH-SNV): survey the citizen who receives
the result of a procedure in person, but never for (1) procedures whose
result is handed over immediately on receipt, (2) dossiers submitted online
(they are rated on the portal), (3) dossiers submitted through the public
postal service.  Each exclusion is a setting, and agencies and procedures may
force a dossier in or out.
"""
from dataclasses import dataclass

ELIGIBLE = 'eligible'
REASONS = (
    ELIGIBLE,
    'procedure_excluded',
    'agency_excluded',
    'immediate_result',
    'online',
    'postal_submission',
    'postal_return',
    )


@dataclass(frozen=True)
class Rules:
    exclude_immediate_result: bool = True
    exclude_online: bool = True
    exclude_postal_submission: bool = True
    exclude_postal_return: bool = True


def eligibility(
        channel, return_method, immediate_result, rules=Rules(),
        agency_override=None, procedure_override=None):
    """Return the reason code: ELIGIBLE or why the dossier is not surveyed.

    An override is None (follow the rules), 'always' or 'never'; the
    procedure's override wins over the agency's, which wins over the rules.
    The result must be handed over in person for a survey to be possible,
    so a result sent by post is never surveyed, whatever the overrides.
    """
    if return_method == 'postal' and rules.exclude_postal_return:
        return 'postal_return'
    for override, reason in (
            (procedure_override, 'procedure_excluded'),
            (agency_override, 'agency_excluded')):
        if override == 'never':
            return reason
        if override == 'always':
            return ELIGIBLE
    if immediate_result and rules.exclude_immediate_result:
        return 'immediate_result'
    if channel == 'online' and rules.exclude_online:
        return 'online'
    if channel == 'postal' and rules.exclude_postal_submission:
        return 'postal_submission'
    return ELIGIBLE
