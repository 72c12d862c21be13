-- The session layer's table, made by the migrations like every other table (on PostgreSQL,
-- so that `serve` can run as a role that may not create anything). Its shape is the session
-- store's own (tower-sessions-sqlx-store), which made it on start until now: on a database
-- where it did, this changes nothing.
create table if not exists web_sessions (
    id text primary key not null,
    data blob not null,
    expiry_date integer not null
);
