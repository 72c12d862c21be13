-- Two accounts cannot act as one officer. An account is linked to its officer on the roster
-- by badge (on its first claim); this index keeps each officer to one account, so of two
-- accounts racing to link to one badge, one is linked and the other is refused and answered
-- as a conflict. Where two accounts already share an officer, the first account made keeps
-- the link; the others are told of the conflict at their next claim.
update accounts set officer_id = null
    where officer_id is not null
      and exists (select 1 from accounts earlier
                  where earlier.officer_id = accounts.officer_id and earlier.id < accounts.id);
create unique index accounts_one_per_officer on accounts (officer_id);
