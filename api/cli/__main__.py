"""`python -m duijie.api.cli …` runs the command line (tests run it as a subprocess)."""

import sys

from duijie.api.cli import main

sys.exit(main())
