# GovShare developer commands. `make up` and `make test` work on a fresh Debian machine.
PYTHON ?= python3

.PHONY: up down reset status install test i18n

up: install  ## install what is missing, start the stack, load the demo catalog
	$(PYTHON) scripts/stack.py up

down:  ## stop what `make up` started (by pid)
	$(PYTHON) scripts/stack.py down

reset: install  ## wipe the development database, index and files; reload the demo
	$(PYTHON) scripts/stack.py reset

status:
	$(PYTHON) scripts/stack.py status

install:
	bash scripts/install.sh

test: up  ## the whole test suite, against the running stack
	bash scripts/install-test-tools.sh
	.venv/bin/pytest

i18n:  ## refresh the message catalogs after changing strings
	for ext in govshare; do \
	  dir=ckanext-$$ext/ckanext/$$ext/i18n; \
	  .venv/bin/pybabel extract -F babel.cfg --no-location --omit-header \
	    -o $$dir/ckanext-$$ext.pot ckanext-$$ext/ckanext/$$ext && \
	  .venv/bin/pybabel update -D ckanext-$$ext -i $$dir/ckanext-$$ext.pot -d $$dir; \
	done
