-- Bearer tokens expire. A token is given its expiry when it is issued (90 days unless its
-- issuer says otherwise, at most 366); one issued before this migration expires 90 days after
-- it. The default of 0 (the epoch) is there only to fill the column: a token written without
-- an expiry would be expired already, never valid for ever.
alter table api_tokens add column expires_at integer not null default 0;
update api_tokens set expires_at = cast(strftime('%s', 'now') as integer) * 1000 + 90 * 86400000;
