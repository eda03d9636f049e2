-- The typed profile with every override away from its default (case.json): uuid as
-- FIXED_LEN_BYTE_ARRAY(16) UUID, time as plain INT64 microseconds, timestamps in milliseconds
-- (floored, also before 1970), as columns and as array elements.
CREATE TABLE overridden (
  u uuid, t time, t3 time(3), ts timestamp, tstz timestamptz, au uuid[], at time[], ats timestamptz[]
);
INSERT INTO overridden VALUES
  ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '14:15:02.123456', '14:15:02.123', '2026-11-25 14:15:02.123456',
   '2026-11-25 14:15:02.999999+02', '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,NULL}', '{00:00,24:00:00,NULL}',
   '{"1969-12-31 23:59:59.9995+00","1970-01-01 00:00:00.0005+00",NULL}'),
  ('ffffffff-ffff-ffff-ffff-ffffffffffff', '00:00', '23:59:59.999', '0001-01-01 00:00:00', 'infinity', '{}', '{}', '{}'),
  (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
