import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../shared/util/time';
import { startServer, type RunningServer } from '../app';
import { CatchUpClock } from './catchUpClock';
import { prepareDemo, type DemoOptions, type RunningDemo } from './start';
import type { ReplayReport } from './replay';
import { generatePopulation } from './population';

describe('the catch-up clock', () => {
  it('is simulated until it reaches the wall clock, then follows it, and never goes back', () => {
    let wall = 1_000_000;
    const clock = new CatchUpClock(wall - DAY, () => wall);
    expect(clock.kind).toBe('real');
    expect(clock.now()).toBe(wall - DAY);
    expect(clock.moveTo(wall - DAY + MINUTE)).toBe(wall - DAY + MINUTE);
    expect(clock.moveTo(wall - 2 * DAY)).toBe(wall - DAY + MINUTE);
    expect(clock.caughtUp).toBe(false);
    clock.moveTo(wall + MINUTE);
    expect(clock.caughtUp).toBe(true);
    wall += 5000;
    expect(clock.now()).toBe(wall);
    expect(clock.moveTo(0)).toBe(wall);
  });
});

describe('the living demo, small: 2,000 contacts, 7 days replayed, stopped and resumed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'demo-replay-'));
  const dbPath = join(dir, 'demo.db');
  const logs: string[] = [];
  let days = 0;
  let first: RunningDemo | null = null;
  const options: DemoOptions = {
    contacts: 2000,
    seed: 7,
    replayDays: 7,
    horizonDays: 2,
    budgetMs: 20_000,
    log: (m) => {
      logs.push(m);
      // the server is stopped two simulated days in
      if (m.startsWith('demo: replayed to') && ++days === 2) void first?.stop();
    },
  };
  let server: RunningServer;
  let demo: RunningDemo;
  let stoppedAt: ReplayReport;
  let report: ReplayReport;

  beforeAll(async () => {
    const prepared = prepareDemo(dbPath, options, {});
    expect(prepared).not.toBeNull();
    const firstServer = await startServer({ port: 0, databasePath: dbPath, seedDemo: true, log: () => {}, ...prepared!.serverOptions });
    first = prepared!.start(firstServer);
    stoppedAt = (await first.ready)!;
    await first.stop();
    await firstServer.close();

    const again = prepareDemo(dbPath, { ...options, contacts: 1, seed: 1 }, {});
    expect(again).not.toBeNull();
    server = await startServer({ port: 0, databasePath: dbPath, seedDemo: true, log: () => {}, ...again!.serverOptions });
    demo = again!.start(server);
    report = (await demo.ready)!;
  }, 30_000);

  afterAll(async () => {
    await demo?.stop();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const q = <T>(sql: string) => server.db.$client.prepare<[], T>(sql).all();

  it('stops between steps when the server closes, and resumes where it stopped', () => {
    expect(stoppedAt.to - stoppedAt.from).toBeLessThan(3 * DAY);
    // from the last thing the workspace recorded, which may be a quiet hour or two before the clock stopped
    expect(report.from).toBeLessThanOrEqual(stoppedAt.to);
    expect(report.from).toBeGreaterThan(stoppedAt.to - 12 * HOUR);
    expect(logs.some((l) => l.startsWith('demo: resuming the demo population (seed 7, 2,000 contacts)'))).toBe(true);
  });

  it('ends caught up with the wall clock, on a real clock without dev procedures', async () => {
    expect(report.to - stoppedAt.from).toBeGreaterThan(7 * DAY - 10 * MINUTE);
    expect(Math.abs(server.clock.now() - Date.now())).toBeLessThan(1000);
    expect(server.clock.kind).toBe('real');
    expect(server.services.simulation).toBeNull();
    const res = await fetch(`${server.url}/trpc/dev.now`);
    expect(res.status).toBe(404);
    expect(logs.some((l) => l.includes('caught up with the wall clock'))).toBe(true);
  });

  it('publishes the six blueprints and sends messages on each', () => {
    const rows = q<{ name: string; status: string; sent: number }>(
      `select j.name, j.status, (select count(*) from messages m where m.journey_id = j.id and m.status in ('sent', 'delivered')) sent from journeys j order by j.name`,
    );
    expect(rows).toHaveLength(6);
    for (const r of rows) {
      expect(r.status, r.name).toBe('live');
      expect(r.sent, r.name).toBeGreaterThan(0);
    }
  });

  it('records clicks through tracked links and credits conversions to the journeys', () => {
    const [clicks] = q<{ n: number }>(`select count(*) n from clicks where user_agent = 'sandbox'`);
    expect(clicks!.n).toBeGreaterThan(5);
    const converted = q<{ journey_id: string }>(`select distinct journey_id from conversions`);
    expect(converted.length).toBeGreaterThanOrEqual(4);
    // replies arrive as events carrying the message they answer
    const [replies] = q<{ n: number }>(`select count(*) n from events where json_extract(properties, '$.message_key') is not null`);
    expect(replies!.n).toBeGreaterThan(20);
  });

  it('fed the population through ingestion: every sign-up of the week, organic events at their own times', () => {
    // everyone who signed up by the time the replay caught up is there (and nobody from the future)
    const signedUp = (until: number) => generatePopulation({ contacts: 2000, seed: 7, anchor: stoppedAt.from + 7 * DAY, until }).stories.length;
    const [contacts] = q<{ n: number }>(`select count(*) n from contacts`);
    expect(contacts!.n).toBeGreaterThanOrEqual(signedUp(report.to - 1000));
    expect(contacts!.n).toBeLessThanOrEqual(signedUp(Date.now()));
    const [fresh] = q<{ n: number }>(`select count(*) n from contacts where registered_at > ${stoppedAt.from}`);
    expect(fresh!.n).toBeGreaterThan(20);
    const [seen] = q<{ n: number; late: number }>(
      `select count(*) n, sum(received_at - at > 60000) late from events where at > ${stoppedAt.from} and json_extract(properties, '$.message_key') is null and name = 'app_login'`,
    );
    expect(seen!.n).toBeGreaterThan(200);
    // each call went in when its time came, not in a batch at the end of a step
    expect(seen!.late).toBe(0);
  });

  it('leaves a database it did not seed alone', async () => {
    const other = join(dir, 'other.db');
    const s = await startServer({ port: 0, databasePath: other, seedDemo: true, log: () => {}, clock: 'fake' });
    await s.close();
    expect(prepareDemo(other, options, {})).toBeNull();
  });
});
