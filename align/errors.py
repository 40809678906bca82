"""Errors the CLI turns into one clear line on stderr."""


class AlignError(Exception):
    """Base for every error that is the user's input, not a bug."""

    exit_code = 2


class InputError(AlignError):
    """The input cannot be read or used (missing, empty, binary, undecodable...)."""


class UnsupportedLanguageError(AlignError):
    """No loaded encoder covers the document's language."""


class ModelNotAvailableError(AlignError):
    """The requested embedding model is not on this machine; align never downloads at run time."""
