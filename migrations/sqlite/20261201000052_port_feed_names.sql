-- The name CBSA's border wait times file gives a port's office ("Ambassador Bridge"), by
-- which an import of that file finds the port; null for a port the file does not list.
alter table ports add column cbsa_office text;
create unique index ports_cbsa_office on ports (cbsa_office);
-- The demo country's crossings, for a database seeded before the column existed.
update ports set cbsa_office = 'Ambassador Bridge' where code = 'AMB';
update ports set cbsa_office = 'Blue Water Bridge' where code = 'BWB';
update ports set cbsa_office = 'Peace Bridge' where code = 'PEA';
update ports set cbsa_office = 'Pacific Highway' where code = 'PAC';
update ports set cbsa_office = 'St-Bernard-de-Lacolle' where code = 'LAC';
