-- Goods detained for a rights holder (Trademarks Act ss. 51.06-51.09): one detention per hold
-- for intellectual property, opened when the officer sends the notice to the owner of the
-- request for assistance. notice_day is the port's local day the notice went ('YYYY-MM-DD');
-- the deadline (deadline_day, local, included) is 10 working days after it, 5 days for
-- perishable goods, and one extension of 10 working days more (non-perishable only) moves it.
-- Storage and handling charges accrue to the rights holder at daily_charge_cents from the day
-- after the notice to charges_end_day (included; open while the goods stay detained).
-- outcome: 'proceedings' (held, the deadline no longer runs), then, or directly, one of the
-- ends 'not_counterfeit', 'no_action' (both released), 'seized', 'abandoned'.
create table detentions (
    id integer primary key,
    hold_id integer not null unique references holds (id),
    shipment_id integer not null references shipments (id),
    port_code text not null,
    request_id integer not null references rights_requests (id),
    perishable integer not null check (perishable in (0, 1)),
    notice_at integer not null,
    notice_by text not null,
    notice_day text not null,
    deadline_day text not null check (deadline_day > notice_day),
    daily_charge_cents integer not null check (daily_charge_cents >= 0),
    extended_at integer,
    extended_by text,
    proceedings_at integer,
    outcome text check (outcome in ('proceedings', 'not_counterfeit', 'no_action', 'seized', 'abandoned')),
    outcome_at integer,
    outcome_by text,
    charges_end_day text,
    version integer not null default 1 check (version >= 1)
);

create index detentions_shipment on detentions (shipment_id);
