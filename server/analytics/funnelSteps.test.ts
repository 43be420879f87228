import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../db/client';
import { aTestWorld, silentSms, type TestWorld } from '../testing/harness';
import { sendOnEventGraph } from '../../shared/fixtures/builders';
import { sequentialFunnel, type Passage } from '../../shared/analytics/funnel';
import { DAY, HOUR, MINUTE } from '../../shared/util/time';
import { createFunnelSteps } from './funnelSteps';

const T0 = Date.UTC(2026, 10, 2, 4, 0);
const events = ['app_login', 'credit_application_started', 'loan_drawn'];

/** One pass through node `n`: a run, its message or visit, its click, and its credits (by version: the journey may have two). */
interface Pass {
  start: number;
  version: 1 | 2;
  status: 'sent' | 'delivered' | 'failed';
  clickedAt: number | null;
  /** [event index, version, at] */
  credits: [number, 1 | 2, number][];
}

const aTime = fc.integer({ min: 0, max: 4 * 24 }).map((h) => T0 + h * HOUR);
const aPass: fc.Arbitrary<Pass> = fc.record({
  start: aTime,
  version: fc.constantFrom(1 as const, 2 as const),
  status: fc.constantFrom('sent' as const, 'delivered' as const, 'failed' as const),
  clickedAt: fc.option(aTime, { nil: null }),
  credits: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: events.length - 1 }), fc.constantFrom(1 as const, 2 as const), aTime), {
    maxLength: 5,
    selector: ([e, v]) => `${e}:${v}`,
  }),
});
const aRange = fc.record({
  version: fc.option(fc.constantFrom(1, 2), { nil: undefined }),
  from: fc.option(fc.constantFrom('2026-11-02', '2026-11-03', '2026-11-04'), { nil: undefined }),
  to: fc.option(fc.constantFrom('2026-11-03', '2026-11-04', '2026-11-06'), { nil: undefined }),
});

