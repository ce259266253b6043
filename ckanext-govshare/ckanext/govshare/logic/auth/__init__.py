"""The govshare auth functions, a module per subject; the plugin's blanket exports ``__all__``."""
from .access_requests import *  # noqa: F401,F403
from .catalog import *  # noqa: F401,F403
from .data_access import *  # noqa: F401,F403
from . import access_requests, catalog, data_access

__all__ = catalog.__all__ + data_access.__all__ + access_requests.__all__
