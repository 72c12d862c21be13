-- What a person chose for themself: the language the board speaks to them ('en' or 'fr';
-- null: the browser's) and its colours ('light', 'dark'; null: the device's setting).
alter table accounts add column language text;
alter table accounts add column theme text;
