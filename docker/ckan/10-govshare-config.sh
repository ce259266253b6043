#!/bin/sh
# Merges GovShare's settings into the image's CKAN_INI: the shared base, then production's
# overrides. Everything secret or site-specific comes from the environment (see .env.example).
set -e
src="${APP_DIR}/src/govshare"
ckan config-tool "$CKAN_INI" -f "$src/config/base.ini"
ckan config-tool "$CKAN_INI" -f "$src/config/production.ini"
ckan config-tool "$CKAN_INI" \
  "scheming.dataset_schemas = file://$src/scheming/govshare_dataset.yaml" \
  "scheming.organization_schemas = file://$src/scheming/govshare_organization.yaml" \
  "ckan.harvest.mq.hostname = ${GOVSHARE_REDIS_HOST:-redis}"
ckan db upgrade -p harvest
ckan db upgrade -p govshare
ckan govshare classification seed
# DataStore grants (idempotent): the reader role may only SELECT. In PostgreSQL 15 the
# database owner owns the public schema, so CKAN's own role can apply them.
ckan datastore set-permissions | psql --set ON_ERROR_STOP=1 -q "$CKAN_DATASTORE_WRITE_URL"
