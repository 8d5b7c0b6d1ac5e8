import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerServeCommand } from './cli.js';
import type { LogLine } from './log.js';
import { OffsetClock, parseWindow, startServer, type RunningServer } from './serve.js';

const sk = `sk_test_${'c'.repeat(24)}`;
const pk = `pk_test_${'d'.repeat(24)}`;
const auth = (key: string) => ({ Authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });
const tokenBody = 'card[number]=4242424242424242&card[exp_month]=12&card[exp_year]=2030&card[cvc]=123';

const createToken = async (server: RunningServer, key: string) => {
  const response = await fetch(`${server.url}/tokens`, {
    method: 'POST',
    headers: { ...auth(key), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: tokenBody,
  });
  return (await response.json()) as { card: { cvc_check: string }; created: number };
};

describe('parseWindow', () => {
  it('reads <from>/<to> or the incident itself', () => {
    expect(parseWindow('2017-06-07T16:55:00+09:00/2017-06-07T21:55:00+09:00')).toEqual({ from: Date.UTC(2017, 5, 7, 7, 55), to: Date.UTC(2017, 5, 7, 12, 55) });
    expect(parseWindow('incident')).toEqual({ from: Date.UTC(2017, 5, 7, 7, 55), to: Date.UTC(2017, 5, 7, 12, 55) });
    for (const bad of ['2017-06-07T16:55:00Z', '2017-06-07T16:55:00Z/soon', '2017-06-08T00:00:00Z/2017-06-07T00:00:00Z', 'a/b/c', '1496822400/1496840400'])
      expect(() => parseWindow(bad), bad).toThrow(/--incident-window/);
    // A time without its offset would be read in this machine's time zone.
    expect(() => parseWindow('2017-06-07T16:55:00/2017-06-07T21:55:00+09:00')).toThrow(/"2017-06-07T16:55:00" has no time zone offset/);
  });
});

describe('OffsetClock', () => {
  it('starts where told, runs with real time, and only jumps forward', async () => {
    const clock = new OffsetClock(Date.UTC(2017, 5, 7, 8));
    const first = clock.now();
    expect(first - Date.UTC(2017, 5, 7, 8)).toBeLessThan(50);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(clock.now()).toBeGreaterThanOrEqual(first + 15);
    clock.set(Date.UTC(2017, 5, 7, 13));
    expect(clock.now() - Date.UTC(2017, 5, 7, 13)).toBeLessThan(50);
    expect(() => clock.set(Date.UTC(2017, 5, 7, 12))).toThrow(/forward/);
  });
});

describe('startServer', () => {
  it('serves test mode from memory, with the faulty verifier inside the incident window on a started clock', async () => {
    const lines: LogLine[] = [];
    const inside = await startServer({
      port: 0,
      merchants: [{ id: 'acme', secretKeys: [sk], publicKeys: [pk] }],
      incidentWindow: 'incident',
      clock: '2017-06-07T18:00:00+09:00',
      log: (line) => lines.push(line),
    });
    const outside = await startServer({ port: 0, merchants: [{ id: 'acme', secretKeys: [sk], publicKeys: [pk] }], incidentWindow: 'incident', log: () => undefined });
    try {
      expect(inside.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const made = await createToken(inside, pk);
      expect(made.card.cvc_check).toBe('unchecked');
      expect(Math.abs(made.created - Date.UTC(2017, 5, 7, 9) / 1000)).toBeLessThan(5);
      expect((await createToken(outside, pk)).card.cvc_check).toBe('passed');
      expect(lines).toContainEqual(expect.objectContaining({ level: 'info', msg: 'request', method: 'POST', route: '/v1/tokens', status: 200, merchant: 'acme' }));
    } finally {
      await inside.close();
      await outside.close();
    }
  });

  it('reads merchants from a keys file, or makes one with random keys', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kessai-keys-'));
    const file = join(dir, 'keys.json');
    await writeFile(file, JSON.stringify([{ id: 'acme', secretKeys: [sk], webhooks: [{ url: 'http://127.0.0.1:9/hook', token: 'whook_token' }] }]));
    const fromFile = await startServer({ port: 0, keysFile: file, log: () => undefined });
    const random = await startServer({ port: 0, log: () => undefined });
    try {
      expect(fromFile.generatedKeys).toBe(false);
      expect(fromFile.app.webhooks).not.toBeNull();
      expect((await fetch(`${fromFile.url}/charges`, { headers: auth(sk) })).status).toBe(200);
      expect(random.generatedKeys).toBe(true);
      const key = random.merchants[0]!.secretKeys[0]!;
      expect(key).toMatch(/^sk_test_[0-9a-f]{48}$/);
      expect((await fetch(`${random.url}/charges`, { headers: auth(key) })).status).toBe(200);
      expect((await fetch(`${random.url}/charges`, { headers: auth(sk) })).status).toBe(401);
    } finally {
      await fromFile.close();
      await random.close();
    }
  });

  it('fails with a clear message on a bad keys file and on an unreachable --pg', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kessai-keys-'));
    const file = join(dir, 'keys.json');
    await writeFile(file, '[{"id": "acme", "secretKeys": ["sk_live_nope"]}]');
    await expect(startServer({ port: 0, keysFile: file })).rejects.toThrow(/Invalid merchant configuration at 0.secretKeys.0/);
    await expect(startServer({ port: 0, keysFile: join(dir, 'missing.json') })).rejects.toThrow(/cannot read/);
    const vaultKeys = { encryptionKey: 'ab'.repeat(32), fingerprintSecret: 'a fingerprint secret' };
    await expect(startServer({ port: 0, pg: 'postgres://nobody@127.0.0.1:1/kessai', vaultKeys, log: () => undefined })).rejects.toThrow(
      /^--pg: cannot connect to PostgreSQL/,
    );
  });
});

describe('kessai serve', () => {
  it('starts from the command line and prints the keys it made', async () => {
    const printed: string[] = [];
    let server: RunningServer | null = null;
    const program = new Command().exitOverride();
    registerServeCommand(program, { write: (line) => printed.push(line), log: () => undefined, onStarted: (s) => void (server = s) });
    await program.parseAsync(['serve', '--port', '0', '--incident-window', '2017-06-07T07:55:00Z/2017-06-07T12:55:00Z', '--clock', '2017-06-07T08:00:00Z'], { from: 'user' });
    const running = server as RunningServer | null;
    expect(running).not.toBeNull();
    try {
      const key = running!.merchants[0]!.secretKeys[0]!;
      expect(printed.join('\n')).toContain(`secret key: ${key}`);
      expect(printed.join('\n')).toContain('incident window: 2017-06-07T07:55:00.000Z to 2017-06-07T12:55:00.000Z');
      expect(printed[0]).toBe(`kessai serve: listening on ${running!.url} (test mode, in-memory store)`);
    } finally {
      await running!.close();
    }
  });

  it('refuses a bad port', async () => {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
    registerServeCommand(program, { onStarted: () => undefined });
    await expect(program.parseAsync(['serve', '--port', '99999'], { from: 'user' })).rejects.toThrow(/--port/);
  });
});
