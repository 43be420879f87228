import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anHttpWorld, type HttpWorld } from './testing/httpWorld';
import { signIn, testAdmin } from './testing/signIn';
import { memoryLogger } from './obs/log';
import { appRouter } from './trpc/root';
import { clientHeader } from './auth/http';
import { requestIdHeader } from './http/requestId';
import { MAX_BATCH_CALLS } from './ingest/calls';

/**
 * Issue 15 ("Tests"): a fuzz test over /v1/* and every tRPC procedure, over
 * real HTTP against the real server. Whatever a client sends (a near-valid
 * call with one field gone wrong, or garbage), the answer is never ≥ 500: bad
 * input is the client's problem and must be told as a 4xx, and a 500 means an
 * input the code did not expect reached something that threw.
 *
 * Deterministic: every property's seed is derived from FUZZ_SEED (default
 * below) and its name, so a failure replays with the same FUZZ_SEED; the report
 * prints the seed and fast-check path, the request as sent, the 500's body and
 * the server's log line (with its stack) for that request id.
 * FUZZ_RUNS scales every property's number of runs (default 1).
 */

const T0 = Date.UTC(2026, 10, 2, 4, 0);
const SEED = Number(process.env.FUZZ_SEED ?? 20261115);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * SCALE));

// ---------------------------------------------------------------- the world

const { logger, lines } = memoryLogger('warn');
let w: HttpWorld;
/** a second admin the fuzz signs in as: the world's own admin stays untouched, so the health check at the end can use it */
let fuzzCookie = '';
let ids: {
  journeys: string[];
  templateKey: string;
  variantKey: string;
  segmentKey: string;
  victimUserId: string;
  approvalId: string;
  contact: string;
  blueprint: string;
};
let validInput: Record<string, unknown> = {};

beforeAll(async () => {
  // logger and expensiveRate: startServer options anHttpWorld passes through (its type names only a few)
  w = await anHttpWorld(T0, { logger, expensiveRate: { burst: 1_000_000, perSecond: 1_000_000 } } as Parameters<typeof anHttpWorld>[1]);
  const t = w.trpc;
  await t.users.create.mutate({ login: 'fuzzer', displayName: 'Fuzzer', password: 'fuzzer-password-1', roles: ['admin'] });
  fuzzCookie = await signIn(w.server.url, 'fuzzer', 'fuzzer-password-1');
  const victim = await t.users.create.mutate({ login: 'fuzz_victim', displayName: 'Victim', password: 'victim-password-1', roles: ['viewer'] });

  const journeys = await t.journeys.list.query();
  const blueprints = await t.journeys.blueprints.query();
  const made = await t.journeys.create.mutate({ name: 'Fuzz target', blueprint: blueprints[0]?.key });
  const journeyIds = [...journeys.slice(0, 3).map((j) => j.id), made.id];
  const journey = await t.journeys.get.query({ id: journeyIds[0] as string });

  // four-eyes on for a moment: a publish files a request by the world's admin, which the fuzzer (another admin) may decide
  await t.workspace.setApprovals.mutate({ on: true });
  const filed = await t.journeys.publish.mutate({ id: journeyIds[1] as string });
  if (!('request' in filed)) throw new Error(`publishing with four-eyes on filed no request: ${JSON.stringify(filed)}`);
  await t.workspace.setApprovals.mutate({ on: false });

  const templates = await t.templates.list.query();
  const tpl = await t.templates.get.query({ key: (templates.find((x) => x.channel === 'sms') ?? templates[0])?.key as string });
  const segments = await t.segments.list.query();
  const segment = await t.segments.get.query({ key: segments[0]?.key as string });
  const policy = await t.policy.get.query();
  await w.ingest('identify', { userId: 'fuzz-contact-1', traits: { phone: '+8613800001234', name: 'Fuzz' } });
  await w.ingest('track', { userId: 'fuzz-contact-1', event: 'app_login' });

  ids = {
    journeys: journeyIds,
    templateKey: tpl.key,
    variantKey: tpl.variants[0]?.key ?? 'a',
    segmentKey: segment.key,
    victimUserId: victim.id,
    approvalId: filed.request.id,
    contact: 'fuzz-contact-1',
    blueprint: blueprints[0]?.key ?? '',
  };
  const J = journeyIds[0] as string;
  const draft = { key: tpl.key, channel: tpl.channel, name: tpl.name, description: tpl.description, category: tpl.category, locale: tpl.locale, variants: tpl.variants };
  const range = { journeyId: J, version: 1, from: '2026-11-01', to: '2026-11-03' };
  validInput = {
    // mutations
    'journeys.create': { name: 'Fuzzed', blueprint: ids.blueprint },
    'journeys.rename': { id: J, name: 'Renamed' },
    'journeys.saveDraft': { id: J, graph: journey.draft },
    'journeys.publish': { id: J },
    'journeys.pause': { id: J },
    'journeys.resume': { id: J },
    'journeys.archive': { id: journeyIds[3] },
    'journeys.clearError': { id: J },
    'templates.save': { draft },
    'templates.promote': { key: tpl.key, variant: ids.variantKey },
    'segments.save': { key: 'fuzz_segment', name: 'Fuzz', description: 'made by the fuzz test', rules: segment.rules },
    'policy.set': policy,
    'channels.redrive': { ids: [1, 2] },
    'channels.discard': { channel: 'sms', error: null },
    'workspace.rotateWriteKey': { graceHours: 24 },
    'workspace.setLinkHosts': { hosts: ['example.com', 'm.orangecredit.example'] },
    'workspace.setApprovals': { on: true },
    'auth.changePassword': { current: 'not-the-password', password: 'another-password-1' },
    'users.create': { login: 'fuzz_new', displayName: 'New', password: 'a-password-123', roles: ['viewer'] },
    'users.update': { id: ids.victimUserId, displayName: 'Victim', roles: ['viewer'], active: true },
    'users.resetPassword': { id: ids.victimUserId, password: 'victim-password-2' },
    'approvals.approve': { id: ids.approvalId, comment: 'ok' },
    'approvals.reject': { id: ids.approvalId, comment: 'no' },
    'approvals.withdraw': { id: ids.approvalId },
    'dev.advanceClock': { ms: 1000 },
    // queries
    'journeys.get': { id: J },
    'templates.get': { key: tpl.key },
    'templates.check': { draft },
    'templates.preview': { key: tpl.key, variant: ids.variantKey, externalId: ids.contact, traits: { name: 'x', amount_due: 12.5 }, pricePerPart: 0.05 },
    'templates.stats': { key: tpl.key, metric: 'clicks', control: ids.variantKey },
    'segments.get': { key: segment.key },
    'segments.preview': { rules: segment.rules, sample: 5 },
    'contacts.get': { externalId: ids.contact },
    'contacts.timeline': { externalId: ids.contact, limit: 10 },
    'contacts.search': { q: 'fuzz', limit: 5 },
    'channels.outbox': { journeyId: J, externalId: ids.contact, status: 'sent', limit: 10 },
    'channels.deadLetters': { channel: 'sms', error: null, limit: 10 },
    'analytics.journeyOverlay': range,
    'analytics.nodeFunnel': { ...range, nodeId: 'entry' },
    'analytics.journeySummary': range,
    'approvals.list': { status: 'pending', limit: 10 },
    'approvals.get': { id: ids.approvalId },
    'audit.list': { actor: 'Fuzzer', action: 'journeys.create', objectType: 'journey', from: 0, to: T0 * 2, limit: 10 },
  };
}, 60_000);

