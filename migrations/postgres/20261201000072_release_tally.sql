-- A port's release times over the last days (its page's median and 90th percentile) are read
-- from the releases of each day counted by whole minutes of release time: the whole days of
-- the window from this tally, only its two partial days from the shipments. The triggers keep
-- it in the transaction of every write of a shipment, whichever code writes it (shipments are
-- never deleted: the journal refers to each).
create table release_tally (
    port_code text not null,
    -- The UTC day of the release: released_at / 86400000.
    day bigint not null,
    -- Whole minutes from arrival to release: (released_at - arrived_at) / 60000.
    minutes bigint not null,
    n bigint not null,
    primary key (port_code, day, minutes)
);

insert into release_tally (port_code, day, minutes, n)
select port_code, released_at / 86400000, (released_at - arrived_at) / 60000, count(*)
from shipments
where released_at is not null and arrived_at is not null
group by 1, 2, 3;

create function release_tally_change() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' and old.released_at is not null and old.arrived_at is not null then
        update release_tally set n = n - 1
        where port_code = old.port_code and day = old.released_at / 86400000
          and minutes = (old.released_at - old.arrived_at) / 60000;
        delete from release_tally
        where port_code = old.port_code and day = old.released_at / 86400000
          and minutes = (old.released_at - old.arrived_at) / 60000 and n = 0;
    end if;
    if tg_op in ('INSERT', 'UPDATE') and new.released_at is not null and new.arrived_at is not null then
        insert into release_tally (port_code, day, minutes, n)
        values (new.port_code, new.released_at / 86400000, (new.released_at - new.arrived_at) / 60000, 1)
        on conflict (port_code, day, minutes) do update set n = release_tally.n + 1;
    end if;
    return null;
end
$$;

create trigger release_tally_insert after insert on shipments
for each row when (new.released_at is not null and new.arrived_at is not null)
execute function release_tally_change();

create trigger release_tally_update after update of port_code, arrived_at, released_at on shipments
for each row when (old.port_code is distinct from new.port_code
    or old.arrived_at is distinct from new.arrived_at
    or old.released_at is distinct from new.released_at)
execute function release_tally_change();
