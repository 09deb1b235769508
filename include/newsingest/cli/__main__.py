"""``python -m newsingest.cli``: same as the ``newsingest`` command."""

from newsingest.cli import main

main()
