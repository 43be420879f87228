/**
 * The load generator of `npm run bench:api`: a process of its own, so that
 * making requests costs the server's event loop nothing. It prints one JSON
 * line (its figures) on stdout and, when started with an IPC channel, sends
 * `{ type: 'started' }` as its first request goes out.
 *
 * LOAD_MODE=mix (default): LOAD_RPS requests a second for LOAD_SECONDS, an
 * open model: request k is due at start + k / rps and goes out then, whether
 * or not earlier ones were answered, and its latency counts from that due
 * time, so a server that stalls is charged for the requests queued behind the
 * stall too (no coordinated omission). The mix, spread evenly (smooth
 * weighted round-robin, the same order on every run):
 *   45% POST /v1/track (one event), 10% POST /v1/batch (20 events),
 *   15% each of journeys.list, analytics.journeyOverlay and contacts.search,
 * i.e. SDK traffic and operators watching the journey's dashboards. An error
 * is a status ≥ 400, a network error, or no answer within 30 s. Also how
 * many requests due in each second of the run took longer than LOAD_SLOW_MS
 * (default 25, the target): whether slow answers are spread over the run or
 * come in bursts (its first seconds, say).
 *
 * LOAD_MODE=batch: LOAD_CONNECTIONS connections each post /v1/batch of
 * LOAD_BATCH track events back to back for LOAD_SECONDS (a closed model: the
 * most a few clients can push through); figures: events accepted per second
 * (indexed in the request, or queued for the engine's next tick: `queued`).
 *
 * Environment: LOAD_URL (the server), LOAD_COOKIE (a session, "jb_session=…"),
 * LOAD_WRITE_KEY, LOAD_JOURNEY_ID (the journey whose overlay is read),
 * LOAD_CONTACTS (track calls name contacts u0 … u<n-1>), LOAD_SECONDS,
 * LOAD_RPS, LOAD_CONNECTIONS, LOAD_BATCH, LOAD_SOCKETS (connections at most, default 64).
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const env = (name: string, fallback?: string): string => {
  const v = process.env[name] ?? fallback;
  if (v === undefined || v === '') throw new Error(`bench/apiLoad.ts needs ${name}`);
  return v;
};
const mode = env('LOAD_MODE', 'mix');
const url = new URL(env('LOAD_URL'));
const seconds = Number(env('LOAD_SECONDS', '60'));
const contacts = Number(env('LOAD_CONTACTS', '1000'));
const basic = `Basic ${Buffer.from(`${env('LOAD_WRITE_KEY')}:`).toString('base64')}`;

// keep-alive: a connection is reused, as a browser's or an SDK's is. A bounded pool: past LOAD_SOCKETS requests in flight, the next
// waits here for a connection (its latency still counts from its due time) instead of opening more and more connections to a
// server that is behind, until its listen backlog overflows and the kernel's SYN retries (1 s, 3 s, 7 s …) decide the figures
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(env('LOAD_SOCKETS', '64')) });
const timeoutMs = 30_000;

interface Answer {
  status: number;
  body: string;
}
function send(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        // from the moment it is made, waiting for a connection included: a server far behind ends the run with errors, not never
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', (e) => reject(e.name === 'AbortError' || e.name === 'TimeoutError' ? new Error(`no answer in ${timeoutMs / 1000} s`) : e));
    req.end(body);
  });
}

let seq = 0;
// random, as the SDKs' are (analytics.js, the mobile SDKs): ids in order would go into the messageId index at its end, cheaper than any real client's
const messageId = () => randomUUID();
/** a contact that exists, spread over the population (7919 is prime) */
const someone = () => `u${(++seq * 7919) % contacts}`;
const trackEvent = () => ({ userId: someone(), event: 'app_open', properties: { screen: 'home', source: 'bench' }, messageId: messageId() });

/** This process's CPU since `cpu` was taken at `startMs`, in cores: what the load generator takes of the machine the server shares with it. */
const coresSince = (cpu: NodeJS.CpuUsage, startMs: number): number => {
  const u = process.cpuUsage(cpu);
  return Number(((u.user + u.system) / 1000 / Math.max(performance.now() - startMs, 1)).toFixed(3));
};

const percentiles = (xs: number[]) => {
  const s = Float64Array.from(xs).sort();
  const at = (p: number) => Number((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0).toFixed(2));
  return { count: s.length, p50: at(50), p90: at(90), p99: at(99), max: Number((s[s.length - 1] ?? 0).toFixed(2)) };
};

