"""Errors that reach the user: each names the file (and line, byte, task or region) at fault."""


class DatasetBuilderError(Exception):
    """Base class: the CLI prints the message and exits non-zero, having written nothing."""


class InputError(DatasetBuilderError, ValueError):
    """Bad input: a seed, an annotation file, a Label Studio export."""
