import { sectionLockClassSql } from './event-store-schema.js';
import { ident } from './sql.js';

/**
 * Migration 8: `import_events` takes positions a store left unused. PostgreSQL takes each append's positions from a
 * sequence, and a sequence does not roll back: an append whose transaction then fails (the card vault's write after
 * a token's events, a lost connection before COMMIT) leaves its numbers unused. An export of such a store has a
 * jump in its positions, and the first version of `import_events` (migration 1) refused it, so the export could not
 * be imported anywhere. Now positions must rise above the log's head and keep rising (the caller checks the order
 * within a chunk, and the primary key refuses a repeat); revisions still continue each stream without a gap.
 */
export const importFunctionMigration = (schema: string): string => {
  const s = ident(schema);
  return `
CREATE OR REPLACE FUNCTION ${s}.import_events(p_events jsonb) RETURNS bigint LANGUAGE plpgsql AS $fn$
DECLARE
  v_first bigint := (p_events -> 0 ->> 0)::bigint;
  v_last bigint := (p_events -> -1 ->> 0)::bigint;
  v_head bigint;
  v_bad record;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
                 AND classid = (${sectionLockClassSql(schema)})::oid AND objid = 0 AND objsubid = 2) THEN
    RAISE EXCEPTION 'kessai: import_events needs the positions lock held by its transaction' USING ERRCODE = '55000';
  END IF;
  IF v_first IS NULL THEN
    RETURN 0;
  END IF;
  SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END INTO v_head FROM ${s}.event_positions;
  IF v_first <= v_head OR v_last < v_first THEN
    RAISE EXCEPTION 'kessai: imported positions % to % do not continue the log at %', v_first, v_last, v_head
      USING ERRCODE = '22023';
  END IF;
  SELECT b.stream, b.first, coalesce(st.revision, -1) AS head INTO v_bad
  FROM (SELECT e ->> 1 AS stream, min((e ->> 2)::bigint) AS first FROM jsonb_array_elements(p_events) AS e GROUP BY 1) AS b
  LEFT JOIN ${s}.streams AS st ON st.name = b.stream
  WHERE b.first <> coalesce(st.revision, -1) + 1
  LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'kessai: imported stream % starts at revision %, the store has it at %', v_bad.stream, v_bad.first, v_bad.head
      USING ERRCODE = '22023';
  END IF;
  PERFORM setval('${s}.event_positions', v_last);

  INSERT INTO ${s}.events (position, stream, revision, type, version, data, metadata, recorded_at, transaction_id)
  SELECT (e ->> 0)::bigint, e ->> 1, (e ->> 2)::bigint, e ->> 3, (e ->> 4)::integer, e -> 5, e -> 6,
         timestamptz 'epoch' + (e ->> 7)::numeric * interval '1 millisecond', pg_current_xact_id()
  FROM jsonb_array_elements(p_events) AS e;

  INSERT INTO ${s}.streams (name, revision)
  SELECT e ->> 1, max((e ->> 2)::bigint) FROM jsonb_array_elements(p_events) AS e GROUP BY 1
  ON CONFLICT (name) DO UPDATE SET revision = excluded.revision;
  RETURN v_last;
END
$fn$;
`;
};
