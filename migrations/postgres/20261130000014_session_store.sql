-- The session layer's table, made by the migrations like every other table, so that `serve`
-- can run as a role that may not create anything (see `border-ops migrate --serving-role`).
-- Its shape is the session store's own (tower-sessions-sqlx-store), which made it on start
-- until now: on a database where it did, this changes nothing.
create schema if not exists tower_sessions;
create table if not exists tower_sessions.web_sessions (
    id text primary key not null,
    data bytea not null,
    expiry_date timestamptz not null
);
