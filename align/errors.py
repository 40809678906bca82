"""Errors the CLI turns into one clear line on stderr."""


class AlignError(Exception):
    """Base for every error that is the user's input, not a bug."""

    exit_code = 2


class InputError(AlignError):
    """The input cannot be read or used (missing, empty, binary, undecodable...)."""


class UnsupportedLanguageError(AlignError):
    """No loaded encoder covers the document's language."""