afterAll(async () => {
  const rows = [...stats].map(
    ([name, s]) =>
      `${name.padEnd(44)} ${String(s.runs).padStart(4)} runs ${String(s.ms).padStart(6)} ms  ${Object.entries(s.statuses)
        .map(([k, v]) => `${k}×${v}`)
        .join(' ')}`,
  );
  console.log(`fuzz (FUZZ_SEED=${SEED}):\n${rows.join('\n')}`);
  const unattributed = lines.filter((l) => (l.level as number) >= 50 && !attributed.has(String(l.requestId)));
  if (unattributed.length)
    console.log(
      `error lines in the server log not tied to a 5xx response (${unattributed.length}):\n${unattributed
        .slice(0, 10)
        .map((l) => `  ${String(l.msg)}`)
        .join('\n')}`,
    );
  await w?.close();
});

// ---------------------------------------------------------------- sending and reporting

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
}
interface Answer {
  sent: Sent;
  status: number;
  text: string;
  requestId: string;
  /** for a connection that failed: the request before it, which may have left the connection broken */
  previous?: Answer | undefined;
}

let requests = 0;
let last: Answer | undefined;
async function send(sent: Sent): Promise<Answer> {
  const requestId = `fuzz-${++requests}`;
  const previous = last;
  try {
    const res = await fetch(`${w.server.url}${sent.path}`, { method: sent.method, headers: { ...sent.headers, [requestIdHeader]: requestId }, body: sent.body as BodyInit | undefined });
    last = { sent, status: res.status, text: await res.text(), requestId };
    return last;
  } catch (e) {
    // no answer at all (the server closed the connection): reported like a 5xx, with the cause
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    last = { sent, status: 0, text: `${String(e)}${cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''}`, requestId, previous };
    return last;
  }
}

const stats = new Map<string, { runs: number; ms: number; statuses: Record<number, number> }>();
/** request ids of the 5xx answers: their log lines are reported with them */
const attributed = new Set<string>();

const clip = (s: string, n = 1500) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
const bodyText = (b: Sent['body']) => (b === undefined ? '(none)' : typeof b === 'string' ? JSON.stringify(b) : `bytes ${Buffer.from(b).toString('hex')}`);

