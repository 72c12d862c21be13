-- Risk targeting. Declarations arrive pre-load (the "7+1") or full; each is scored by rules
-- kept as data, with versions (an edit adds a version row, never changes one), and each score
-- records the rule versions that fired. Referrals beyond a port's examination capacity wait
-- in score order. Instants are UTC milliseconds, flags 0/1, JSON text, as everywhere.

alter table shipments add column declaration_kind text not null default 'full'
    check (declaration_kind in ('pre_load', 'full'));
alter table shipments add column transit_country text;
-- The itinerary as the carrier gives it: locations separated by dashes, e.g. PVG-ANC-YVR.
alter table shipments add column routing text;
create index shipments_importer on shipments (importer_name);

create table rules (
    id integer primary key,
    name text not null unique,
    enabled integer not null default 1 check (enabled in (0, 1)),
    current_version integer not null default 1 check (current_version >= 1),
    created_at integer not null,
    created_by text not null
);

create table rule_versions (
    id integer primary key,
    rule_id integer not null references rules (id),
    version integer not null check (version >= 1),
    kind text not null check (kind in ('country', 'hs_prefix', 'watch_list', 'first_time_importer', 'value_per_kg', 'routing', 'intelligence')),
    parameters_json text not null,
    weight integer not null check (weight between 1 and 100),
    reason text not null,
    instructions text not null,
    inspection_kind text check (inspection_kind in ('document_review', 'xray', 'physical', 'detector_dog', 'radiation', 'lab_sample')),
    author text not null,
    created_at integer not null,
    unique (rule_id, version)
);

-- One row: the lane thresholds, the pre-load referral thresholds, the trusted-trader credit
-- and the minimum random selection rate (basis points: 100 = 1%).
create table targeting_settings (
    id integer primary key check (id = 1),
    random_rate_bp integer not null check (random_rate_bp between 0 and 10000),
    yellow_at integer not null check (yellow_at >= 1),
    red_at integer not null check (red_at >= yellow_at),
    rfi_at integer not null check (rfi_at >= 1),
    rfs_at integer not null check (rfs_at >= rfi_at),
    dnl_at integer not null check (dnl_at >= rfs_at),
    trusted_credit integer not null check (trusted_credit >= 0),
    updated_at integer not null,
    updated_by text not null
);
insert into targeting_settings (id, random_rate_bp, yellow_at, red_at, rfi_at, rfs_at, dnl_at, trusted_credit, updated_at, updated_by)
values (1, 100, 30, 60, 30, 60, 90, 20, 0, 'installation');

-- Examinations a port can open per hour, by inspection type; a port and type without a row
-- is not limited.
create table port_capacity (
    port_code text not null references ports (code),
    kind text not null check (kind in ('document_review', 'xray', 'physical', 'detector_dog', 'radiation', 'lab_sample')),
    per_hour integer not null check (per_hour >= 0),
    updated_at integer not null,
    updated_by text not null,
    primary key (port_code, kind)
);

create table shipment_scores (
    id integer primary key,
    shipment_id integer not null references shipments (id),
    scored_at integer not null,
    declaration_kind text not null check (declaration_kind in ('pre_load', 'full')),
    score integer not null,
    lane text not null check (lane in ('green', 'yellow', 'red')),
    referral text check (referral in ('rfi', 'rfs', 'dnl')),
    random_selected integer not null default 0 check (random_selected in (0, 1)),
    trusted_credit integer not null default 0,
    ruleset text not null
);
create index shipment_scores_shipment on shipment_scores (shipment_id, id);
create index shipment_scores_scored on shipment_scores (scored_at);

-- The rule versions that fired for a score, with the weight each added.
create table score_hits (
    score_id integer not null references shipment_scores (id),
    rule_id integer not null references rules (id),
    rule_version integer not null,
    shipment_id integer not null references shipments (id),
    scored_at integer not null,
    weight integer not null,
    primary key (score_id, rule_id)
);
create index score_hits_rule on score_hits (rule_id, scored_at);

-- Examinations a score asked for that the port had no capacity for yet: the hold is placed,
-- the inspection waits here, highest score first, until a slot frees.
create table referrals_waiting (
    id integer primary key,
    shipment_id integer not null references shipments (id),
    hold_id integer not null references holds (id),
    port_code text not null references ports (code),
    kind text not null check (kind in ('document_review', 'xray', 'physical', 'detector_dog', 'radiation', 'lab_sample')),
    priority_rank integer not null check (priority_rank between 1 and 4),
    score integer not null,
    waiting_since integer not null,
    released_at integer,
    inspection_id integer references inspections (id)
);
create index referrals_waiting_queue on referrals_waiting (port_code, kind, score) where released_at is null;
