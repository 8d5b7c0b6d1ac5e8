-- One plain one-row insert per transaction (the fsync floor): create table tt (id text primary key, data jsonb) first, then
--   pgbench -h 127.0.0.1 -U postgres -n -M prepared -f bench/sql/pgbench-insert.sql -T 8 test
\set n random(1, 2000000000)
INSERT INTO tt VALUES ('tok_' || :n || '_' || :client_id, '{"a":1}');
