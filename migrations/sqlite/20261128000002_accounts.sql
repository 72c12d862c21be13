-- Accounts of the people (and systems) who use the product, and the bearer tokens issued to
-- them. Passwords are Argon2id PHC strings; tokens are stored as their SHA-256, never as
-- issued. `ports` is 'all' or a comma-separated list of port codes.

create table accounts (
    id integer primary key,
    username text not null unique,
    display_name text not null,
    badge text,
    role text not null check (role in ('viewer', 'officer', 'supervisor', 'analyst', 'admin')),
    ports text not null default 'all',
    password_hash text not null,
    active integer not null default 1 check (active in (0, 1)),
    created_at integer not null,
    password_changed_at integer not null,
    version integer not null default 1
);

create table api_tokens (
    id integer primary key,
    account_id integer not null references accounts (id),
    token_hash text not null unique,
    label text not null,
    created_at integer not null,
    last_used_at integer,
    revoked_at integer
);
create index api_tokens_account on api_tokens (account_id);
