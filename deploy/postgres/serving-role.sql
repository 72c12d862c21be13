-- The login role the board serves as: it owns nothing, and `border-ops migrate --serving-role`
-- gives it the rights `serve` needs (README: "Running as a role that owns nothing").
-- Run once, when the database is created (compose mounts it into docker-entrypoint-initdb.d).
create role border_ops_app login password 'change-me-app';
