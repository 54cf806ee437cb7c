# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.tests.test_tryton import ModuleTestCase


class OneStopTestCase(ModuleTestCase):
    "Test One-stop module"
    module = 'one_stop'


del ModuleTestCase
