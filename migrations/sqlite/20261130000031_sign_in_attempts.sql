-- Sign-in attempts counted before the password is checked. One row per username
-- ('user:<name>') and per address ('address:<ip>'): a single upsert reserves an attempt and
-- returns the count, so that of many guesses sent at once no more than the limit are checked.
-- A window starts at its first attempt and the count starts again once it has passed. The
-- row of a username also holds the refusals not yet journaled, so that a flood of refusals
-- writes one journal entry a minute with their count rather than one each.
create table sign_in_attempts (
    key text primary key,
    window_start integer not null,
    attempts integer not null,
    refusals_unjournaled integer not null default 0,
    refusal_journaled_at integer
);
create index sign_in_attempts_window on sign_in_attempts (window_start);

-- The failures table it replaces: the journal keeps the permanent record of every failure.
drop table sign_in_failures;
