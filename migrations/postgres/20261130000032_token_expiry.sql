-- Bearer tokens expire. A token is given its expiry when it is issued (90 days unless its
-- issuer says otherwise, at most 366); one issued before this migration expires 90 days after
-- it. The default of 0 (the epoch) is there only to fill the column: a token written without
-- an expiry would be expired already, never valid for ever.
alter table api_tokens add column expires_at bigint not null default 0;
update api_tokens set expires_at = (extract(epoch from now()) * 1000)::bigint + 90 * 86400000::bigint;