/** A request as code that sends it again (with a fresh write key or cookie in place of the placeholders). */
function reproducer(a: Answer): string {
  const headers = { ...a.sent.headers };
  if (headers.authorization) headers.authorization = 'Basic <base64 of "WRITE_KEY:">';
  if (headers.cookie) headers.cookie = 'jb_session=<an admin session>';
  const body =
    a.sent.body === undefined
      ? ''
      : typeof a.sent.body === 'string'
        ? `, body: ${clip(JSON.stringify(a.sent.body), 4000)}`
        : `, body: Buffer.from('${clip(Buffer.from(a.sent.body).toString('hex'), 4000)}', 'hex')`;
  return `await fetch(url + ${JSON.stringify(a.sent.path.length > 2000 ? clip(a.sent.path, 2000) : a.sent.path)}, { method: '${a.sent.method}', headers: ${JSON.stringify(headers)}${body} })`;
}

function describeFailure(a: Answer, problem: string): string {
  const log = lines.filter((l) => l.requestId === a.requestId);
  const logText = log.map((l) => {
    const err = l.err as { stack?: string; message?: string } | undefined;
    return `  ${String(l.msg)}\n  ${(typeof l.stack === 'string' ? l.stack : (err?.stack ?? err?.message ?? '')).split('\n').slice(0, 12).join('\n  ')}`;
  });
  return [
    `  ${problem}`,
    `  request: ${a.sent.method} ${clip(a.sent.path, 300)}  headers ${JSON.stringify({ ...a.sent.headers, authorization: undefined, cookie: undefined })}`,
    `  body: ${clip(bodyText(a.sent.body))}`,
    `  answer: ${a.status} ${clip(a.text, 1500)}`,
    `  server log (${a.requestId}):${logText.length ? `\n${logText.join('\n')}` : ' nothing'}`,
    `  reproducer: ${reproducer(a)}`,
    ...(a.previous ? [`  the request before it (same keep-alive connection, perhaps):\n  ${describeFailure(a.previous, 'previous').split('\n').slice(1).join('\n  ')}`] : []),
  ].join('\n');
}

/** FNV-1a: a property's seed from FUZZ_SEED and its name, so adding a property does not reseed the others. */
function seedFor(name: string): number {
  let h = 0x811c9dc5;
  for (const ch of name) h = Math.imul(h ^ (ch.codePointAt(0) ?? 0), 0x01000193);
  return (h ^ SEED) | 0;
}

/**
 * Run `numRuns` requests made from `arb`; every answer must be < 500 and pass
 * `check` (null = fine). On failure: the first failing request and the one
 * fast-check shrank it to, each with the 500 body and the server's log line.
 */
async function fuzz<T>(name: string, arb: fc.Arbitrary<T>, numRuns: number, request: (v: T) => Sent, check: (a: Answer) => string | null = () => null, timeLimitMs = 20_000): Promise<void> {
  const seed = seedFor(name);
  const tally = { runs: 0, ms: 0, statuses: {} as Record<number, number> };
  stats.set(name, tally);
  const failures: { answer: Answer; problem: string }[] = [];
  const started = Date.now();
  const details = await fc.check(
    fc.asyncProperty(arb, async (v) => {
      const a = await send(request(v));
      tally.runs++;
      tally.statuses[a.status] = (tally.statuses[a.status] ?? 0) + 1;
      const problem = a.status === 0 ? `no answer: ${a.text}` : a.status >= 500 ? `answered ${a.status}` : check(a);
      if (problem) {
        if (a.status >= 500 || a.status === 0) attributed.add(a.requestId);
        failures.push({ answer: a, problem });
        throw new Error(problem);
      }
    }),
    { seed, numRuns, plugins: [fc.interruptAfterTimeLimit(timeLimitMs, { failOnInterrupt: false })], maxSkipsPerRun: 0 },
  );
  tally.ms = Date.now() - started;
  if (!details.failed) return;
  const first = failures[0];
  const last = failures[failures.length - 1];
  const distinct = new Set(failures.map((f) => f.problem)).size;
  throw new Error(
    [
      `${name}: failed after ${details.numRuns} runs (FUZZ_SEED=${SEED}; fast-check seed ${details.seed}, path "${details.counterexamplePath ?? ''}"; ${failures.length} failing requests while shrinking, ${distinct} distinct problems)`,
      `replay: FUZZ_SEED=${SEED} npx vitest run server/fuzz.http.test.ts -t ${JSON.stringify(expect.getState().currentTestName?.split(' > ').pop() ?? name)}`,
      'shrunk:',
      last ? describeFailure(last.answer, last.problem) : `  (no answer recorded: ${String(details.errorInstance)})`,
      ...(first && first !== last ? ['first found:', describeFailure(first.answer, first.problem)] : []),
    ].join('\n'),
  );
}

// ---------------------------------------------------------------- arbitraries

