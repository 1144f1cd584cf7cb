"""``python -m incentives``: the command line."""

from ._cli import main

main()
