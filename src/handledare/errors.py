"""Refusals and failures that people see, each with a message in their language.

Messages are built when raised, with the language active at that moment.
Input refusals and environment problems are kept apart because the CLI
exits with different codes for them (1 and 2).
"""


class HandledareError(Exception):
    """Base for every error meant to be shown to a person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InputError(HandledareError):
    """The request cannot be carried out as given; the person can correct it."""


class NotFoundError(InputError):
    """A named unit, user, person, template or onboarding does not exist."""


class PermissionRefused(InputError):
    """The acting user's role or units do not allow this."""


class WrongPinError(InputError):
    """The PIN did not match."""


class EnvironmentProblem(HandledareError):
    """The database or a folder is unusable; nothing the person typed is wrong."""
