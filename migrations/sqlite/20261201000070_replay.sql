-- The board at a past instant is rebuilt from the journal. The holds and inspections that
-- were on the board at an instant are found by when each was made and resolved (neither
-- changes once set); a port's state then, by the first of its changes of each kind after it.
create index holds_placed_resolved on holds (placed_at, resolved_at);
create index inspections_created_completed on inspections (created_at, completed_at);
create index journal_entity_action on journal (entity, entity_id, action, at);
