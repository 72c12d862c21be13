-- The live stream reads the journal in sequence order and must never pass over an entry that
-- commits later with a smaller number. Writers therefore take their journal numbers in commit
-- order: the first journal entry of a transaction waits for the previous journaling
-- transaction to end (a transaction-scoped advisory lock), and only then draws its number.
-- A rolled-back transaction leaves a gap that no later commit can fill, so a reader that has
-- seen entry N has seen every committed entry below N.
-- Each entry also notifies channel `journal` with its number, delivered at commit, so that
-- every server instance sharing this database hears of it at once.
alter table journal alter column seq drop identity;
create sequence journal_seq as bigint owned by journal.seq;
select setval('journal_seq', coalesce((select max(seq) from journal), 0) + 1, false);

create function journal_in_commit_order() returns trigger language plpgsql as $$
begin
    perform pg_advisory_xact_lock(72736501);
    new.seq := nextval('journal_seq');
    perform pg_notify('journal', new.seq::text);
    return new;
end
$$;

create trigger journal_in_commit_order before insert on journal
    for each row execute function journal_in_commit_order();
