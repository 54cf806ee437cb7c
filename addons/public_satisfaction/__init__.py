# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.

from . import log_redaction
from . import routes  # noqa: F401  (registers the citizen pages)

log_redaction.install()
