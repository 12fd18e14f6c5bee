"""The Textual viewer of faultline-tui."""
