import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { compile } from '../../shared/journey/compile';
import { DAY } from '../../shared/util/time';
import { buildBaseCopy, planCopy, shareOf } from './copy';
import { E, S, blueprint1, timeOf, fixture, useRecordedWorlds } from './testFixture';

const recorded = useRecordedWorlds('backtest-copy');

describe("a backtest's copies", () => {
  it('hold the configuration and the events as the plan read them, whenever each share is copied after it', () => {
    const w = recorded.world(E + DAY, { during: true });
    const segments = new Set(w.sql<{ key: string }>('select key from segments').map((r) => r.key));
    const templates = new Map(w.sql<{ key: string; channel: 'sms' }>('select key, channel from templates').map((r) => [r.key, r.channel]));
    const compiled = compile(blueprint1(), { templates, segments });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
    const plan = planCopy(w.dbPath, [compiled.value], S, E);
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
});
