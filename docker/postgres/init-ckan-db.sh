#!/bin/sh
# Creates CKAN's role and database, and the DataStore's database with its read-only role, on
# the first start of an empty data volume. The DataStore grants themselves are applied by the
# CKAN image's start-up (`ckan datastore set-permissions`).
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" <<SQL
CREATE ROLE "$CKAN_DB_USER" LOGIN PASSWORD '$CKAN_DB_PASSWORD';
CREATE DATABASE "$CKAN_DB" OWNER "$CKAN_DB_USER" ENCODING 'UTF8' TEMPLATE template0;
CREATE ROLE "$DATASTORE_READONLY_USER" LOGIN PASSWORD '$DATASTORE_READONLY_PASSWORD';
CREATE DATABASE "$DATASTORE_DB" OWNER "$CKAN_DB_USER" ENCODING 'UTF8' TEMPLATE template0;
SQL
