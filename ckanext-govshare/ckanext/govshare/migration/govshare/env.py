"""Alembic environment for the govshare plugin's own tables (`ckan db upgrade -p govshare`).

The plugin keeps its revision in ``govshare_alembic_version`` so it never touches CKAN
core's ``alembic_version``, and only looks at tables named ``govshare_*``.
"""
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

from ckan.model.meta import metadata

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name)

PLUGIN = os.path.basename(os.path.dirname(__file__))
VERSION_TABLE = f"{PLUGIN}_alembic_version"


def include_object(obj, name, type_, reflected, compare_to):
    return type_ != "table" or name.startswith(PLUGIN)


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata,
                      literal_binds=True, version_table=VERSION_TABLE,
                      include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    engine = engine_from_config(config.get_section(config.config_ini_section),
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata,
                          version_table=VERSION_TABLE, include_object=include_object)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
