-- A port's arrivals over its last days (its page's "arrived, last 7 days", against which the
-- share examined is read) are counted by the UTC day of arrival: the whole days of the window
-- from this tally, its partial days from the shipments through `shipments_port_arrived`. The
-- triggers keep it in the transaction of every write of a shipment, as `release_tally`.
create table arrival_tally (
    port_code text not null,
    -- The UTC day of the arrival: arrived_at / 86400000.
    day integer not null,
    n integer not null,
    primary key (port_code, day)
) without rowid;

create index shipments_port_arrived on shipments (port_code, arrived_at) where arrived_at is not null;

insert into arrival_tally (port_code, day, n)
select port_code, arrived_at / 86400000, count(*)
from shipments
where arrived_at is not null
group by 1, 2;

create trigger arrival_tally_insert after insert on shipments
when new.arrived_at is not null
begin
    insert into arrival_tally (port_code, day, n)
    values (new.port_code, new.arrived_at / 86400000, 1)
    on conflict (port_code, day) do update set n = n + 1;
end;

create trigger arrival_tally_update after update of port_code, arrived_at on shipments
when old.port_code is not new.port_code or old.arrived_at is not new.arrived_at
begin
    update arrival_tally set n = n - 1
    where old.arrived_at is not null
      and port_code = old.port_code and day = old.arrived_at / 86400000;
    insert into arrival_tally (port_code, day, n)
    select new.port_code, new.arrived_at / 86400000, 1
    where new.arrived_at is not null
    on conflict (port_code, day) do update set n = n + 1;
end;
