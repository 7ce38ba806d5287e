"""`python -m benchmarks`: the same as `intent bench`."""

import sys

from benchmarks.suite import main

sys.exit(main())
