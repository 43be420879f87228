import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DAY } from '../../shared/util/time';
import { buildBaseCopy, planCopy, shareOf } from './copy';
import { compileDraft } from './run';
import { E, S, blueprint1, timeOf, fixture, useRecordedWorlds } from './testFixture';

const recorded = useRecordedWorlds('backtest-copy');

describe("a backtest's copies", () => {
  it('hold the configuration and the events as the plan read them, whenever each share is copied after it', () => {
    const w = recorded.world(E + DAY, { during: true });
    const machine = compileDraft(w.dbPath, blueprint1());
    const plan = planCopy(w.dbPath, [machine], S, E);
    const policyThen = w.sql<{ policy: string }>('select policy from workspace')[0]?.policy;
    const eventsThen = fixture().during.filter((c) => timeOf(c) <= E).length;
    expect(eventsThen).toBeGreaterThan(0);

    // while the shares are being copied, an admin edits the policy and an event arrives for a candidate
    w.db.$client.prepare(`update workspace set policy = json_set(policy, '$.quietHours.enabled', json('false'))`).run();
    const candidate = plan.ids[0] as number;
    w.db.$client.prepare(`insert into events (contact_id, name, type, properties, at, received_at) values (?, 'app_login', 'track', '{}', ?, ?)`).run(candidate, S + DAY, E + DAY);

    const shares = [0, 1].map((i) => buildBaseCopy(w.dbPath, recorded.dir(`share-${i}`), shareOf(plan, i, 2), S, E, 2));
    for (const base of shares) {
      const copy = new Database(base.path, { readonly: true });
      expect(copy.prepare('select policy from workspace').pluck().get()).toBe(policyThen);
      copy.close();
    }
    // the late event is in no share; every share's events together are the window's as the plan saw it
    const replayed = shares.flatMap((b) => b.events);
    expect(replayed.some(([contactId, name, , , , at]) => contactId === candidate && name === 'app_login' && at === S + DAY)).toBe(false);
    expect(shares.map((b) => b.contacts).reduce((a, b) => a + b, 0)).toBe(plan.ids.length);
  });

  it("hold exactly the candidates' look-back events and return exactly their window's events, in time order", () => {
    const w = recorded.world(E + DAY, { during: true });
    const machine = compileDraft(w.dbPath, blueprint1());
    // rejections (the contact policy's cooldown reads them back): a candidate's just before its look-back, at its start and
    // at the window's start's last moment, and a non-candidate's
    const planned = planCopy(w.dbPath, [machine], S, E);
    const [candidate] = planned.ids;
    const outsider = w.sql<{ id: number }>(`select id from contacts where id not in (${planned.ids.join(', ')}) limit 1`)[0]?.id;
    if (candidate === undefined || outsider === undefined) throw new Error('the fixture needs a candidate and a contact who is none');
    const since = new Map(planned.since);
    const cooldownFrom = since.get('credit_rejected');
    if (cooldownFrom === undefined) throw new Error('the rejection cooldown reads credit_rejected back');
    const reject = w.db.$client.prepare(`insert into events (contact_id, name, type, properties, at, received_at) values (?, 'credit_rejected', 'track', '{}', ?, ?)`);
    const inserted = (
      [
        [candidate, cooldownFrom - 1],
        [candidate, cooldownFrom],
        [candidate, S - 1],
        [outsider, S - DAY],
      ] as const
    ).map(([contact, at]) => ({ id: Number(reject.run(contact, at, at).lastInsertRowid), at }));
    const plan = planCopy(w.dbPath, [machine], S, E);

    const src = new Database(w.dbPath, { readonly: true });
    const ids = new Set(plan.ids);
    const lookBack = src
      .prepare<[number], { id: number; contact_id: number; name: string; at: number }>('select id, contact_id, name, at from events where at < ? order by id')
      .all(S)
      .filter((e) => ids.has(e.contact_id) && e.at >= (new Map(plan.since).get(e.name) ?? Infinity))
      .map((e) => e.id);
    const window = src
      .prepare<[number, number], { contact_id: number; name: string; at: number }>('select contact_id, name, at from events where at >= ? and at <= ? order by at, id')
      .all(S, E)
      .filter((e) => ids.has(e.contact_id) && plan.names.includes(e.name))
      .map((e) => [e.contact_id, e.name, e.at]);
    src.close();
    expect(lookBack.length).toBeGreaterThan(0);
    expect(window.length).toBeGreaterThan(0);

    const shares = [0, 1].map((i) => buildBaseCopy(w.dbPath, recorded.dir(`exact-${i}`), shareOf(plan, i, 2), S, E, 2));
    const copied = shares.flatMap((b) => {
      const copy = new Database(b.path, { readonly: true });
      const rows = copy.prepare<[], number>('select id from events').pluck().all();
      copy.close();
      expect(rows.length).toBe(b.history);
      return rows;
    });
    expect(copied.sort((a, b) => a - b)).toEqual(lookBack);
    // of the four: the candidate's from the look-back's first moment to the window's start, not the one before, not the outsider's
    expect(inserted.filter((r) => copied.includes(r.id)).map((r) => r.at)).toEqual([cooldownFrom, S - 1]);
    // each share's events in time order; together, the window's
    for (const b of shares) expect(b.events.map(([, , , , , at]) => at)).toEqual(b.events.map(([, , , , , at]) => at).sort((x, y) => x - y));
    const replayed = shares.flatMap((b) => b.events.map(([contactId, name, , , , at]) => [contactId, name, at]));
    const key = (e: unknown[]) => JSON.stringify(e);
    expect(replayed.map(key).sort()).toEqual(window.map(key).sort());
  });
});
