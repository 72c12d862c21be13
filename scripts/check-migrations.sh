#!/usr/bin/env bash
# Migrations are append-only: a migration that has landed is never edited (a database migrated
# before the edit would keep the old meaning, and sqlx refuses a changed checksum). Every
# migration must be listed in migrations/landed.sha256 with its checksum; this fails when one
# listed has changed or one is not listed. Adding a migration: add its line with
#   (cd migrations && sha256sum sqlite/NEW.sql postgres/NEW.sql >> landed.sha256)
set -euo pipefail
cd "$(dirname "$0")/../migrations"

status=0
if ! sha256sum --quiet --strict -c landed.sha256; then
  echo "a migration that has landed was edited: add a new migration instead" >&2
  status=1
fi
for file in sqlite/*.sql postgres/*.sql; do
  if ! grep -q "  ${file}\$" landed.sha256; then
    echo "${file} is not in migrations/landed.sha256: add its checksum when it lands" >&2
    status=1
  fi
done
for backend in sqlite postgres; do
  other=$([ "$backend" = sqlite ] && echo postgres || echo sqlite)
  for file in "$backend"/*.sql; do
    [ -f "$other/$(basename "$file")" ] || { echo "$file has no twin in $other/" >&2; status=1; }
  done
done
[ "$status" = 0 ] && echo "migrations: every landed migration unchanged, each in both backends"
exit "$status"
