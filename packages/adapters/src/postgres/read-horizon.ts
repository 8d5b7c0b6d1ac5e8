import { sectionLockClassSql, streamLockClassSql } from './event-store-schema.js';
import { ident } from './sql.js';

/**
 * Migration 7: the read horizon, scoped to this schema's event writers.
 *
 * Readers return only events whose transaction id is below a horizon (event-store-schema.ts explains why that keeps
 * `readAll` gap-free). It was `pg_snapshot_xmin(pg_current_snapshot())`, the oldest transaction still running on the
 * whole server, in any database: one transaction that had written anything and stayed open (a migration, a batch
 * job, a forgotten `BEGIN` in psql) hid every new event from every reader. A command then waited 5 s for its own
 * events and answered "No such token" for a token it had created.
 *
 * The horizon is now the oldest transaction still running that writes this schema's events, or, when none is, the
 * snapshot's xmax (every transaction below it has finished). Event writers are known by their locks: every append
 * holds its streams' advisory locks (this schema's class) from before it takes its transaction id until it commits,
 * and an import holds the section lock. `pg_locks` shows a holder's transaction id as a 32-bit xid; the snapshot's
 * list of running transactions gives the full ids, and two running transactions never share the low 32 bits.
 *
 * Why it is exact, in the order the steps run:
 * 1. one query takes a snapshot S, then reads the lock table at T (after S);
 * 2. the horizon H is the smallest id S lists as running (those below S's xmax) whose transaction held an event
 *    writer's lock at T, else S's xmax;
 * 3. the events are read by a later query, with a snapshot R taken after T (a VOLATILE function's queries each take
 *    a fresh snapshot under READ COMMITTED).
 * An event writer with an id below H got it before S (ids below S's xmax were handed out before S). Had it still been
 * running at T it would have held its locks then, and H would not be above its id. So it had finished before T: its
 * events are committed and visible in R, or rolled back (a commit is visible before its locks are released). Writers
 * with an id at or above S's xmax (those that got it after S, and those S does not list because no later transaction
 * had finished yet) are at or above H. Since transaction-id order is position order, the events below H are a
 * prefix of the log, as before.
 *
 * Under REPEATABLE READ or SERIALIZABLE every query of a transaction shares its first snapshot, so R could come before
 * T; there the horizon stays the server-wide one, which is exact with any one snapshot.
 */
export const readHorizonMigration = (schema: string): string => {
  // A checked schema name, quoted: it can hold no quote, so it also goes inside the EXECUTE strings as it is.
  const s = ident(schema);
  return `
CREATE FUNCTION ${s}.events_horizon() RETURNS xid8 LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_horizon xid8;
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RETURN pg_snapshot_xmin(pg_current_snapshot());
  END IF;
  -- One query: its snapshot (pg_current_snapshot) is taken before it reads the lock table.
  WITH locks AS MATERIALIZED (
    SELECT locktype, database, classid, objid, objsubid, virtualtransaction, transactionid, mode, granted FROM pg_locks
  ), writers AS (
    SELECT t.transactionid::text::bigint AS xid32
    FROM locks AS a
    JOIN locks AS t ON t.virtualtransaction = a.virtualtransaction AND t.locktype = 'transactionid'
                   AND t.mode = 'ExclusiveLock' AND t.granted
    WHERE a.locktype = 'advisory' AND a.granted AND a.objsubid = 2
      AND a.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND (a.classid = (${streamLockClassSql(schema)})::oid OR (a.classid = (${sectionLockClassSql(schema)})::oid AND a.objid = 0))
  )
  SELECT coalesce(min(x), pg_snapshot_xmax(pg_current_snapshot())) INTO v_horizon
  FROM pg_snapshot_xip(pg_current_snapshot()) AS x
  WHERE x::text::bigint % 4294967296 IN (SELECT xid32 FROM writers);
  RETURN v_horizon;
END
$fn$;

-- readAll: the events after a position, below the horizon. EXECUTE plans the read at each call, with its values (a
-- plan cached while the table was small would scan it whole later), and takes its snapshot after the horizon's.
CREATE FUNCTION ${s}.read_events(p_after bigint, p_limit integer) RETURNS SETOF ${s}.events LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_horizon xid8 := ${s}.events_horizon();
BEGIN
  RETURN QUERY EXECUTE 'SELECT * FROM ${s}.events WHERE position > $1 AND transaction_id < $2 ORDER BY position LIMIT $3'
    USING p_after, v_horizon, p_limit;
END
$fn$;

-- headPosition: the last position below the horizon (0 when there is none).
CREATE FUNCTION ${s}.head_position() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  v_horizon xid8 := ${s}.events_horizon();
  v_head bigint;
BEGIN
  EXECUTE 'SELECT position FROM ${s}.events WHERE transaction_id < $1 ORDER BY position DESC LIMIT 1'
    INTO v_head USING v_horizon;
  RETURN coalesce(v_head, 0);
END
$fn$;
`;
};