async function mix(): Promise<unknown> {
  const rps = Number(env('LOAD_RPS', '500'));
  const slowMs = Number(env('LOAD_SLOW_MS', '25'));
  const cookie = env('LOAD_COOKIE');
  const journeyId = env('LOAD_JOURNEY_ID');
  const trpcHeaders = { cookie, 'x-journeys-client': 'bench' };
  const ingestHeaders = { authorization: basic };
  const query = (path: string, input?: unknown) => () => send('GET', `/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, trpcHeaders);
  const routes: { name: string; weight: number; call: () => Promise<Answer> }[] = [
    { name: '/v1/track', weight: 45, call: () => send('POST', '/v1/track', ingestHeaders, JSON.stringify(trackEvent())) },
    { name: '/v1/batch (20)', weight: 10, call: () => send('POST', '/v1/batch', ingestHeaders, JSON.stringify({ batch: Array.from({ length: 20 }, () => ({ type: 'track', ...trackEvent() })) })) },
    { name: 'journeys.list', weight: 15, call: query('journeys.list') },
    { name: 'analytics.journeyOverlay', weight: 15, call: query('analytics.journeyOverlay', { journeyId }) },
    { name: 'contacts.search', weight: 15, call: query('contacts.search', { q: 'u12' }) },
  ];
  // smooth weighted round-robin: each route at its share, evenly spread, the same order every run
  const current = routes.map(() => 0);
  const totalWeight = routes.reduce((n, r) => n + r.weight, 0);
  const next = () => {
    let best = 0;
    routes.forEach((r, i) => {
      current[i] = (current[i] ?? 0) + r.weight;
      if ((current[i] ?? 0) > (current[best] ?? 0)) best = i;
    });
    current[best] = (current[best] ?? 0) - totalWeight;
    return routes[best] as (typeof routes)[number];
  };

  const latencies = new Map<string, number[]>(routes.map((r) => [r.name, []]));
  const errors = new Map<string, number>(routes.map((r) => [r.name, 0]));
  const samples: string[] = [];
  const total = Math.round(seconds * rps);
  const interval = 1000 / rps;
  const start = performance.now() + 10;
  const cpu = process.cpuUsage();
  const inFlight = new Set<Promise<void>>();
  let maxInFlight = 0;
  let lateSends = 0;
  const slowBySecond = new Array<number>(Math.ceil(seconds)).fill(0);
  const took = (route: (typeof routes)[number], due: number) => {
    const ms = performance.now() - due;
    latencies.get(route.name)?.push(ms);
    const second = Math.floor((due - start) / 1000);
    if (ms > slowMs && second < slowBySecond.length) slowBySecond[second] = (slowBySecond[second] ?? 0) + 1;
  };

  const fire = (route: (typeof routes)[number], due: number) => {
    if (performance.now() - due > 5) lateSends++; // this process fell behind its schedule (counted: it would flatter the server)
    const p = route.call().then(
      (a) => {
        took(route, due);
        if (a.status >= 400) {
          errors.set(route.name, (errors.get(route.name) ?? 0) + 1);
          if (samples.length < 5) samples.push(`${route.name}: ${a.status} ${a.body.slice(0, 200)}`);
        }
      },
      (e: unknown) => {
        took(route, due);
        errors.set(route.name, (errors.get(route.name) ?? 0) + 1);
        if (samples.length < 5) samples.push(`${route.name}: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    maxInFlight = Math.max(maxInFlight, inFlight.size);
  };

  let k = 0;
  await new Promise<void>((done) => {
    const pump = () => {
      const now = performance.now();
      // every request due by now goes out, each timed from its own due time
      for (; k < total && start + k * interval <= now; k++) fire(next(), start + k * interval);
      if (k > 0) announce();
      if (k < total) setTimeout(pump, Math.max(0, start + k * interval - performance.now()));
      else done();
    };
    setTimeout(pump, Math.max(0, start - performance.now()));
  });
  const sentFor = (performance.now() - start) / 1000;
  await Promise.all(inFlight);
  const generatorCores = coresSince(cpu, start);

  const all = [...latencies.values()].flat();
  const errorCount = [...errors.values()].reduce((n, e) => n + e, 0);
  return {
    mode: 'mix',
    rps,
    seconds: Number(sentFor.toFixed(2)),
    count: all.length,
    errors: errorCount,
    overall: percentiles(all),
    routes: Object.fromEntries(routes.map((r) => [r.name, { share: r.weight / totalWeight, ...percentiles(latencies.get(r.name) ?? []), errors: errors.get(r.name) ?? 0 }])),
    maxInFlight,
    lateSends,
    slowMs,
    slowBySecond,
    errorSamples: samples,
    generatorCores,
  };
}

async function batch(): Promise<unknown> {
  const connections = Number(env('LOAD_CONNECTIONS', '4'));
  const size = Number(env('LOAD_BATCH', '500'));
  const headers = { authorization: basic };
  let accepted = 0;
  let queued = 0;
  let duplicates = 0;
  let errorCount = 0;
  const samples: string[] = [];
  const latencies: number[] = [];
  const start = performance.now();
  const cpu = process.cpuUsage();
  const deadline = start + seconds * 1000;
  announce();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const body = JSON.stringify({ batch: Array.from({ length: size }, () => ({ type: 'track', ...trackEvent() })) });
        const t = performance.now();
        try {
          const a = await send('POST', '/v1/batch', headers, body);
          latencies.push(performance.now() - t);
          if (a.status >= 400) {
            errorCount++;
            if (samples.length < 5) samples.push(`${a.status} ${a.body.slice(0, 200)}`);
            continue;
          }
          const r = JSON.parse(a.body) as { accepted?: number; duplicates?: number; queued?: number };
          accepted += r.accepted ?? 0;
          queued += r.queued ?? 0;
          duplicates += r.duplicates ?? 0;
        } catch (e) {
          errorCount++;
          if (samples.length < 5) samples.push(e instanceof Error ? e.message : String(e));
        }
      }
    }),
  );
  const took = (performance.now() - start) / 1000;
  return {
    mode: 'batch',
    connections,
    batchSize: size,
    seconds: Number(took.toFixed(2)),
    requests: latencies.length,
    accepted: accepted + queued,
    queued,
    duplicates,
    eventsPerSec: Math.round((accepted + queued) / took),
    errors: errorCount,
    requestMs: percentiles(latencies),
    errorSamples: samples,
    generatorCores: coresSince(cpu, start),
  };
}

let announced = false;
function announce() {
  if (announced) return;
  announced = true;
  process.send?.({ type: 'started' });
}

const run = mode === 'mix' ? mix : mode === 'batch' ? batch : null;
if (!run) throw new Error(`LOAD_MODE must be "mix" or "batch", got "${mode}"`);
run().then(
  (figures) => {
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    agent.destroy();
    process.disconnect?.();
  },
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
