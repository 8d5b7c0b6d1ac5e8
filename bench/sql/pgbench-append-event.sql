-- One single-event append_event call (migration 6) per transaction, server side; compare with pgbench-append.sql
-- (append_events with the same event) in alternating runs. First migrate a schema kessai_pgbench (as in
-- pgbench-append.sql), then:
--   pgbench -h 127.0.0.1 -U postgres -n -M prepared -f bench/sql/pgbench-append-event.sql -T 5 test
\set n random(1, 2000000000)
SELECT * FROM kessai_pgbench.append_event('token-tok_' || :n || '_' || :client_id, -1, 'TokenCreated', 2, '{"tokenId":"tok_df9b25f2c29cd8bea91aff90a574","merchant":"merchant_b","at":1496807701458,"card":{"id":"car_604ae8bb97b641c03116ffc92d6e","brand":"Discover","last4":"9424","expMonth":9,"expYear":2026,"fingerprint":"29f6d8fda7c1256a62f1be62d89fa651","vaultRef":"vault_car_604ae8bb97b641c03116ffc92d6e"}}'::jsonb, '{"merchant":"merchant_b","correlationId":"req_b38b202cc952aa1e5f9ad186160a"}'::jsonb, null);
