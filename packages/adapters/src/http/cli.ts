import { InvalidArgumentError, type Command } from 'commander';
import type { LogSink } from './log.js';
import { startServer, type RunningServer } from './serve.js';

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('--port must be an integer from 0 to 65535.');
  return n;
};

interface ServeFlags {
  readonly port: number;
  readonly host: string;
  readonly keys?: string;
  readonly pg?: string;
  readonly schema: string;
  readonly incidentWindow?: string;
  readonly clock?: string;
}

export interface ServeCommandHooks {
  /** Where the banner goes (stderr by default; stdout carries the JSON request log). */
  readonly write?: (line: string) => void;
  /** The request log (JSON lines on stdout by default). */
  readonly log?: LogSink;
  /** Called once listening; tests use it to close the server. Without it, SIGINT and SIGTERM stop the process. */
  readonly onStarted?: (server: RunningServer) => void;
}

/** Adds `kessai serve`: the PAY.JP v1 compatible HTTP API on the embedded store. */
export const registerServeCommand = (program: Command, hooks: ServeCommandHooks = {}): Command =>
  program
    .command('serve')
    .description('Serve the PAY.JP v1 compatible HTTP API (test mode) for the official SDKs: apibase http://HOST:PORT/v1')
    .option('--port <n>', 'port to listen on (0 picks a free one)', port, 3000)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--keys <file>', 'JSON list of merchants: [{"id","secretKeys":["sk_test_…"],"publicKeys":["pk_test_…"],"webhooks":[{"url","token"}]}]')
    .option('--pg <url>', 'serve from PostgreSQL instead of memory (needs KESSAI_VAULT_KEY and KESSAI_FINGERPRINT_SECRET)')
    .option('--schema <name>', "PostgreSQL schema holding kessai's tables", 'kessai')
    .option('--incident-window <from/to>', 'run the faulty CVC verifier of the 2017-06-07 incident between two ISO times ("incident" for the real window)')
    .option('--clock <iso>', 'start the payment clock at this instant; it then runs with real time')
    .action(async (flags: ServeFlags) => {
      const server = await startServer({
        port: flags.port,
        host: flags.host,
        ...(flags.keys === undefined ? {} : { keysFile: flags.keys }),
        ...(flags.pg === undefined ? {} : { pg: flags.pg, pgSchema: flags.schema }),
        ...(flags.incidentWindow === undefined ? {} : { incidentWindow: flags.incidentWindow }),
        ...(flags.clock === undefined ? {} : { clock: flags.clock }),
        ...(hooks.log === undefined ? {} : { log: hooks.log }),
      });
      const out = hooks.write ?? ((line: string) => void process.stderr.write(`${line}\n`));
      out(`kessai serve: listening on ${server.url} (test mode, ${server.store === 'memory' ? 'in-memory store' : 'PostgreSQL'})`);
      if (server.incidentWindow !== null)
        out(`  incident window: ${new Date(server.incidentWindow.from).toISOString()} to ${new Date(server.incidentWindow.to).toISOString()}`);
      if (flags.clock !== undefined) out(`  clock: started at ${new Date(server.clock.now()).toISOString()}, running with real time`);
      if (server.generatedKeys) {
        // Asked for: with no --keys file the only way to use the server is to know these.
        const merchant = server.merchants[0]!;
        out(`  merchant ${merchant.id} (random keys, valid until this process ends):`);
        out(`    secret key: ${merchant.secretKeys[0]}`);
        out(`    public key: ${merchant.publicKeys[0]}`);
        out(`  try: curl ${server.url}/charges -u ${merchant.secretKeys[0]}:`);
      }
      if (hooks.onStarted !== undefined) return hooks.onStarted(server);
      const stop = () => {
        out('kessai serve: stopping');
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
