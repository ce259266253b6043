"""The language a piece of work speaks: the request's, or the site default outside one."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import ckan.plugins.toolkit as tk
from flask import current_app, has_app_context, has_request_context


def current() -> str:
    return (has_request_context() and tk.h.lang()) or tk.config["ckan.locale_default"]


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Run the enclosed code (a background job) as a request in ``lang``, so its messages
    come out in the language of the user who started it."""
    if not has_app_context():
        raise RuntimeError("a CKAN application context is needed to pick a language")
    with current_app.test_request_context(environ_overrides={"CKAN_LANG": lang}):
        yield
