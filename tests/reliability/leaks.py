"""Where a secret could show: every text an exception carries, along its whole chain."""

from __future__ import annotations


def exception_texts(err: BaseException) -> list[str]:
    """An exception's text, repr and translation placeholders, with its causes and contexts."""
    texts: list[str] = []
    seen: BaseException | None = err
    while seen is not None:
        texts += [str(seen), repr(seen), repr(getattr(seen, "translation_placeholders", None))]
        seen = seen.__cause__ or seen.__context__
    return texts
