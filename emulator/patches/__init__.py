"""The MiniStack gaps Terraform and the functions trip over, one module per gap.

Each module has a ``PATCH`` (emulator.ministack_internals.Patch): the MiniStack internals it
touches, what it replaces, and which request bodies it rewrites. emulator.ministack_compat installs
them all; none imports another, or ministack_compat."""
