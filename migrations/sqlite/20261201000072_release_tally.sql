-- A port's release times over the last days (its page's median and 90th percentile) are read
-- from the releases of each day counted by whole minutes of release time: the whole days of
-- the window from this tally, only its two partial days from the shipments. The triggers keep
-- it in the transaction of every write of a shipment, whichever code writes it (shipments are
-- never deleted: the journal refers to each).
create table release_tally (
    port_code text not null,
    -- The UTC day of the release: released_at / 86400000.
    day integer not null,
    -- Whole minutes from arrival to release: (released_at - arrived_at) / 60000.
    minutes integer not null,
    n integer not null,
    primary key (port_code, day, minutes)
) without rowid;

insert into release_tally (port_code, day, minutes, n)
select port_code, released_at / 86400000, (released_at - arrived_at) / 60000, count(*)
from shipments
where released_at is not null and arrived_at is not null
group by 1, 2, 3;

create trigger release_tally_insert after insert on shipments
when new.released_at is not null and new.arrived_at is not null
begin
    insert into release_tally (port_code, day, minutes, n)
    values (new.port_code, new.released_at / 86400000, (new.released_at - new.arrived_at) / 60000, 1)
    on conflict (port_code, day, minutes) do update set n = n + 1;
end;

create trigger release_tally_update after update of port_code, arrived_at, released_at on shipments
when old.port_code is not new.port_code or old.arrived_at is not new.arrived_at
    or old.released_at is not new.released_at
begin
    update release_tally set n = n - 1
    where old.released_at is not null and old.arrived_at is not null
      and port_code = old.port_code and day = old.released_at / 86400000
      and minutes = (old.released_at - old.arrived_at) / 60000;
    delete from release_tally
    where old.released_at is not null and old.arrived_at is not null
      and port_code = old.port_code and day = old.released_at / 86400000
      and minutes = (old.released_at - old.arrived_at) / 60000 and n = 0;
    insert into release_tally (port_code, day, minutes, n)
    select new.port_code, new.released_at / 86400000, (new.released_at - new.arrived_at) / 60000, 1
    where new.released_at is not null and new.arrived_at is not null
    on conflict (port_code, day, minutes) do update set n = n + 1;
end;
