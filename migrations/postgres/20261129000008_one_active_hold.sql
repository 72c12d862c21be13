-- One active hold per shipment and reason, kept by the database itself: two people (or a
-- person and an ingest) placing the same hold at the same moment cannot both succeed; the
-- second write is refused by this index and answered as a conflict.
create unique index holds_one_active_per_reason on holds (shipment_id, reason)
    where status in ('placed', 'examination', 'seizure_requested');
