import { ident } from './sql.js';

/**
 * The event store's tables and its two write functions (migration 1).
 *
 * Why the writes are functions: an append is one round trip (one statement, committed on its own), and the order
 * of the steps inside it is what makes `readAll` gap-free.
 *
 * Gap-free global reads. Each event row records the id of the transaction that wrote it (`transaction_id`, xid8).
 * A reader only returns events whose transaction id is below `pg_snapshot_xmin(pg_current_snapshot())`, the oldest
 * transaction still running: every transaction below it has finished, so each of those events is committed and
 * visible, or gone for good with its rolled-back transaction. That alone is not enough for a reader that resumes
 * from a *position*: transaction ids and positions are handed out separately, so a transaction with a smaller id
 * could take a larger position than one with a larger id, become visible first, and be skipped over later.
 * (Ordering reads by (transaction id, position) instead, as Emmett does, needs a checkpoint holding both; the port's
 * checkpoint is one position, and the 8-writer spec loses events when ids are taken before positions.)
 * So writers take their transaction id and their positions together, in a short section that one writer at a time
 * enters (a session advisory lock held for a few microseconds, never until commit). Then transaction-id order and
 * position order are the same order, the set of events below the horizon is always a prefix of the log in position
 * order, and a checkpoint (the last position read) can never pass an event that will commit later. Commits still run
 * concurrently: a transaction held open after its insert delays what readers see, and blocks writers of its own
 * streams only. (Migration 7 narrows the horizon to the oldest running transaction that writes this schema's
 * events, so other transactions on the server hold no reader back: read-horizon.ts.)
 *
 * For that to hold, no event-writing transaction may have a transaction id before it enters the section; the
 * functions refuse to run in one that has (`pg_current_xact_id_if_assigned()`). Conflicts are found before the
 * section (per-stream advisory locks, then a plain read of the stream's revision), so a refused append takes no
 * position: positions only have holes where a transaction failed after the section (a crash, a cancelled or
 * rolled-back caller transaction), and readers simply step over those.
 */

/** Codes for the non-numeric expected revisions, passed to `append_events` with the numeric ones. */
export const EXPECTED_CODES = { no_stream: -1, stream_exists: -2, any: -3 } as const;

