"""redflags: find online ads connected to human trafficking and turn them into action."""

from redflags import _native

_native.guard()
