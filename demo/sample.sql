-- The demo's sample database: a small council social-care system with the kinds of columns a
-- real operational database has. Loaded by scripts/demo into a throwaway PostgreSQL.
CREATE TYPE care_level AS ENUM ('low', 'medium', 'high', 'critical');

CREATE TABLE residents (
  resident_id   bigserial PRIMARY KEY,
  nhs_number    char(10) UNIQUE,
  full_name     text NOT NULL,
  date_of_birth date,
  postcode      varchar(8),
  ward          text,
  registered_at timestamptz NOT NULL DEFAULT now(),
  active        boolean NOT NULL DEFAULT true,
  external_ref  uuid
);

CREATE TABLE assessments (
  assessment_id bigserial PRIMARY KEY,
  resident_id   bigint NOT NULL REFERENCES residents,
  level         care_level NOT NULL,
  score         smallint,
  weekly_cost   numeric(10,2),
  assessed_on   date NOT NULL,
  notes         text,
  details       jsonb
);

CREATE TABLE care_visits (
  visit_id     bigint GENERATED ALWAYS AS IDENTITY,
  resident_id  bigint NOT NULL,
  visited_at   timestamp NOT NULL,
  duration     interval,
  carer_rating real,
  PRIMARY KEY (visit_id, visited_at)
) PARTITION BY RANGE (visited_at);
CREATE TABLE care_visits_2025 PARTITION OF care_visits
  FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE care_visits_2026 PARTITION OF care_visits
  FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

CREATE VIEW active_residents AS SELECT * FROM residents WHERE active;

INSERT INTO residents (nhs_number, full_name, date_of_birth, postcode, ward, registered_at, active, external_ref)
SELECT lpad((4000000000 + g * 7919)::text, 10, '0'),
       (ARRAY['Amara','Bill','Chidi','Dorota','Eilidh','Farhan','Grace','Hamza'])[1 + g % 8] || ' ' ||
       (ARRAY['Okafor','Smith','Nowak','MacLeod','Ahmed','Jones','Łukasz','Ó Briain'])[1 + (g / 8) % 8],
       date '1930-01-01' + (g * 37) % 25000,
       'E' || (g % 20) || ' ' || (g % 9) || 'AB',
       (ARRAY['Hackney Central','Dalston','Homerton','Clapton', NULL])[1 + g % 5],
       timestamptz '2019-04-01 09:00:00+00' + g * interval '97 minutes',
       g % 11 <> 0,
       md5(g::text)::uuid
FROM generate_series(1, 5000) AS g;

INSERT INTO assessments (resident_id, level, score, weekly_cost, assessed_on, notes, details)
SELECT 1 + g % 5000,
       (ARRAY['low','medium','high','critical']::care_level[])[1 + g % 4],
       (g * 13) % 100,
       CASE WHEN g % 17 = 0 THEN NULL ELSE round(((g * 7.31) % 900)::numeric, 2) END,
       date '2024-01-01' + g % 600,
       CASE WHEN g % 3 = 0 THEN NULL ELSE 'Reviewed by team ' || (g % 12) END,
       jsonb_build_object('mobility', g % 5, 'carers', (g % 3) + 1, 'flags', jsonb_build_array('a', g % 2 = 0))
FROM generate_series(1, 12000) AS g;

INSERT INTO care_visits (resident_id, visited_at, duration, carer_rating)
SELECT 1 + g % 5000,
       timestamp '2025-06-01 08:00' + g * interval '23 minutes',
       make_interval(mins => 15 + g % 90),
       CASE WHEN g % 9 = 0 THEN NULL ELSE ((g % 50) / 10.0)::real END
FROM generate_series(1, 20000) AS g;

ANALYZE;
