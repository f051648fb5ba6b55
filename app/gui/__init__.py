"""The Qt desktop shell: a thin layer over the core (see docs/decisions/0006-gui-shell.md).

Nothing outside this package imports Qt widgets; nothing in it writes SQL.
"""
