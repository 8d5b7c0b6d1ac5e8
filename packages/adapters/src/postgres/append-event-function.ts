import { EXPECTED_CODES, sectionLockSql, streamLockClassSql } from './event-store-schema.js';
import { ident } from './sql.js';

/**
 * Migration 6: `append_event`, one event to one stream, the call a lone command or a sequential writer makes most.
 * It takes the same steps, in the same order, as `append_events` (event-store-schema.ts explains why that order
 * keeps reads gap-free): refuse a transaction that already has an id, lock the stream, read its revision, refuse a
 * conflict before taking anything, take the transaction id and the position together inside the section, then
 * insert. What it saves is the general function's bookkeeping: the event arrives as plain parameters (type,
 * version, data, metadata) instead of a JSON array of arrays taken apart with `->`, and the answer is one revision,
 * not an array. pgbench put it at 0.22-0.24 ms a call against 0.25-0.28 ms for `append_events` with the same
 * event (`bench/sql/pgbench-append-event.sql`, docs/benchmarks.md).
 */
export const appendEventFunctionMigration = (schema: string): string => {
  const s = ident(schema);
  const { any, no_stream: noStream, stream_exists: streamExists } = EXPECTED_CODES;
  return `
CREATE FUNCTION ${s}.append_event(
  p_stream text, p_expected bigint, p_type text, p_version integer, p_data jsonb, p_metadata jsonb, p_recorded_at timestamptz,
  OUT conflict boolean, OUT head bigint, OUT event_position bigint
) LANGUAGE plpgsql AS $fn$
DECLARE
  v_head bigint;
  v_xid xid8;
BEGIN
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'kessai: an append must be the first write of its transaction' USING ERRCODE = '55000';
  END IF;
  PERFORM pg_advisory_xact_lock(${streamLockClassSql(schema)}, hashtext(p_stream));
  SELECT st.revision INTO v_head FROM ${s}.streams AS st WHERE st.name = p_stream;
  v_head := coalesce(v_head, -1);
  IF NOT (p_expected = ${any} OR (p_expected = ${noStream} AND v_head = -1) OR (p_expected = ${streamExists} AND v_head >= 0)
          OR p_expected = v_head) THEN
    -- A conflict, and the stream's actual revision (-1: no stream).
    conflict := true;
    head := v_head;
    RETURN;
  END IF;
  -- The event's revision, the stream's head once it commits.
  conflict := false;
  head := v_head + 1;

  -- The section (event-store-schema.ts): this transaction's id and its position, taken together.
  BEGIN
    PERFORM pg_advisory_lock(${sectionLockSql(schema)});
    v_xid := pg_current_xact_id();
    event_position := nextval('${schema}.event_positions');
    PERFORM pg_advisory_unlock(${sectionLockSql(schema)});
  EXCEPTION WHEN OTHERS OR query_canceled THEN
    -- A session lock outlives the transaction: never leave it held on a pooled connection.
    PERFORM pg_advisory_unlock(${sectionLockSql(schema)});
    RAISE;
  END;

  INSERT INTO ${s}.events (position, stream, revision, type, version, data, metadata, recorded_at, transaction_id)
  VALUES (event_position, p_stream, head, p_type, p_version, p_data, p_metadata, coalesce(p_recorded_at, now()), v_xid);
  IF v_head >= 0 THEN
    UPDATE ${s}.streams SET revision = head WHERE name = p_stream;
  ELSE
    INSERT INTO ${s}.streams (name, revision) VALUES (p_stream, 0)
    ON CONFLICT (name) DO UPDATE SET revision = excluded.revision;
  END IF;
END
$fn$;
`;
};
