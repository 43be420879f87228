import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase, type Db } from '../db/client';
import { contacts } from '../db/schema';
import { maxPreviewSample, maxSlice, minSlice, nextSliceSize, scanPreview, type PreviewBounds, type SampleContact } from './previewScan';

const CONTACTS = 1000;
const DAY = 86_400_000;
let db: Db;

/** Every third contact is on Android; registrations are shuffled against ids, and every tenth has none. */
beforeAll(() => {
  db = openDatabase(':memory:');
  const insert = db.$client.prepare(`insert into contacts (external_id, traits, opt_outs, registered_at, created_at, updated_at) values (?, ?, '[]', ?, 0, 0)`);
  db.$client.transaction(() => {
    for (let i = 1; i <= CONTACTS; i++) insert.run(`u${i}`, JSON.stringify({ os: i % 3 === 0 ? 'android' : 'ios' }), i % 10 === 0 ? null : ((i * 7919) % CONTACTS) * DAY);
  })();
});
afterAll(() => db.$client.close());

const android = sql`${contacts.traits} ->> 'os' = 'android'`;

/** What one unbounded statement says over the contacts with ids above `above`. */
function plain(above: number, n: number, rule = android): { count: number; sample: SampleContact[] } {
  const where = sql`${rule} and ${contacts.id} > ${above}`;
  const count =
    db
      .select({ n: sql<number>`count(*)` })
      .from(contacts)
      .where(where)
      .get()?.n ?? 0;
  const sample = db
    .select({ id: contacts.id, externalId: contacts.externalId, traits: contacts.traits, registeredAt: contacts.registeredAt })
    .from(contacts)
    .where(where)
    .orderBy(sql`${contacts.registeredAt} desc, ${contacts.id} desc`)
    .limit(n)
    .all();
  return { count, sample };
}

/** Bounds whose clock moves only as `step` says: each reading advances it by `step` ms. */
function scripted(step: number, over: Partial<PreviewBounds> = {}): PreviewBounds & { yields: number } {
  let t = 0;
  const b = {
    budgetMs: 1000,
    sliceMs: 20,
    firstSlice: 64,
    timer: () => (t += step),
    yields: 0,
    yieldNow: () => {
      b.yields++;
      return Promise.resolve();
    },
    ...over,
  };
  return b;
}

describe('scanPreview', () => {
  it('counts every match and samples the newest registrations, reading slice by slice with a turn for others between', async () => {
    const bounds = scripted(0);
    const r = await scanPreview(db, android, 25, bounds);
    expect(r).toEqual({ ...plain(0, 25), capped: false, scanned: CONTACTS });
    expect(r.sample).toHaveLength(25);
    // slices of 64, 128, 256 and 512 contacts (time stands still, so each doubles), then the last 40: a yield between each two
    expect(bounds.yields).toBe(4);
  });

  it('stops when the time budget is spent, saying the count is capped and over which newest contacts', async () => {
    // every reading of the clock is 10 ms later: the budget of 45 ms lasts two slices
    const r = await scanPreview(db, android, 5, scripted(10, { budgetMs: 45 }));
    expect(r.capped).toBe(true);
    expect(r.scanned).toBeGreaterThan(0);
    expect(r.scanned).toBeLessThan(CONTACTS);
    // the count and sample are those of the newest `scanned` contacts, exactly
    expect({ count: r.count, sample: r.sample }).toEqual(plain(CONTACTS - r.scanned, 5));
    expect(r.count).toBeLessThan(plain(0, 0).count);
  });

  it('reads one slice even on a spent budget, so a preview always answers with something', async () => {
    const r = await scanPreview(db, android, 3, scripted(1000, { budgetMs: 0, firstSlice: 100 }));
    expect(r).toEqual({ ...plain(CONTACTS - 100, 3), capped: true, scanned: 100 });
  });

  it(`returns at most ${maxPreviewSample} sample contacts, whatever is asked`, async () => {
    const r = await scanPreview(db, sql`1`, 10_000, scripted(0));
    expect(r.count).toBe(CONTACTS);
    expect(r.sample).toHaveLength(maxPreviewSample);
    expect(r.sample).toEqual(plain(0, maxPreviewSample, sql`1`).sample);
  });

  it('lets other work run while it counts (the real yield is a macrotask turn)', async () => {
    const order: string[] = [];
    const bounds: PreviewBounds = { budgetMs: 1000, sliceMs: 20, firstSlice: 64, timer: () => 0, yieldNow: () => new Promise((resolve) => setImmediate(resolve)) };
    const preview = scanPreview(db, android, 0, bounds).then(() => order.push('preview'));
    setImmediate(() => order.push('other request'));
    await preview;
    expect(order).toEqual(['other request', 'preview']);
  });

  it('answers over an empty table at once', async () => {
    const empty = openDatabase(':memory:');
    expect(await scanPreview(empty, android, 10, scripted(0))).toEqual({ count: 0, capped: false, scanned: 0, sample: [] });
    empty.$client.close();
  });
});

describe('nextSliceSize', () => {
  it('aims the next slice at sliceMs from how long this one took', () => {
    expect(nextSliceSize(4000, 40, 20)).toBe(2000);
    expect(nextSliceSize(4000, 16, 20)).toBe(5000);
  });

  it('at most doubles, and stays within its floor and ceiling', () => {
    expect(nextSliceSize(1000, 1, 20)).toBe(2000);
    expect(nextSliceSize(1000, 0, 20)).toBe(2000);
    expect(nextSliceSize(1000, 100_000, 20)).toBe(minSlice);
    expect(nextSliceSize(maxSlice, 1, 20)).toBe(maxSlice);
  });
});
