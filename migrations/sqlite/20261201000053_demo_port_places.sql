-- The demo country's ports, placed on the map, for a database seeded before ports had a
-- place (20261201000051_port_places). A port that already has its place keeps it; a port
-- that is not one of the demo's is not touched.
update ports set latitude = 43.6777, longitude = -79.6248 where code = 'YYZ' and latitude is null and longitude is null;
update ports set latitude = 49.1947, longitude = -123.1792 where code = 'YVR' and latitude is null and longitude is null;
update ports set latitude = 45.4706, longitude = -73.7408 where code = 'YUL' and latitude is null and longitude is null;
update ports set latitude = 51.1315, longitude = -114.0106 where code = 'YYC' and latitude is null and longitude is null;
update ports set latitude = 53.3097, longitude = -113.5797 where code = 'YEG' and latitude is null and longitude is null;
update ports set latitude = 49.9100, longitude = -97.2399 where code = 'YWG' and latitude is null and longitude is null;
update ports set latitude = 44.8808, longitude = -63.5086 where code = 'YHZ' and latitude is null and longitude is null;
update ports set latitude = 47.6186, longitude = -52.7519 where code = 'YYT' and latitude is null and longitude is null;
update ports set latitude = 42.3118, longitude = -83.0741 where code = 'AMB' and latitude is null and longitude is null;
update ports set latitude = 42.9987, longitude = -82.4232 where code = 'BWB' and latitude is null and longitude is null;
update ports set latitude = 42.9065, longitude = -78.9048 where code = 'PEA' and latitude is null and longitude is null;
update ports set latitude = 49.0036, longitude = -122.7348 where code = 'PAC' and latitude is null and longitude is null;
update ports set latitude = 45.0065, longitude = -73.4522 where code = 'LAC' and latitude is null and longitude is null;
update ports set latitude = 49.0005, longitude = -97.2375 where code = 'EMR' and latitude is null and longitude is null;
update ports set latitude = 49.0008, longitude = -111.9605 where code = 'CTS' and latitude is null and longitude is null;
update ports set latitude = 49.2877, longitude = -123.0903 where code = 'PVN' and latitude is null and longitude is null;
update ports set latitude = 45.5565, longitude = -73.5293 where code = 'PMT' and latitude is null and longitude is null;
update ports set latitude = 44.6330, longitude = -63.5640 where code = 'PHF' and latitude is null and longitude is null;
update ports set latitude = 54.2970, longitude = -130.3550 where code = 'PPR' and latitude is null and longitude is null;
update ports set latitude = 42.9590, longitude = -82.4100 where code = 'RSA' and latitude is null and longitude is null;
update ports set latitude = 42.3180, longitude = -83.0520 where code = 'RWI' and latitude is null and longitude is null;
