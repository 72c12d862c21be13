-- Ports run by people: a port that is not open says why and when it expects to be back;
-- notices have a severity, may expire, carry a version (edits are checked against it) and
-- may report an incident. The notices already posted are warnings.

alter table ports add column status_reason text;
alter table ports add column expected_return_at bigint;

alter table port_notices drop constraint port_notices_kind_check;
alter table port_notices add constraint port_notices_kind_check
    check (kind in ('incident', 'equipment', 'weather', 'system_outage', 'staffing', 'construction'));
alter table port_notices add column severity text not null default 'warning'
    check (severity in ('info', 'warning', 'critical'));
alter table port_notices add column expires_at bigint;
alter table port_notices add column version bigint not null default 1;
-- The notices in force that expire, for the timer that ends them.
create index port_notices_expiring on port_notices (expires_at)
    where ends_at is null and expires_at is not null;