const nastyStrings = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udc00',
  'x\udbff',
  '\udfff\ud800',
  '\ufeff',
  '\u202e',
  '\uffff',
  '%00',
  '\\u0000',
  "'; drop table contacts; --",
  '" OR 1=1 --',
  "') or ('1'='1",
  '%',
  '_',
  '*',
  '\\',
  '{{',
  '}}',
  '{{#each this}}{{/each}}',
  '{{constructor.constructor "return process"}}',
  '{{lookup this "__proto__"}}',
  '{{> partial}}',
  '{{{raw}}}',
  '../../etc/passwd',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e309',
  '0x1F',
  '08',
  ' 1',
  '1_000',
  '',
  ' ',
  '\t\r\n',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'http://[::1',
  '<script>alert(1)</script>',
  '😀',
  '👩‍👩‍👧‍👦',
  'e\u0301',
  'ǅ',
  'İ',
  'ß',
  '\u{10ffff}',
  '用户',
  'ﷺ',
  '\u0085',
  '\u2028',
];
const timestamps = [
  '1970-01-01T00:00:00Z',
  '-271821-04-20T00:00:00.000Z',
  '+275760-09-13T00:00:00.000Z',
  '+275760-09-13T00:00:00.001Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '2026-02-30T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-11-02T24:00:00Z',
  '2026-11-02T04:00:00+99:99',
  '2026-11-02T04:00:00+14:00',
  '2026-11-02T04:00:00-12:00',
  '2026-11-02T04:00:00.123456789Z',
  '2026-11-02',
  '2026-11-02T04:00',
  'yesterday',
  '2026-11-02T04:00:00Z\u0000',
  '1e13',
];
const numbers = [-1, 0, -0, 1.5, 0.1, 2 ** 31, 2 ** 32 + 1, 2 ** 53 + 2, -(2 ** 53) - 2, 1e21, -1e21, 1e308, -1e308, 5e-324, 8.64e15, 8.64e15 + 1, -8.64e15 - 1, T0, -T0];

/**
 * How big generated values get. `big` (POST bodies): strings to ~10k, nesting to 3,000 levels, a body
 * now and then past the 512 kB and 1 MB limits. `small` (GET ?input=): Node answers 431 to a request
 * line over 16 kB before any route sees it, so query inputs stay well below that.
 */
interface Size {
  string: number;
  depth: number;
  width: number;
  /** JSON characters one near-valid value may reach (roughly): an edit that would pass it is dropped */
  budget: number;
}
const big: Size = { string: 10_000, depth: 2000, width: 3000, budget: 700_000 };
const small: Size = { string: 1500, depth: 300, width: 300, budget: 4000 };

/** a long string: a few characters repeated up to `max` */
const hugeString = (max: number) =>
  fc
    .tuple(fc.oneof(fc.string({ minLength: 1, maxLength: 4 }), fc.constantFrom('\u0000', '\ud800', 'é', '😀', 'a')), fc.integer({ min: Math.min(200, max), max }))
    .map(([str, n]) => str.repeat(Math.ceil(n / str.length)).slice(0, n));
/** nesting up to `max` levels of objects or arrays, built without recursion */
const deep = (max: number) =>
  fc.tuple(fc.integer({ min: 20, max }), fc.boolean(), fc.constantFrom<unknown>(1, 'x', null, {}, [])).map(([depth, arrays, leaf]) => {
    let v: unknown = leaf;
    for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v };
    return v;
  });
const wideArray = (max: number) =>
  fc.tuple(fc.integer({ min: 10, max }), fc.constantFrom<unknown>('x', 1, null, {}, 'id-')).map(([n, x]) => Array.from({ length: n }, (_, i) => (x === 'id-' ? `id-${i}` : x)));
const wideObject = (max: number) => fc.integer({ min: 10, max }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])));

/** a value that does not belong where it is put */
const weird = (pool: readonly string[], size: Size): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom<unknown>(...nastyStrings) },
    { weight: 2, arbitrary: fc.constantFrom<unknown>(...timestamps) },
    { weight: 3, arbitrary: fc.constantFrom<unknown>(...numbers) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.integer(),
        fc.double(),
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => Number(n)),
      ),
    },
    { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, {}, [], [null], [{}], '', 0) },
    { weight: 2, arbitrary: hugeString(size.string) },
    { weight: 2, arbitrary: fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-composite', maxLength: 50 })) },
    { weight: 1, arbitrary: deep(size.depth) },
    { weight: 1, arbitrary: wideArray(size.width) },
    { weight: 1, arbitrary: wideObject(size.width) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 2, arbitrary: fc.constantFrom<unknown>(...(pool.length ? pool : ['x'])) },
  );

const keyName = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '', ' ', '\u0000', '\ud800', 'a.b', '$where', 'type', 'id', 'key', 'userId', 'batch', '0', 'length'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
);

type Path = (string | number)[];
interface Edit {
  at: number;
  kind: 'replace' | 'delete' | 'add' | 'wrap' | 'stringify' | 'nest' | 'repeat' | 'toArray';
  key: string;
  value: unknown;
  n: number;
}
const editArb = (pool: readonly string[], size: Size): fc.Arbitrary<Edit> =>
  fc.record({
    at: fc.nat(),
    kind: fc.constantFrom<Edit['kind']>('replace', 'replace', 'replace', 'delete', 'add', 'wrap', 'stringify', 'nest', 'repeat', 'toArray'),
    key: keyName,
    value: weird(pool, size),
    n: fc.integer({ min: 2, max: Math.min(1500, size.width) }),
  });

