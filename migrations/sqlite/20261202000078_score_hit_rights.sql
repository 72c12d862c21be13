-- Rules of a new kind, `rights_request`: goods under a request for assistance in force. SQLite
-- cannot change a check constraint, so the versions' table is rebuilt with the same rows.
create table rule_versions_rebuilt (
    id integer primary key,
    rule_id integer not null references rules (id),
    version integer not null check (version >= 1),
    kind text not null check (kind in ('country', 'hs_prefix', 'watch_list', 'first_time_importer', 'value_per_kg', 'routing', 'intelligence', 'rights_request')),
    parameters_json text not null,
    weight integer not null check (weight between 1 and 100),
    reason text not null,
    instructions text not null,
    inspection_kind text check (inspection_kind in ('document_review', 'xray', 'physical', 'detector_dog', 'radiation', 'lab_sample')),
    author text not null,
    created_at integer not null,
    unique (rule_id, version)
);
insert into rule_versions_rebuilt (id, rule_id, version, kind, parameters_json, weight, reason,
    instructions, inspection_kind, author, created_at)
    select id, rule_id, version, kind, parameters_json, weight, reason, instructions,
        inspection_kind, author, created_at from rule_versions;
drop table rule_versions;
alter table rule_versions_rebuilt rename to rule_versions;

-- The request for assistance a rights-request rule matched, so that the score's explanation
-- names it (the rule alone says only that some request matched).
alter table score_hits add column rights_request_id integer references rights_requests (id);
