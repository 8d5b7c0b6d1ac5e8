-- The read of pgbench-read-horizon.sql as it was before migration 7: below the oldest transaction running anywhere
-- on the server. Same setup and command, with this file.
SELECT position FROM kessai.events WHERE position > 99995 AND transaction_id < (SELECT pg_snapshot_xmin(pg_current_snapshot()))
ORDER BY position LIMIT 100;
