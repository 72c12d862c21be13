-- Acting on holds and inspections. An account that claims or works inspections is linked to
-- its officer on the roster (made on its first claim when the roster has no such badge). A
-- follow-up inspection names the inconclusive one it follows; a seizure request names who
-- asked for it, so that someone else approves it.

alter table accounts add column officer_id bigint references officers (id);
alter table inspections add column follows_id bigint references inspections (id);
alter table holds add column seizure_requested_by text;
