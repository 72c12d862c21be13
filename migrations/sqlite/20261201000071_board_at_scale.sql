-- Every hold of a port, whatever its status (the holds list filtered by port alone), read
-- from the index with the times each sort of the list orders by: counting and sorting a port's
-- holds reads neither the table nor the holds of other ports.
create index holds_port_times on holds (port_code, due_at, paused_ms, placed_at);
-- The shipments a port examined over its last days (its page) are counted from the index
-- alone, without reading the inspections.
create index inspections_port_created_hold on inspections (port_code, created_at, hold_id);
drop index inspections_port_created;