/** every node's path, root first, depth-first (capped, for very wide or deep values) */
function pathsOf(v: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (out.length >= 5000) return out;
  out.push(path);
  if (path.length > 40) return out;
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...path, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) pathsOf(x, [...path, k], out);
  return out;
}

/** JSON.stringify and JSON.parse recurse: past a few thousand levels they overflow the stack (the client's, here) */
const MAX_NESTING = 2500;

/**
 * Roughly how many characters `v` takes as JSON (a shared object counts each time it appears), stopping
 * past `budget`; infinite when it nests deeper than MAX_NESTING.
 */
function jsonSize(v: unknown, budget: number): number {
  let total = 0;
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length && total <= budget) {
    const [x, depth] = stack.pop() as [unknown, number];
    if (depth > MAX_NESTING) return Number.POSITIVE_INFINITY;
    total += typeof x === 'string' ? x.length + 2 : 4;
    if (x !== null && typeof x === 'object')
      for (const [k, y] of Object.entries(x)) {
        total += Array.isArray(x) ? 1 : k.length + 3;
        stack.push([y, depth + 1]);
      }
  }
  return total;
}

/** an own, enumerable property even for "__proto__" (assignment would set the prototype, and JSON would drop it) */
const put = <T extends object>(o: T, k: string | number, v: unknown): T => Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
/** a shallow copy that keeps own "__proto__" keys */
const shallow = (o: object): object => (Array.isArray(o) ? [...o] : Object.entries(o).reduce((c, [k, x]) => put(c, k, x), {}));
const gone = Symbol('deleted');

/** what `e` makes of the node it picked: replaced, dropped, added to, wrapped, stringified, nested, repeated */
function transform(node: unknown, e: Edit): unknown {
  switch (e.kind) {
    case 'replace':
      return e.value;
    case 'delete':
      return gone;
    case 'add':
      if (Array.isArray(node)) return [...node, e.value];
      if (node !== null && typeof node === 'object') return put(shallow(node), e.key, e.value);
      return put({}, e.key, e.value);
    case 'wrap':
      return [node];
    case 'stringify':
      return jsonSize(node, Number.POSITIVE_INFINITY) < Number.POSITIVE_INFINITY ? (JSON.stringify(node) ?? 'undefined') : 'deep';
    case 'nest': {
      let v: unknown = node;
      for (let i = 0; i < Math.min(e.n, 400); i++) v = e.n % 2 ? [v] : put({}, e.key, v);
      return v;
    }
    case 'repeat':
      if (Array.isArray(node)) return Array.from({ length: e.n }, (_, i): unknown => (node as unknown[])[i % Math.max(1, node.length)] ?? e.value);
      return typeof node === 'string' ? node.repeat(Math.min(e.n, Math.ceil(10_000 / Math.max(1, node.length)))) : node;
    case 'toArray':
      return node !== null && typeof node === 'object' ? Object.entries(node) : [node, e.value];
  }
}

/** `value` with `e` applied at the node `e.at` picks; copies only the path down to it (the rest is shared, never mutated) */
function applyEdit(value: unknown, e: Edit): unknown {
  const paths = pathsOf(value);
  const path = paths[e.at % paths.length] ?? [];
  const at = (v: unknown, i: number): unknown => {
    if (i === path.length) return transform(v, e);
    const k = path[i] as string | number;
    const copy = shallow(v as object) as Record<string | number, unknown>;
    const child = at(copy[k], i + 1);
    if (child !== gone) return put(copy, k, child);
    if (Array.isArray(copy)) copy.splice(k as number, 1);
    else delete copy[k];
    return copy;
  };
  const out = at(value, 0);
  return out === gone ? undefined : out;
}

/** `base` with the edits applied in turn; one that would make the value larger than the budget is skipped (repeat of a repeat explodes) */
function edited(base: unknown, edits: readonly Edit[], size: Size): unknown {
  const budget = Math.max(size.budget, 2 * jsonSize(base, Number.POSITIVE_INFINITY));
  let v = base;
  for (const e of edits) {
    const next = applyEdit(v, e);
    if (jsonSize(next, budget) <= budget) v = next;
  }
  return v;
}
const nearValid = (base: unknown, pool: readonly string[], { maxEdits = 3, size = big }: { maxEdits?: number; size?: Size } = {}) =>
  fc.array(editArb(pool, size), { minLength: 1, maxLength: maxEdits }).map((es) => edited(base, es, size));

/** JSON text, or undefined for no body (JSON.stringify escapes lone surrogates as \udxxx) */
const json = (v: unknown): string | undefined => (v === undefined ? undefined : JSON.stringify(v));

