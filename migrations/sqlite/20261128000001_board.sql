-- The operations board: ports of entry, shipments, holds, inspections, officers and the
-- journal of every change. Instants are UTC milliseconds since the epoch (bigint), flags are
-- 0/1 integers, JSON is text: one query text and one row decoder then serve SQLite and
-- PostgreSQL alike.

create table ports (
    code text primary key,
    name text not null,
    kind text not null check (kind in ('air', 'land', 'marine', 'rail')),
    province text not null,
    time_zone text not null,
    status text not null check (status in ('open', 'limited', 'closed')),
    hours text not null,
    lanes_open integer not null check (lanes_open >= 0),
    lanes_available integer not null check (lanes_available >= lanes_open),
    officers_on_shift integer not null check (officers_on_shift >= 0),
    commercial_wait_min integer check (commercial_wait_min >= 0),
    traveller_wait_min integer check (traveller_wait_min >= 0),
    waits_measured_at integer,
    version integer not null default 1
);

create table port_notices (
    id integer primary key,
    port_code text not null references ports (code),
    kind text not null check (kind in ('construction', 'system_outage', 'weather', 'equipment', 'staffing')),
    message text not null,
    starts_at integer not null,
    ends_at integer
);
create index port_notices_port on port_notices (port_code, ends_at);

create table officers (
    id integer primary key,
    name text not null,
    badge text not null unique,
    home_port text not null references ports (code),
    on_shift integer not null default 0 check (on_shift in (0, 1)),
    version integer not null default 1
);
create index officers_home_port on officers (home_port, on_shift);

create table shipments (
    id integer primary key,
    mode text not null check (mode in ('air', 'land', 'marine', 'rail')),
    reference_kind text not null check (reference_kind in ('air_waybill', 'bill_of_lading', 'cargo_control')),
    reference text not null,
    house_waybill text,
    carrier text not null,
    voyage text not null,
    origin_country text not null,
    origin_location text not null,
    transit_location text,
    port_code text not null references ports (code),
    shipper_name text not null,
    shipper_address text not null,
    consignee_name text not null,
    consignee_address text not null,
    importer_name text not null,
    trusted_trader text check (trusted_trader in ('PIP', 'CTPAT', 'AEO')),
    hs_code text not null,
    description text not null,
    pieces integer not null check (pieces > 0),
    weight_kg real not null check (weight_kg > 0),
    declared_value_cents integer not null check (declared_value_cents >= 0),
    currency text not null,
    eta_at integer not null,
    arrived_at integer,
    released_at integer,
    status text not null check (status in ('awaiting_arrival', 'arrived', 'held', 'released', 'seized', 'referred', 'returned')),
    created_at integer not null,
    version integer not null default 1,
    unique (reference_kind, reference)
);
create index shipments_port_status on shipments (port_code, status);
create index shipments_port_eta on shipments (port_code, eta_at, arrived_at);
create index shipments_released on shipments (port_code, released_at, arrived_at) where released_at is not null;

create table holds (
    id integer primary key,
    shipment_id integer not null references shipments (id),
    port_code text not null references ports (code),
    reason text not null check (reason in ('risk_target', 'documentation', 'random', 'intellectual_property', 'other_agency', 'do_not_load', 'intelligence')),
    status text not null check (status in ('placed', 'examination', 'seizure_requested', 'released', 'seized', 'referred', 'returned')),
    placed_at integer not null,
    placed_by text not null,
    due_at integer not null,
    paused_ms integer not null default 0 check (paused_ms >= 0),
    paused_since integer,
    resolved_at integer,
    resolved_by text,
    agency text,
    notes text not null default '',
    version integer not null default 1
);
create index holds_shipment on holds (shipment_id);
create index holds_active on holds (port_code, placed_at) where status in ('placed', 'examination', 'seizure_requested');
create index holds_active_due on holds (due_at) where status in ('placed', 'examination', 'seizure_requested');
create index holds_status_placed on holds (status, placed_at);

create table inspections (
    id integer primary key,
    hold_id integer not null references holds (id),
    port_code text not null references ports (code),
    kind text not null check (kind in ('document_review', 'xray', 'physical', 'detector_dog', 'radiation', 'lab_sample')),
    priority_rank integer not null check (priority_rank between 1 and 4),
    status text not null check (status in ('queued', 'assigned', 'in_progress', 'completed', 'cancelled')),
    created_at integer not null,
    due_at integer not null,
    assigned_officer_id integer references officers (id),
    started_at integer,
    completed_at integer,
    outcome text check (outcome in ('no_finding', 'seizure', 'penalty', 'agency_referral', 'inconclusive')),
    version integer not null default 1
);
create index inspections_hold on inspections (hold_id);
create index inspections_queue on inspections (port_code, priority_rank, due_at) where status in ('queued', 'assigned', 'in_progress');
create index inspections_open_due on inspections (due_at) where status in ('queued', 'assigned', 'in_progress');
create index inspections_officer on inspections (assigned_officer_id, status);
create index inspections_port_created on inspections (port_code, created_at);

-- Append-only: rows are inserted in the same transaction as the change they describe and
-- never updated or deleted.
create table journal (
    seq integer primary key autoincrement,
    at integer not null,
    actor text not null,
    entity text not null,
    entity_id text not null,
    shipment_id integer references shipments (id),
    port_code text references ports (code),
    action text not null,
    before_json text,
    after_json text,
    reason text
);
create index journal_shipment on journal (shipment_id, seq) where shipment_id is not null;
create index journal_entity on journal (entity, entity_id, seq);

create trigger journal_no_update before update on journal
begin
    select raise(abort, 'the journal is append-only');
end;
create trigger journal_no_delete before delete on journal
begin
    select raise(abort, 'the journal is append-only');
end;
