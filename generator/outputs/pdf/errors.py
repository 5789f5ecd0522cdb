"""The PDF stage's one exception: a sheet or booklet that could not be rendered or put together."""

from __future__ import annotations

from generator.core.problems import GeneratorError


class PdfFailed(GeneratorError):
    """A PDF could not be made: the message says which and why, in Chinese."""