/** text that is not JSON, or not quite */
const notJson = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '{',
    '}',
    '[',
    '{"a":',
    '[1,',
    '{"userId": "u1", }',
    "{'userId': 'u1'}",
    'nul',
    'NaN',
    'undefined',
    '{"a":1}{"b":2}',
    '\u0000',
    '\ufeff{}',
    '{"a":"\\ud800"}',
    '{"a":"\\u0000"}',
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    '1e999999',
    '-',
    '"unterminated',
    '{"a":1,"a":2}',
  ),
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string().map((s) => `{${s}`),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)),
);
const contentTypes = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=bogus',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'application/*',
  '*/*',
  'application/jsonx',
  'json',
  ';;;',
  '',
];
const encodings = [undefined, undefined, undefined, 'gzip', 'deflate', 'br', 'identity', 'x-bogus', 'gzip, gzip'];
interface Raw {
  body: string | Uint8Array | undefined;
  contentType: string | undefined;
  encoding: string | undefined;
}
const rawBody: fc.Arbitrary<Raw> = fc.record({
  body: fc.oneof(
    { weight: 5, arbitrary: notJson },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 600 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant(new Uint8Array([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03, 0xff, 0xff])) },
    // a body past the 512 kB (/v1) and 1 MB (/trpc) limits
    { weight: 1, arbitrary: fc.constantFrom(`{"userId":"u1","event":"e","properties":{"x":"${'x'.repeat(600_000)}"}}`, `[${'0,'.repeat(600_000)}0]`) },
  ),
  contentType: fc.constantFrom(undefined, ...contentTypes),
  encoding: fc.constantFrom(...encodings),
});
const rawHeaders = (r: Raw): Record<string, string> => ({ ...(r.contentType !== undefined ? { 'content-type': r.contentType } : {}), ...(r.encoding ? { 'content-encoding': r.encoding } : {}) });
/** a string body without a content-type: fetch would add text/plain, so it goes as bytes */
const rawPayload = (r: Raw) => (typeof r.body === 'string' && r.contentType === undefined ? new TextEncoder().encode(r.body) : r.body);

// ---------------------------------------------------------------- /v1

const v1Routes = ['identify', 'track', 'page', 'screen', 'alias', 'group', 'batch', 'inbound/sms'] as const;
type V1Route = (typeof v1Routes)[number];
const iso = new Date(T0).toISOString();
const common = {
  messageId: 'm-1',
  timestamp: iso,
  sentAt: iso,
  originalTimestamp: iso,
  context: { ip: '1.2.3.4', library: { name: 'analytics.js' }, timezone: 'Asia/Shanghai' },
  integrations: { All: true },
  _metadata: { bundled: [] },
};
const v1Valid: Record<V1Route, Record<string, unknown>> = {
  identify: { ...common, userId: 'fuzz-1', anonymousId: 'anon-1', traits: { phone: '+8613800009999', email: 'a@example.com', timezone: 'Asia/Tokyo', name: 'A', score: 3 } },
  track: { ...common, userId: 'fuzz-1', event: 'app_login', properties: { step: 'id_photo', amount: 100 } },
  page: { ...common, anonymousId: 'anon-2', name: 'Home', category: 'Docs', properties: { path: '/', url: 'https://example.com/' } },
  screen: { ...common, userId: 'fuzz-2', name: 'Home', properties: { a: 1 } },
  alias: { ...common, previousId: 'anon-2', userId: 'fuzz-2' },
  group: { ...common, userId: 'fuzz-1', groupId: 'g-1', traits: { plan: 'x' } },
  batch: {
    batch: [
      { type: 'identify', userId: 'fuzz-3', traits: { a: 1 } },
      { type: 'track', anonymousId: 'anon-3', event: 'e', properties: {} },
      { type: 'page', userId: 'fuzz-3', name: 'p' },
    ],
  },
  'inbound/sms': { from: '+8613800009999', text: 'hello' },
};
const v1Pool = ['fuzz-1', 'fuzz-2', 'anon-2', 'fuzz-contact-1', 'identify', 'track', 'page', 'screen', 'alias', 'group', '+8613800009999', 'STOP', 'TD', '退订'];

/** a batch of near-valid calls of every type, sometimes at or past the 1,000-call limit */
const fuzzedBatch = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(
        fc.oneof(...(['identify', 'track', 'page', 'screen', 'alias', 'group'] as const).map((t) => nearValid({ type: t, ...v1Valid[t] }, v1Pool, { maxEdits: 2 })), fc.jsonValue({ maxDepth: 2 })),
        { maxLength: 6 },
      )
      .map((batch) => ({ batch })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(MAX_BATCH_CALLS, MAX_BATCH_CALLS + 1)
      .map((n) => ({ batch: Array.from({ length: n }, (_, i) => ({ type: 'track', userId: `bulk-${i % 50}`, event: 'bulk', messageId: `bulk-${n}-${i}` })) })),
  },
);

const writeKeyHeader = () => `Basic ${Buffer.from(`${w.server.services.workspace.settings().writeKey}:`).toString('base64')}`;

/** A 4xx from /v1 is JSON with an error that says something; a 200 is { success: true, … }. */
function v1Check(a: Answer): string | null {
  let body: unknown;
  try {
    body = JSON.parse(a.text);
  } catch {
    return `answered ${a.status} with a body that is not JSON`;
  }
  const b = body as { error?: unknown; field?: unknown; success?: unknown };
  if (a.status === 200) return b.success === true ? null : 'answered 200 without success: true';
  if (a.status >= 400 && a.status < 500) {
    if (typeof b.error !== 'string' || b.error.trim().length < 3) return `answered ${a.status} without an error message`;
    if (typeof b.field === 'string' && !b.error.startsWith(`${b.field}:`) && !b.error.includes(b.field)) return `answered ${a.status} naming field "${b.field}" that the error does not`;
    return null;
  }
  return `answered ${a.status}, neither 200 nor a 4xx`;
}

