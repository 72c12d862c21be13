-- The register of requests for assistance: a rights holder asks the border to detain goods
-- suspected of bearing its registered trademarks (Trademarks Act s. 51.03) or copies of its
-- works (Copyright Act s. 44.01). Kept by analysts; a request is in force from valid_from to
-- valid_to (UTC days, 'YYYY-MM-DD', both included: two years, renewable) and only then matches
-- declarations. marks_json and goods_json are JSON arrays of text (the marks; the HS chapters,
-- headings or subheadings the request covers, as 2, 4 or 6 digits).
create table rights_requests (
    id integer primary key,
    rights_holder text not null,
    marks_json text not null,
    goods_json text not null,
    goods_description text not null,
    genuine_features text not null,
    contact_name text not null,
    contact_email text not null,
    contact_phone text not null,
    valid_from text not null,
    valid_to text not null check (valid_to >= valid_from),
    security_cents integer not null check (security_cents >= 0),
    version integer not null default 1 check (version >= 1),
    registered_at integer not null,
    registered_by text not null
);

create index rights_requests_in_force on rights_requests (valid_to, valid_from);
