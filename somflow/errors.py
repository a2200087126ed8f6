"""Exceptions that carry a message for the user (already in the user's language)."""


class SomflowError(Exception):
    """An error the user can act on; the CLI prints the message and exits with ``exit_code``."""

    exit_code = 1


class InvalidInput(SomflowError):
    """Data given by the user does not pass validation; nothing was written."""

    exit_code = 2

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


class ConfigError(SomflowError):
    """``somflow.toml`` is missing or wrong."""


class StoreError(SomflowError):
    """The document store cannot be used; the message says why and what to do."""

    exit_code = 3


class StoreCorrupt(StoreError):
    """The store file cannot be parsed; it is left untouched."""


class StoreBusy(StoreError):
    """Another process holds the store lock for too long."""


class ConflictError(StoreError):
    """A record changed under us (optimistic version check failed)."""


class FileInUse(SomflowError):
    """A file cannot be written: another program has it open (Windows) or the folder is read-only."""


def os_error_message(exc: OSError) -> str:
    """A Polish sentence for a file-system error: what went wrong and with which file."""
    import errno

    from somflow.i18n import _

    reasons = {
        errno.ENOENT: _("nie ma takiego pliku albo folderu"),
        errno.ENOTDIR: _("część ścieżki jest plikiem, a nie folderem"),
        errno.EISDIR: _("to jest folder, a nie plik"),
        errno.EEXIST: _("w tym miejscu jest już plik o tej nazwie"),
        errno.EACCES: _("brak uprawnień"),
        errno.EPERM: _("brak uprawnień"),
        errno.ENOSPC: _("brak miejsca na dysku"),
        errno.EROFS: _("dysk lub folder jest tylko do odczytu"),
        errno.ENAMETOOLONG: _("nazwa pliku jest za długa"),
    }
    reason = reasons.get(exc.errno) or exc.strerror or type(exc).__name__
    if exc.filename is None:
        return _("Błąd pliku: {reason}.", reason=reason)
    return _("Nie można użyć pliku {path}: {reason}.", path=exc.filename, reason=reason)
