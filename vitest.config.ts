import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Files that use the PostgreSQL server run one at a time: the event store's gap-free reads wait for every
 * transaction open on the server, so two files hammering it at once slow each other down for nothing.
 */
const postgresFiles = ['test/postgres-stores.spec.ts', 'test/http-serve-pg.spec.ts', 'test/cli.spec.ts'];

/** CI asks for a JSON report beside the usual output (.ci/run reads the counts from it). */
const jsonReport = process.env['KESSAI_TEST_REPORT'];

export default defineConfig({
  test: {
    ...(jsonReport === undefined ? {} : { reporters: ['default', 'json'], outputFile: { json: jsonReport } }),
    typecheck: { enabled: true, include: ['packages/*/src/**/*.test-d.ts', 'test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['packages/*/src/**/*.spec.ts', 'test/**/*.spec.ts'], exclude: [...configDefaults.exclude, ...postgresFiles] },
      },
      {
        extends: true,
        test: { name: 'postgres', include: postgresFiles, fileParallelism: false },
      },
    ],
  },
});
