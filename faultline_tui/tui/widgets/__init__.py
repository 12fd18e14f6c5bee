"""Widgets of the viewer, one module per pane."""
