# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
"""Run the proteus scenarios of a module under pytest.

pytest does not call the load_tests of test_scenario.py (only ``python -m
unittest`` does), so each module's test_module.py parametrizes a test with
``scenario_files(__file__)`` and calls ``run_scenario``.  Modules that
depend on one_stop reuse it."""
import doctest
import glob
import os
import unittest

from trytond import backend
from trytond.tests.test_tryton import (
    STRIP_DECIMAL, doctest_checker, doctest_setup, doctest_teardown)


def scenario_files(test_file):
    "The scenario_*.rst beside test_file, sorted"
    return sorted(glob.glob(
            os.path.join(os.path.dirname(test_file), 'scenario_*.rst')))


def run_scenario(scenario):
    "Run the doctest file scenario; fail with its first problem"
    optionflags = (doctest.REPORT_ONLY_FIRST_FAILURE | doctest.ELLIPSIS
        | doctest.IGNORE_EXCEPTION_DETAIL)
    if backend.name == 'sqlite':
        optionflags |= STRIP_DECIMAL
    suite = doctest.DocFileSuite(
        scenario, module_relative=False, setUp=doctest_setup,
        tearDown=doctest_teardown, encoding='utf-8',
        checker=doctest_checker, optionflags=optionflags)
    result = unittest.TestResult()
    suite.run(result)
    problems = result.failures + result.errors
    assert not problems, '\n'.join(text for _, text in problems)
    assert result.testsRun == 1
