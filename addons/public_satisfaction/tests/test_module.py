# This file is part of the public_satisfaction module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
from trytond.tests.test_tryton import ModuleTestCase


class PublicSatisfactionTestCase(ModuleTestCase):
    "Test Public Satisfaction module"
    module = 'public_satisfaction'


del ModuleTestCase
