-- The request a journal entry was written in (`x-request-id`: the proxy's, or one the server
-- made), which its log lines name too; empty for the work that is no request's (the
-- simulator, the timers, the commands).
alter table journal add column request_id text;
