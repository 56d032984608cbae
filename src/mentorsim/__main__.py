"""`python -m mentorsim`: the command line."""

import sys

from mentorsim.commands.cli import main

sys.exit(main())
