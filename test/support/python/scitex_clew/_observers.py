"""Stand-in for scitex_clew._observers: stx.io's load/save hooks (see __init__.py)."""
from . import _record


def on_io_load(path, result=None):
    _record(path, "input")


def on_io_save(path, obj=None, kwargs=None):
    _record(path, "output")
