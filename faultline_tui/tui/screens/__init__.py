"""Screens of the viewer: the main screen and its modal helpers."""
