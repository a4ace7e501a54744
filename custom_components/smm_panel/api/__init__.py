"""Async client for the SMM panel API v2.

Pure Python on aiohttp: no Home Assistant imports, so it can become a PyPI library. Each module
names its public part in `__all__`; the package offers all of them.
"""

from . import client, exceptions, models, status
from .client import *
from .exceptions import *
from .models import *
from .scrub import REDACTED
from .status import *

__all__ = ["REDACTED"]
__all__ += client.__all__
__all__ += exceptions.__all__
__all__ += models.__all__
__all__ += status.__all__
