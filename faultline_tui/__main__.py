"""``python -m faultline_tui`` is the same as the ``faultline-tui`` command."""

from faultline_tui.cli import main

raise SystemExit(main())
