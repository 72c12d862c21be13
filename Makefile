# The two commands of border-ops. Each installs what is missing, then does its job.
.PHONY: run test

## Build and start the product with the demo country at http://127.0.0.1:3000
run:
	@scripts/run.sh

## Every check and test: formatting, clippy (ssr and hydrate), unit, integration on SQLite
## and PostgreSQL, end-to-end in Chromium
test:
	@scripts/test.sh
