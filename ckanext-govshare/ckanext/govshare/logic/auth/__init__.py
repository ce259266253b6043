"""The govshare auth functions, a module per subject; the plugin's blanket exports ``__all__``."""
from .access_requests import *  # noqa: F401,F403
from .catalog import *  # noqa: F401,F403
from .data_access import *  # noqa: F401,F403
from .exchange import *  # noqa: F401,F403
from .exchange_stats import *  # noqa: F401,F403
from . import access_requests, catalog, data_access, exchange, exchange_stats

__all__ = (catalog.__all__ + data_access.__all__ + access_requests.__all__ + exchange.__all__
           + exchange_stats.__all__)
