-- Ports run by people: a port that is not open says why and when it expects to be back;
-- notices have a severity, may expire, carry a version (edits are checked against it) and
-- may report an incident. SQLite cannot change a check constraint, so `port_notices` is
-- rebuilt with the same ids; the notices already posted are warnings.

alter table ports add column status_reason text;
alter table ports add column expected_return_at integer;

create table port_notices_rebuilt (
    id integer primary key,
    port_code text not null references ports (code),
    kind text not null check (kind in ('incident', 'equipment', 'weather', 'system_outage', 'staffing', 'construction')),
    severity text not null default 'warning' check (severity in ('info', 'warning', 'critical')),
    message text not null,
    starts_at integer not null,
    ends_at integer,
    expires_at integer,
    version integer not null default 1
);
insert into port_notices_rebuilt (id, port_code, kind, severity, message, starts_at, ends_at)
    select id, port_code, kind, 'warning', message, starts_at, ends_at from port_notices;
drop table port_notices;
alter table port_notices_rebuilt rename to port_notices;
create index port_notices_port on port_notices (port_code, ends_at);
-- The notices in force that expire, for the timer that ends them.
create index port_notices_expiring on port_notices (expires_at)
    where ends_at is null and expires_at is not null;