describe('fuzz /v1/*: whatever a client posts with the write key, the answer is < 500, and a 4xx is JSON naming what was wrong', () => {
  for (const route of v1Routes) {
    it(`/v1/${route}: near-valid calls`, async () => {
      const arb = route === 'batch' ? fc.oneof(nearValid(v1Valid.batch, v1Pool), fuzzedBatch) : nearValid(v1Valid[route], v1Pool);
      await fuzz(
        `v1 ${route} near-valid`,
        arb,
        runs(200),
        (v) => ({ method: 'POST', path: `/v1/${route}`, headers: { 'content-type': 'application/json', authorization: writeKeyHeader() }, body: json(v) }),
        v1Check,
      );
    }, 60_000);

    it(`/v1/${route}: garbage bodies, content types and encodings`, async () => {
      await fuzz(
        `v1 ${route} garbage`,
        rawBody,
        runs(100),
        (r) => ({ method: 'POST', path: `/v1/${route}`, headers: { ...rawHeaders(r), authorization: writeKeyHeader() }, body: rawPayload(r) }),
        v1Check,
      );
    }, 60_000);
  }

  it('/v1/<anything>: unknown paths, short paths and odd write keys', async () => {
    const arb = fc.record({
      path: fc.oneof(fc.constantFrom('i', 't', 'p', 's', 'a', 'g', 'import', 'inbound/sms/', 'track/', 'TRACK', '%E0%A4%A', '..%2f..%2fetc', 'track%00', '', 'batch?x=1'), fc.webSegment()),
      auth: fc.oneof(
        fc.constant('key'),
        fc.constantFrom('', 'Basic', 'Basic ', 'Basic !!!', 'Bearer x', 'basic Og==', `Basic ${Buffer.from('\u0000:').toString('base64')}`),
        fc.string({ unit: 'grapheme-ascii', maxLength: 40 }).map((s) => `Basic ${s}`),
        fc.base64String({ maxLength: 40 }).map((s) => `Basic ${s}`),
      ),
      body: fc.oneof(nearValid(v1Valid.track, v1Pool, { maxEdits: 1 }).map(json), notJson),
    });
    await fuzz(
      'v1 paths and keys',
      arb,
      runs(150),
      (v) => ({
        method: 'POST',
        path: `/v1/${v.path}`,
        headers: { 'content-type': 'application/json', ...(v.auth === 'key' ? { authorization: writeKeyHeader() } : v.auth ? { authorization: v.auth } : {}) },
        body: v.body,
      }),
      v1Check,
    );
  }, 60_000);
});

// ---------------------------------------------------------------- tRPC

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: 'query' | 'mutation' | 'subscription' } }>).map(([path, p]) => ({ path, type: p._def.type }));
const mutations = procedures.filter((p) => p.type === 'mutation').map((p) => p.path);
const queries = procedures.filter((p) => p.type === 'query').map((p) => p.path);

const pool = () => [
  ...ids.journeys,
  ids.templateKey,
  ids.variantKey,
  ids.segmentKey,
  ids.victimUserId,
  ids.approvalId,
  ids.contact,
  ids.blueprint,
  'entry',
  'sms',
  'email',
  'admin',
  'viewer',
  'pending',
  'marketing',
  'transactional',
];
const trpcHeaders = (): Record<string, string> => ({ cookie: fuzzCookie, [clientHeader]: 'fuzz' });

/**
 * What a procedure gets: anything at all, its real input with fields gone
 * wrong, or its real input as is (so state moves: publish, pause, archive …).
 */
