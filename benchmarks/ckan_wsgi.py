"""CKAN as a WSGI application for gunicorn, as the official images serve it with uWSGI:
``CKAN_INI=path/to/ckan.ini gunicorn --chdir benchmarks ckan_wsgi:application``."""
import os
from logging.config import fileConfig

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

fileConfig(os.environ["CKAN_INI"], disable_existing_loggers=False)
application = make_app(CKANConfigLoader(os.environ["CKAN_INI"]).get_config())
