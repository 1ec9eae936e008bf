"""Named errors the library raises; app.py and the CLI turn them into user messages."""


class RagError(Exception):
    """Base class: every error the library raises on purpose."""


class ConfigError(RagError):
    """A setting has a bad value."""


class IngestError(RagError):
    """A document could not be read (not UTF-8, binary, empty, too large)."""


class IndexCorrupt(RagError):
    """The stored index is missing, truncated or does not match its manifest."""


class GeneratorUnavailable(RagError):
    """A generator could not be loaded (no weights, missing package). `absent`: its model is
    simply not on this machine, the usual case offline ("auto" passes over it quietly)."""

    absent = False


class BadQuestion(RagError):
    """The question is empty or otherwise unusable."""


class UploadRejected(RagError):
    """An uploaded file was refused (size, encoding, binary content)."""


class GoldFormatError(RagError):
    """A gold-set row breaks the schema or quotes text its document lacks."""


class DocumentNotFound(RagError):
    """A document name that is not in the collection."""


class DiskFull(RagError):
    """A write failed because the disk (or the user's quota) is full: nothing was kept of it."""


def is_disk_full(exc: BaseException) -> bool:
    """Whether an OSError says the disk or quota is full (ENOSPC, EDQUOT)."""
    import errno

    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


DISK_FULL = "the disk is full: free some space (or remove documents) and try again"
