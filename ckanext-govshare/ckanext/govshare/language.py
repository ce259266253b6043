"""The language a piece of work speaks: the request's, or the site default outside one."""
from __future__ import annotations

import functools
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
    flask_app = current_app if has_app_context() else _worker_app()
    with flask_app.test_request_context(environ_overrides={"CKAN_LANG": lang}):
        yield


@functools.lru_cache(maxsize=1)
def _worker_app():
    """A job's work horse (or a harvest consumer) has CKAN's environment loaded but no Flask
    application: build one, once per process (it takes a second), and take its Flask core
    the way CKAN's own CLI does."""
    from ckan.config.middleware import make_app
    return make_app(tk.config)._wsgi_app
