"""``python -m faultline_tui`` is the same as the ``faultline-tui`` command."""

from faultline_tui.cli import main

if __name__ == "__main__":  # guarded: worker processes import this module again
    raise SystemExit(main())
