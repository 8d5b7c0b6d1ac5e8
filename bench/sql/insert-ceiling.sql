-- How many document rows PostgreSQL itself inserts per second here, with no client and no JSON parsing: rows shaped
-- like a generation's table (docs/benchmarks.md, "Why 50,000 events/s is out of reach").
--   psql -h 127.0.0.1 -U postgres -d test -f bench/sql/insert-ceiling.sql
\timing on
DROP TABLE IF EXISTS bench_docs;
CREATE TABLE bench_docs (collection text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, doc json NOT NULL,
  merchant text COLLATE "C", created bigint, seq bigint, keys jsonb, PRIMARY KEY (collection, id)) WITH (fillfactor = 80);
-- 220,000 rows of about 850-byte documents.
INSERT INTO bench_docs SELECT 'events', 'evnt_' || md5(i::text), ('{"a":"' || repeat(md5(i::text), 25) || '"}')::json,
  'merchant_b', 1496807701, i, '{"type":"charge.succeeded"}'::jsonb FROM generate_series(1, 220000) i;
TRUNCATE bench_docs;
-- The same with about 280-byte documents.
INSERT INTO bench_docs SELECT 'events', 'evnt_' || md5(i::text), ('{"a":"' || repeat(md5(i::text), 8) || '"}')::json,
  'merchant_b', 1496807701, i, '{"type":"charge.succeeded"}'::jsonb FROM generate_series(1, 220000) i;
-- Without the primary key.
DROP TABLE bench_docs;
CREATE TABLE bench_docs (collection text, id text, doc text, merchant text, created bigint, seq bigint, keys jsonb) WITH (fillfactor = 80);
INSERT INTO bench_docs SELECT 'events', 'evnt_' || md5(i::text), ('{"a":"' || repeat(md5(i::text), 25) || '"}'),
  'merchant_b', 1496807701, i, '{"type":"charge.succeeded"}'::jsonb FROM generate_series(1, 220000) i;
DROP TABLE bench_docs;
