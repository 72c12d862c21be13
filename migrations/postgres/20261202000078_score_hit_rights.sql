-- Rules of a new kind, `rights_request`: goods under a request for assistance in force.
alter table rule_versions drop constraint rule_versions_kind_check;
alter table rule_versions add constraint rule_versions_kind_check check (kind in ('country', 'hs_prefix', 'watch_list', 'first_time_importer', 'value_per_kg', 'routing', 'intelligence', 'rights_request'));

-- The request for assistance a rights-request rule matched, so that the score's explanation
-- names it (the rule alone says only that some request matched).
alter table score_hits add column rights_request_id bigint references rights_requests (id);
