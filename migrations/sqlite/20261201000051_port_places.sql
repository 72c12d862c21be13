-- Where a port is, in degrees (WGS 84), for the map: the crossing itself, or the airport.
-- Null for a port registered without its place: it is listed, not drawn.
alter table ports add column latitude real check (latitude between -90 and 90);
alter table ports add column longitude real check (longitude between -180 and 180);