describe("a node's funnel, counted in SQLite", () => {
  // one database for the whole property (each case rewrites its rows)
  const dir = mkdtempSync(join(tmpdir(), 'funnel-steps-'));
  let db: Db;
  beforeAll(() => {
    db = openDatabase(join(dir, 'f.db'));
  });
  afterAll(() => {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The passes written as the engine writes them: a run with its path, its message at `n` (clicked_at kept by the click recorder), its conversions. */
  function write(passes: Pass[]): void {
    const c = db.$client;
    c.exec('delete from runs; delete from messages; delete from conversions');
    const run = c.prepare(`insert into runs (id, journey_id, version_id, contact_id, node_id, status, visit, entered_at, node_entered_at, path) values (?, 'j', 1, ?, 'n', 'waiting', 1, 0, 0, ?)`);
    const message = c.prepare(
      `insert into messages (run_id, journey_id, version, node_id, visit, contact_id, channel, template, category, status, clicked_at, created_at, updated_at)
       values (?, 'j', ?, 'n', 1, ?, 'sms', 't', 'marketing', ?, ?, ?, ?)`,
    );
    const credit = c.prepare(`insert into conversions (event_id, run_id, contact_id, journey_id, version, node_id, goal, at) values (0, ?, ?, 'j', ?, 'n', ?, ?)`);
    c.transaction(() =>
      passes.forEach((p, i) => {
        const id = i + 1;
        // the visit at n, after a visit elsewhere and before a later one there (the first in range counts)
        run.run(
          id,
          id,
          JSON.stringify([
            ['entry', 1, p.start - HOUR, null],
            ['n', 1, p.start, null],
            ['n', 2, p.start + 3 * DAY, null],
          ]),
        );
        message.run(id, p.version, id, p.status, p.clickedAt, p.start, p.start);
        for (const [e, v, at] of p.credits) credit.run(id, id, v, events[e], at);
      }),
    )();
  }

  /** What shared/analytics/funnel.ts says the bars below the first are, from the passes in range read in memory. */
  function expected(passes: Pass[], kind: 'clicked' | 'credited sends' | 'credited visits', r: { version?: number | undefined; from?: string | undefined; to?: string | undefined }): number[] {
    const from = r.from ? Date.parse(r.from) : 0;
    const to = r.to ? Date.parse(r.to) + DAY : Infinity;
    const out: Passage[] = [];
    for (const p of passes) {
      const firsts: Record<string, number> = {};
      for (const [e, v, at] of p.credits) {
        const name = events[e] as string;
        if (r.version === undefined || v === r.version) firsts[name] = Math.min(firsts[name] ?? Infinity, at);
      }
      if (kind === 'credited visits') {
        const visit = [p.start, p.start + 3 * DAY].find((t) => t >= from && t < to);
        if (visit !== undefined && Object.keys(firsts).length > 0) out.push({ start: visit, events: firsts });
        continue;
      }
      const sent = p.status !== 'failed' && p.start >= from && p.start < to && (r.version === undefined || p.version === r.version);
      if (sent && (kind === 'clicked' ? p.clickedAt !== null : Object.keys(firsts).length > 0)) out.push({ start: p.start, clickedAt: p.clickedAt, events: firsts });
    }
    return sequentialFunnel(out, events, { click: kind === 'clicked' }).slice(1);
  }

  it('equals the sequential funnel of shared/ over every pass read in memory, for clicked sends, credited sends and credited visits', () => {
    const funnel = createFunnelSteps(db);
    fc.assert(
      fc.property(fc.array(aPass, { maxLength: 25 }), aRange, (passes, range) => {
        write(passes);
        for (const [kind, send] of [
          ['clicked', { channel: 'sms' }],
          ['credited sends', { channel: 'voice' }],
          ['credited visits', null],
        ] as const) {
          const steps = funnel.steps({ journeyId: 'j', ...range }, 'n', send, events, 1000);
          expect(steps[0]?.count, kind).toBe(1000);
          expect(
            steps.slice(1).map((s) => s.count),
            kind,
          ).toEqual(expected(passes, kind, range));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a journey that tracks no event: sent and clicked only', () => {
    write([{ start: T0, version: 1, status: 'sent', clickedAt: T0 + MINUTE, credits: [[0, 1, T0 + HOUR]] }]);
    expect(
      createFunnelSteps(db)
        .steps({ journeyId: 'j' }, 'n', { channel: 'sms' }, [], 1)
        .map((s) => [s.key, s.count]),
    ).toEqual([
      ['sent', 1],
      ['clicked', 1],
    ]);
  });
});

describe('the click recorder keeps each message’s first click for the funnel', () => {
  let w: TestWorld;
  afterEach(() => w.close());

  it('the earliest click, whatever order clicks are recorded in; the funnel counts the message once', async () => {
    w = aTestWorld(T0, { sandbox: silentSms });
    const journeyId = await w.publish(sendOnEventGraph());
    w.services.ingest.ingest([{ type: 'track', userId: 'a', event: 'credit_rejected' }]);
    await w.caller.dev.advanceClock({ ms: MINUTE });
    const [link] = w.sql<{ code: string; message_id: number }>('select code, message_id from links');
    if (!link) throw new Error('no message was sent');
    const clickedAt = () => w.sql<{ clicked_at: number | null }>('select clicked_at from messages where id = ?', link.message_id)[0]?.clicked_at;
    expect(clickedAt()).toBeNull();

    // a tap reported late (the sandbox's, or a gateway's) carries an earlier time than one already recorded
    const now = T0 + HOUR;
    w.services.engine.clicks(link.code, T0 + 30 * MINUTE, now, null);
    expect(clickedAt()).toBe(T0 + 30 * MINUTE);
    w.services.engine.clicks(link.code, T0 + 10 * MINUTE, now, null);
    expect(clickedAt()).toBe(T0 + 10 * MINUTE);
    w.services.engine.clicks(link.code, T0 + 50 * MINUTE, now, null);
    expect(clickedAt()).toBe(T0 + 10 * MINUTE);

    const f = await w.caller.analytics.nodeFunnel({ journeyId, nodeId: 'sms' });
    expect(f.steps.slice(0, 2).map((s) => [s.key, s.count])).toEqual([
      ['sent', 1],
      ['clicked', 1],
    ]);
  });
});