export const eventStoreMigration = (schema: string): string => {
  const s = ident(schema);
  // Advisory lock keys: (class, object) pairs, the class derived from the schema so two schemas do not contend.
  const streamLockClass = streamLockClassSql(schema);
  const sectionLock = sectionLockSql(schema);
  return `
CREATE SEQUENCE ${s}.event_positions AS bigint START 1 CACHE 1 NO CYCLE;

CREATE TABLE ${s}.streams (
  name text COLLATE "C" PRIMARY KEY,
  revision bigint NOT NULL CHECK (revision >= 0)
);

CREATE TABLE ${s}.events (
  position bigint PRIMARY KEY,
  stream text COLLATE "C" NOT NULL,
  revision bigint NOT NULL CHECK (revision >= 0),
  type text NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  recorded_at timestamptz NOT NULL,
  transaction_id xid8 NOT NULL,
  CONSTRAINT events_stream_revision UNIQUE (stream, revision)
);

-- Appends to one or more streams atomically. p_events: [[request index (1-based), type, version, data, metadata],
-- ...] grouped by request in request order. Returns the first request that conflicts (and its stream's actual
-- revision, -1 when absent) without writing anything, or each request's revision before it and the first position.
-- p_recorded_at: null for the transaction's start time.
CREATE FUNCTION ${s}.append_events(
  p_streams text[], p_expected bigint[], p_counts integer[], p_events jsonb, p_recorded_at timestamptz,
  OUT conflict integer, OUT actual bigint, OUT bases bigint[], OUT first_position bigint
) LANGUAGE plpgsql AS $fn$
DECLARE
  v_requests integer := coalesce(cardinality(p_streams), 0);
  v_total integer := 0;
  v_heads jsonb := '{}';
  v_head bigint;
  v_key integer;
  v_xid xid8;
BEGIN
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'kessai: an append must be the first write of its transaction' USING ERRCODE = '55000';
  END IF;
  -- One writer per stream until commit. Advisory locks assign no transaction id; key order avoids deadlocks.
  FOR v_key IN SELECT DISTINCT hashtext(st) FROM unnest(p_streams) AS st ORDER BY 1 LOOP
    PERFORM pg_advisory_xact_lock(${streamLockClass}, v_key);
  END LOOP;
  bases := '{}';
  FOR i IN 1 .. v_requests LOOP
    v_head := (v_heads ->> p_streams[i])::bigint;
    IF v_head IS NULL THEN
      SELECT st.revision INTO v_head FROM ${s}.streams AS st WHERE st.name = p_streams[i];
      v_head := coalesce(v_head, -1);
    END IF;
    IF NOT (p_expected[i] = ${EXPECTED_CODES.any}
        OR (p_expected[i] = ${EXPECTED_CODES.no_stream} AND v_head = -1)
        OR (p_expected[i] = ${EXPECTED_CODES.stream_exists} AND v_head >= 0)
        OR p_expected[i] = v_head) THEN
      conflict := i;
      actual := v_head;
      RETURN;
    END IF;
    bases := bases || v_head;
    v_heads := v_heads || jsonb_build_object(p_streams[i], v_head + p_counts[i]);
    v_total := v_total + p_counts[i];
  END LOOP;
  first_position := 0;
  IF v_total = 0 THEN
    RETURN;
  END IF;

  -- The section: this transaction's id and its positions, taken together (see event-store-schema.ts).
  BEGIN
    PERFORM pg_advisory_lock(${sectionLock});
    v_xid := pg_current_xact_id();
    first_position := nextval('${schema}.event_positions');
    IF v_total > 1 THEN
      PERFORM setval('${schema}.event_positions', first_position + v_total - 1);
    END IF;
    PERFORM pg_advisory_unlock(${sectionLock});
  EXCEPTION WHEN OTHERS OR query_canceled THEN
    -- A session lock outlives the transaction: never leave it held on a pooled connection.
    PERFORM pg_advisory_unlock(${sectionLock});
    RAISE;
  END;

  INSERT INTO ${s}.events (position, stream, revision, type, version, data, metadata, recorded_at, transaction_id)
  SELECT first_position + e.n - 1,
         p_streams[(e.v ->> 0)::integer],
         bases[(e.v ->> 0)::integer] + row_number() OVER (PARTITION BY (e.v ->> 0)::integer ORDER BY e.n),
         e.v ->> 1, (e.v ->> 2)::integer, e.v -> 3, e.v -> 4, coalesce(p_recorded_at, now()), v_xid
  FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(v, n);

  INSERT INTO ${s}.streams (name, revision)
  SELECT h.key, h.value::bigint FROM jsonb_each_text(v_heads) AS h WHERE h.value::bigint >= 0
  ON CONFLICT (name) DO UPDATE SET revision = excluded.revision;
END
$fn$;

-- Loads events another store recorded, keeping their positions, revisions and recorded times. The caller's
-- transaction holds the section lock (transaction level) from its start until it commits, so that a long import
-- split over several calls keeps transaction-id order and position order the same. p_events: [[position, stream,
-- revision, type, version, data, metadata, recorded at (epoch ms)], ...] in position order, contiguous.
CREATE FUNCTION ${s}.import_events(p_events jsonb) RETURNS bigint LANGUAGE plpgsql AS $fn$
DECLARE
  v_first bigint := (p_events -> 0 ->> 0)::bigint;
  v_last bigint := (p_events -> -1 ->> 0)::bigint;
  v_head bigint;
  v_bad record;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
                 AND classid = hashtext(${literal(`kessai:${schema}:positions`)})::oid AND objid = 0 AND objsubid = 2) THEN
    RAISE EXCEPTION 'kessai: import_events needs the positions lock held by its transaction' USING ERRCODE = '55000';
  END IF;
  IF v_first IS NULL THEN
    RETURN 0;
  END IF;
  SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END INTO v_head FROM ${s}.event_positions;
  IF v_first <> v_head + 1 OR v_last - v_first + 1 <> jsonb_array_length(p_events) THEN
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
  PERFORM setval('${schema}.event_positions', v_last);

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

/** The key of the positions section, for callers that hold it for a whole transaction (imports). */
export const sectionLockSql = (schema: string): string => `${sectionLockClassSql(schema)}, 0`;

/** The class (first half) of the section's key. */
export const sectionLockClassSql = (schema: string): string => `hashtext(${literal(`kessai:${schema}:positions`)})`;

/** The class of the per-stream advisory locks (the object is the stream name's hash). */
export const streamLockClassSql = (schema: string): string => `hashtext(${literal(`kessai:${schema}:stream`)})`;

/** A SQL string literal (for checked names only). */
const literal = (text: string): string => `'${text.replace(/'/g, "''")}'`;
