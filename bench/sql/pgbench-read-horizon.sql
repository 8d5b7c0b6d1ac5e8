-- readAll's statement at the head of a 100k-event log (the read a catch-up after a command makes), server side,
-- with the horizon of this schema's event writers (migration 7); compare in alternating runs with
-- pgbench-read-horizon-server-wide.sql, the read as it was before migration 7. Against the database that
-- `node --import tsx bench/pg-rebuild.ts --sizes 100000 --runs 1 --emmett none --keep` leaves, once migrated to 7:
--   pgbench -h 127.0.0.1 -U postgres -n -f bench/sql/pgbench-read-horizon.sql -T 4 kessai_bench_rebuild_100000
SELECT position FROM kessai.read_events(99995, 100);
