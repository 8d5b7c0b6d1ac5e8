import { ident } from './sql.js';

/**
 * The read model store's tables (migration 2). Each generation's documents live in a table of their own
 * (`rm_docs_<id>`, made when the generation is first opened): a rebuild fills a fresh table beside the live one
 * without touching the live table's indexes, and dropping a generation is a DROP TABLE instead of deleting millions
 * of rows. The generation ids come from an identity column, never from a name, so no name reaches SQL text.
 */
export const readModelMigration = (schema: string): string => {
  const s = ident(schema);
  return `
CREATE TABLE ${s}.rm_generations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text COLLATE "C" NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The live generation: one row, switched by one UPDATE, so readers see the old generation or the new one.
CREATE TABLE ${s}.rm_active (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  generation bigint NOT NULL REFERENCES ${s}.rm_generations (id)
);

CREATE TABLE ${s}.rm_checkpoints (
  generation bigint NOT NULL REFERENCES ${s}.rm_generations (id) ON DELETE CASCADE,
  projection text NOT NULL,
  position bigint NOT NULL CHECK (position >= 0),
  PRIMARY KEY (generation, projection)
);
`;
};

/** The table holding one generation's documents. */
export const documentsTable = (schema: string, generationId: number): string => `${ident(schema)}.${ident(`rm_docs_${generationId}`)}`;

/**
 * One generation's documents. `doc` is json, not jsonb: it is never queried inside, json keeps the key order the
 * view rendered (PAY.JP's field order) and costs less to write. The index columns are null for a document that is
 * never listed. Ids sort with COLLATE "C" (byte order), which is JavaScript's string order for the ASCII ids kessai
 * makes, so `scan` and an in-memory merge agree. fillfactor leaves room for HOT updates: most updates change only
 * `doc`, and then no index is touched.
 *
 * The table starts with its primary key only; the list indexes (`documentsIndexesDdl`) are built when the
 * generation goes live. A rebuild thus bulk-loads without maintaining them row by row, and one sorted build at the
 * switch is cheaper than millions of incremental inserts; lists on a generation that never went live still work,
 * by scanning.
 */
export const documentsTableDdl = (schema: string, generationId: number): string => `
CREATE TABLE ${documentsTable(schema, generationId)} (
  collection text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  doc json NOT NULL,
  merchant text COLLATE "C",
  created bigint,
  seq bigint,
  keys jsonb,
  PRIMARY KEY (collection, id)
) WITH (fillfactor = 80);
`;

/**
 * The list indexes: newest first per merchant, and equality on `keys` (`@>`), then fresh statistics. Idempotent.
 * The keys index keeps GIN's pending list (inserts stay cheap for the commands' catch-ups) but at 128 kB instead of
 * 4 MB: every filtered list read scans that list, and a full 4 MB one cost 3 ms a read at 5,000 charges. And a
 * generation that goes live with no statistics has its lists planned as if each merchant had five documents (a
 * bitmap scan and a sort of all of them, 4.7 ms instead of 0.07 ms at 1,200), until autovacuum first analyzes it.
 */
export const documentsIndexesDdl = (schema: string, generationId: number): string => {
  const table = documentsTable(schema, generationId);
  const keysIndex = ident(`rm_docs_${generationId}_keys`);
  return `
CREATE INDEX IF NOT EXISTS ${ident(`rm_docs_${generationId}_list`)} ON ${table} (collection, merchant, created DESC, seq DESC, id DESC)
  WHERE merchant IS NOT NULL;
CREATE INDEX IF NOT EXISTS ${keysIndex} ON ${table} USING gin (keys jsonb_path_ops) WITH (fastupdate = on, gin_pending_list_limit = 128)
  WHERE merchant IS NOT NULL;
ALTER INDEX ${ident(schema)}.${keysIndex} SET (fastupdate = on, gin_pending_list_limit = 128);
ANALYZE ${table};
`;
};
