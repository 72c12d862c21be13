-- The live stream reads the journal in sequence order. SQLite commits one writer at a time,
-- so journal numbers are already taken in commit order and no change is needed here; this
-- file keeps the two migration histories in step.
select 1;
