#!/usr/bin/env bash
# Starts the local PostgreSQL cluster (Debian's) if it is not running, makes sure the
# `postgres` role can log in with a password over TCP, and prints the URL the tests use.
# Prints nothing and exits 1 when there is no PostgreSQL to start.
set -euo pipefail

command -v pg_lsclusters >/dev/null 2>&1 || exit 1
# Not a cluster a test made for itself (scripts/pg-cluster.sh names them boc_*).
read -r version cluster port status _ < <(pg_lsclusters --no-header | awk '$2 !~ /^boc_/' | head -n1) || exit 1
if [ "$status" != online ]; then
  pg_ctlcluster "$version" "$cluster" start >&2
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 0.5
done
password="${BOC_TEST_PG_PASSWORD:-postgres}"
su postgres -c "psql -q -p $port -c \"alter user postgres password '$password'\"" >/dev/null
# Databases left behind by interrupted test runs.
su postgres -c "psql -At -p $port -c \"select datname from pg_database where datname like 'boc_test_%'\"" |
  while read -r db; do su postgres -c "dropdb -p $port --if-exists $db" || true; done
echo "postgres://postgres:${password}@127.0.0.1:${port}/postgres"
