-- Signed-in sessions and failed sign-ins. The session cookie itself is managed by the session
-- layer (its own table); each signed-in session also has a row here, so that a person can see
-- and end their sessions, and disabling an account or changing its password ends them all in
-- the same transaction as the change.

alter table accounts add column demo integer not null default 0 check (demo in (0, 1));

create table sessions (
    key text primary key,
    account_id integer not null references accounts (id),
    signed_in_at integer not null,
    last_seen_at integer not null,
    address text not null,
    user_agent text not null,
    ended_at integer,
    end_reason text
);
create index sessions_open on sessions (account_id) where ended_at is null;

-- Failed sign-ins of the last while, counted to slow and then refuse guessing. Rows older than
-- the window are deleted as new ones arrive; the journal keeps the permanent record.
create table sign_in_failures (
    id integer primary key,
    at integer not null,
    username text not null,
    address text not null
);
create index sign_in_failures_username on sign_in_failures (username, at);
create index sign_in_failures_address on sign_in_failures (address, at);
