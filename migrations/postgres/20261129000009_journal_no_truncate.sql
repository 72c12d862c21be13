-- The journal cannot be emptied either: `truncate` skips the row triggers that refuse updates
-- and deletes (20261128000001_board.sql), so a statement trigger refuses it, also when the
-- journal would be emptied by a cascade from a table it references.
create function journal_never_emptied() returns trigger language plpgsql as $$
begin
    raise exception 'the journal is append-only: it cannot be truncated';
end;
$$;
create trigger journal_no_truncate before truncate on journal
    for each statement execute function journal_never_emptied();
