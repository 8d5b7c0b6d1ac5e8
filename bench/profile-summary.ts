/**
 * Where the time of a `--cpu-prof` profile goes: self time by function (with file, line and column) and by package,
 * and inclusive time of the frames whose "name file:line:column" contains a --focus text. tsx compiles each source
 * file to one line and names arrow functions `(anonymous)`, so for our own code the column tells functions apart
 * (and --focus packages/adapters/src/http/params.ts takes the whole file). For reading a profile of bench/http.ts:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/http.ts --scenarios tokens --connections 10
 *   node --import tsx bench/profile-summary.ts /tmp/prof/<file>.cpuprofile [--top 40] [--focus text,text]
 *
 * The profile covers the whole process (start-up and setup included); a run of one scenario keeps it readable. Node
 * writes one file per thread: `CPU.<date>.<time>.<pid>.0.<n>.cpuprofile` is the main thread (the server), the other
 * is tsx's module loader thread. The load generator is a child process started without --cpu-prof.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, ...rest] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: profile-summary.ts <file.cpuprofile> [--top n] [--focus fn,fn]');
  process.exit(1);
}
let top = 40;
let focus: string[] = [];
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === '--top') top = Number(rest[++i]);
  else if (rest[i] === '--focus') focus = (rest[++i] ?? '').split(',');
}

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const self = new Map<number, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  self.set(id, (self.get(id) ?? 0) + dt);
  total += dt;
});

const place = (f: CallFrame) => {
  if (f.url === '') return '(native)';
  const path = f.url.replace(/^file:\/\//, '');
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path);
  if (pnpm !== null) return `${pnpm[1]}/${pnpm[2]}`;
  const repo = /\/((?:packages|bench|test)\/.*)$/.exec(path);
  return repo?.[1] ?? path;
};
const packageOf = (f: CallFrame) => {
  if (f.url === '') return f.functionName.startsWith('(') ? f.functionName : '(native)';
  if (f.url.startsWith('node:')) return f.url;
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f.url);
  if (pnpm !== null) return pnpm[1]!;
  const ws = /\/(packages\/[^/]+\/src\/[^/]+)/.exec(f.url);
  if (ws !== null) return ws[1]!;
  return place(f);
};

const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const [id, us] of self) {
  const f = byId.get(id)!.callFrame;
  const key = `${f.functionName || '(anonymous)'}  ${place(f)}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  const p = packageOf(f);
  byPackage.set(p, (byPackage.get(p) ?? 0) + us);
}

console.log(`total sampled: ${(total / 1000).toFixed(0)} ms`);
console.log(`\nself time by package:`);
for (const [p, us] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${pct(us)} ${ms(us)}  ${p}`);
console.log(`\nself time by function (top ${top}):`);
for (const [f, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)} ${ms(us)}  ${f}`);

if (focus.length > 0) {
  // Inclusive time: a sample counts once for each focus text matched by a frame on its stack.
  const inclusive = new Map<string, number>(focus.map((f) => [f, 0]));
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const f = byId.get(n)!.callFrame;
      const key = `${f.functionName || '(anonymous)'} ${place(f)}:${f.lineNumber + 1}:${f.columnNumber + 1}`;
      for (const text of focus)
        if (!seen.has(text) && key.includes(text)) {
          seen.add(text);
          inclusive.set(text, inclusive.get(text)! + dt);
        }
    }
  });
  console.log(`\ninclusive time:`);
  for (const [f, us] of inclusive) console.log(`${pct(us)} ${ms(us)}  ${f}`);
}
