-- An inspection names its hold's shipment as well, so that the shipments a port examined over
-- its last days (its page) are counted from one index, without reading a hold for each of a
-- busy port's thousands of inspections. A hold's shipment never changes: the trigger fills the
-- column in the transaction of every insert, whichever code makes it.
alter table inspections add column shipment_id integer references shipments (id);

update inspections
set shipment_id = (select h.shipment_id from holds h where h.id = inspections.hold_id);

create trigger inspections_shipment_insert after insert on inspections
begin
    update inspections
    set shipment_id = (select h.shipment_id from holds h where h.id = new.hold_id)
    where id = new.id;
end;

create index inspections_port_created_shipment on inspections (port_code, created_at, shipment_id);
drop index inspections_port_created_hold;
