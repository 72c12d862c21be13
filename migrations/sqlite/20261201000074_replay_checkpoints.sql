-- Checkpoints of the board for replays (app/src/replay/checkpoint.rs): on the hour, each hold
-- active and each inspection open then, with the fields a replay folds, as JSON arrays. A
-- replay at an instant starts from the latest before it and folds from the journal only the
-- records whose shipments' holds or inspections changed in between.
create table replay_checkpoints (
    at integer primary key,
    holds text not null,
    inspections text not null
);

-- The shipments whose holds or inspections changed between a checkpoint and an instant.
create index journal_records_at on journal (at, shipment_id) where entity in ('hold', 'inspection');

-- An entry written after a checkpoint but stamped at or before it would make the checkpoint
-- wrong: the checkpoints from its instant on are dropped in its transaction (made again later).
create trigger replay_checkpoints_stale after insert on journal
when new.entity in ('hold', 'inspection')
    and new.at <= (select max(at) from replay_checkpoints)
begin
    delete from replay_checkpoints where at >= new.at;
end;
