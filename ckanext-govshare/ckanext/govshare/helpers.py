"""Template helpers of the govshare plugin."""
from __future__ import annotations

from . import config


def govshare_platform_name() -> str:
    """The platform's configured name, e.g. 杭州市政务数据共享开放平台."""
    return config.platform_name()


def govshare_data_bureau() -> str:
    """The configured department that runs the platform."""
    return config.data_bureau()
