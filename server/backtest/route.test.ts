import { afterEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import { compile } from '../../shared/journey/compile';
import { createBacktestEngine } from './engine';
import { createHeldRouter } from './route';

let w: TestWorld;
afterEach(() => w.close());

const machine = () => {
  const r = compile(aGraph().node('entry', 'trigger.event', { event: 'credit_rejected' }).node('done', 'exit', { reason: 'done' }).then('entry', 'done').build(), {
    templates: new Map(),
    segments: new Set(),
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
};

describe("the backtest's router, told which event names are read back", () => {
  it('writes rows only for those; any other event still wakes its sleeping contact, as the events trigger would; a system event wakes no one', () => {
    w = aTestWorld();
    w.services.ingest.ingest(['a', 'b'].map((userId) => ({ type: 'identify' as const, userId, traits: {} })));
    const [a, b] = w.sql<{ id: number }>('select id from contacts order by id').map((r) => r.id) as [number, number];
    w.db.$client.prepare('update contacts set sleeping_since = ?').run(w.clock.now() - 1000);
    const before = w.sql<{ n: number }>('select count(*) n from events')[0]?.n;
    const engine = createBacktestEngine(w.db, () => w.services.workspace.settings(), machine());
    const router = createHeldRouter(w.db, engine.events, engine.live, new Set(['app_login']));
    const now = w.clock.now();
    w.db.$client.exec('begin');
    router.record({ contactId: a, name: 'loan_drawn', type: 'track', properties: {}, at: now, messageId: null }, now);
    router.record({ contactId: b, name: 'loan_drawn', type: 'system', properties: {}, at: now, messageId: null }, now);
    router.record({ contactId: b, name: 'app_login', type: 'track', properties: {}, at: now, messageId: null }, now);
    router.flush();
    w.db.$client.exec('commit');
    // one row: the login, which something reads back
    expect(w.sql('select contact_id, name from events order by id').slice(before)).toEqual([{ contact_id: b, name: 'app_login' }]);
    // a woken by a loan drawn (no row), b by its login (the trigger)
    expect(w.sql('select id, sleeping_since from contacts order by id')).toEqual([
      { id: a, sleeping_since: null },
      { id: b, sleeping_since: null },
    ]);
  });

  it('wakes no one for a system event it writes no row for', () => {
    w = aTestWorld();
    w.services.ingest.ingest([{ type: 'identify' as const, userId: 'a', traits: {} }]);
    const since = w.clock.now() - 1000;
    w.db.$client.prepare('update contacts set sleeping_since = ?').run(since);
    const engine = createBacktestEngine(w.db, () => w.services.workspace.settings(), machine());
    const router = createHeldRouter(w.db, engine.events, engine.live, new Set(['app_login']));
    const a = w.sql<{ id: number }>('select id from contacts')[0]?.id as number;
    router.record({ contactId: a, name: 'loan_drawn', type: 'system', properties: {}, at: w.clock.now(), messageId: null }, w.clock.now());
    router.flush();
    expect(w.sql('select sleeping_since from contacts')).toEqual([{ sleeping_since: since }]);
  });
});
