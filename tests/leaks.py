"""Where a secret could show: every exception behind an error, and every text they carry."""

from __future__ import annotations

from collections.abc import Iterator


def exception_chain(err: BaseException) -> Iterator[BaseException]:
    """`err` and every exception behind it (`__cause__` and `__context__`), each once."""
    seen: set[int] = set()
    pending: list[BaseException] = [err]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)


def exception_texts(err: BaseException) -> list[str]:
    """Each exception's text, repr and translation placeholders, along the whole chain."""
    texts: list[str] = []
    for link in exception_chain(err):
        texts += [str(link), repr(link), repr(getattr(link, "translation_placeholders", None))]
    return texts
