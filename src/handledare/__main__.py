"""Lets `python -m handledare` behave like the `handledare` command."""

import sys

from handledare.cli import main

sys.exit(main())