function inputFor(path: string, size: Size): fc.Arbitrary<unknown> {
  const base = validInput[path];
  const arb = fc.oneof(
    { weight: 2, arbitrary: fc.anything({ maxDepth: 3, withNullPrototype: false, withBoxedValues: false, withTypedArray: false, withSparseArray: false, withObjectString: false }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 6, arbitrary: nearValid(base, pool(), { size }) },
    { weight: 1, arbitrary: fc.constant(base) },
  );
  // dev.advanceClock: a valid ms up to a year would drive the engine for a long time; the fuzz keeps it to ten minutes
  if (path === 'dev.advanceClock')
    return arb.map((v) => {
      const ms = (v as { ms?: unknown } | null)?.ms;
      return typeof ms === 'number' && Number.isInteger(ms) && ms > 600_000 && ms <= 366 * 24 * 3600 * 1000 ? { ...(v as object), ms: ms % 600_000 } : v;
    });
  return arb;
}

/** tRPC always answers JSON; a request line over 16 kB is refused by Node itself (431, no body) before any route */
function trpcCheck(a: Answer): string | null {
  if (a.status === 431 && a.sent.path.length > 16_000) return null;
  try {
    JSON.parse(a.text);
    return null;
  } catch {
    return `answered ${a.status} with a body that is not JSON`;
  }
}

describe('fuzz every tRPC mutation (signed in as an admin): the answer is < 500', () => {
  it('finds the procedures', () => {
    expect(mutations.length).toBeGreaterThan(20);
    expect(queries.length).toBeGreaterThan(20);
  });

  for (const path of mutations) {
    it(`POST /trpc/${path}`, async () => {
      const arb = fc.oneof({ weight: 9, arbitrary: inputFor(path, big).map((v) => ({ json: v })) }, { weight: 1, arbitrary: rawBody.map((r) => ({ raw: r })) });
      await fuzz(
        `trpc ${path}`,
        arb,
        runs(path === 'dev.advanceClock' ? 60 : 200),
        (v) =>
          'raw' in v
            ? { method: 'POST', path: `/trpc/${path}`, headers: { ...trpcHeaders(), ...rawHeaders(v.raw) }, body: rawPayload(v.raw) }
            : { method: 'POST', path: `/trpc/${path}`, headers: { ...trpcHeaders(), 'content-type': 'application/json' }, body: json(v.json) },
        trpcCheck,
      );
    }, 60_000);
  }
});

describe('fuzz every tRPC query with random input (GET ?input=): the answer is < 500', () => {
  for (const path of queries) {
    it(`GET /trpc/${path}`, async () => {
      const arb = fc.oneof(
        { weight: 9, arbitrary: inputFor(path, small).map((v) => (v === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(v))}`)) },
        // the query string as sent: not JSON, bad percent-escapes, repeated parameters
        {
          weight: 1,
          arbitrary: fc.oneof(
            notJson.map((s) => `?input=${encodeURIComponent(s)}`),
            fc.constantFrom('?input=%', '?input=%E0%A4%A', '?input=%FF', '?input={}&input=[]', '?input', '?batch=1', '?batch=1&input=[]', '?batch=1&input={"0":null}', '?input=%00'),
          ),
        },
      );
      await fuzz(`trpc ${path}`, arb, runs(80), (q) => ({ method: 'GET', path: `/trpc/${path}${q}`, headers: trpcHeaders(), body: undefined }), trpcCheck);
    }, 60_000);
  }

  it('batches, wrong methods and unknown procedures', async () => {
    const all = procedures.map((p) => p.path);
    const arb = fc.record({
      paths: fc.array(
        fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom(...all) },
          { weight: 1, arbitrary: fc.constantFrom('nope', 'journeys', 'journeys.', '.list', '__proto__.list', 'journeys.list.x', '%E0%A4%A', 'dev.advanceClock,dev.advanceClock', '') },
        ),
        { minLength: 1, maxLength: 5 },
      ),
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
      batch: fc.boolean(),
      inputs: fc.array(fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom<unknown>(undefined, { id: 'x' }, { key: 'x' })), { maxLength: 5 }),
    });
    await fuzz(
      'trpc batches and methods',
      arb,
      runs(200),
      (v) => {
        const inputs: Record<string, unknown> = Object.fromEntries(v.inputs.map((x: unknown, i): [string, unknown] => [String(i), x]).filter(([, x]) => x !== undefined));
        // dev.advanceClock by batch: small ms only, as above
        for (const [i, p] of v.paths.entries()) if (p.startsWith('dev.advanceClock')) inputs[String(i)] = { ms: 1000 };
        const input = v.batch ? inputs : (inputs['0'] ?? undefined);
        const path = `/trpc/${v.paths.join(v.batch ? ',' : '')}`;
        if (v.method === 'GET')
          return {
            method: 'GET',
            path: `${path}?${v.batch ? 'batch=1&' : ''}${input === undefined ? '' : `input=${encodeURIComponent(JSON.stringify(input))}`}`,
            headers: trpcHeaders(),
            body: undefined,
          };
        return { method: v.method, path: `${path}${v.batch ? '?batch=1' : ''}`, headers: { ...trpcHeaders(), 'content-type': 'application/json' }, body: json(input) };
      },
      trpcCheck,
    );
  }, 60_000);
});

// ---------------------------------------------------------------- afterwards

describe('after the fuzz', () => {
  it('the server is healthy: journeys.list answers 200 to the first admin, /healthz is ok, ingestion still works', async () => {
    await expect(w.trpc.journeys.list.query()).resolves.toBeInstanceOf(Array);
    const cookie = await signIn(w.server.url, testAdmin.login, testAdmin.password);
    const res = await fetch(`${w.server.url}/trpc/journeys.list`, { headers: { cookie, [clientHeader]: 'fuzz' } });
    expect(res.status).toBe(200);
    expect((await fetch(`${w.server.url}/healthz`)).status).toBe(200);
    const r = await send({
      method: 'POST',
      path: '/v1/track',
      headers: { 'content-type': 'application/json', authorization: writeKeyHeader() },
      body: JSON.stringify({ userId: 'after-fuzz', event: 'app_login' }),
    });
    expect(r.status, r.text).toBe(200);
  }, 30_000);
});
