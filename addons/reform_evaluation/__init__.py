# This file is part of the reform_evaluation module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
