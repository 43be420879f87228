import { afterEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { aGraph } from '../../shared/fixtures/builders';
import { inGlobalControl } from '../../shared/analytics/globalControl';

/** 12:00 in Shanghai, Mon 2 Nov 2026: no quiet hours in the way. */
const NOON_SH = Date.UTC(2026, 10, 2, 4, 0);
const N = 200;

/** The workspace's global control group, end to end: the engine withholds every marketing message from its contacts, and only from them. */
describe('global control group in the engine', () => {
  let w: TestWorld;
  afterEach(() => w.close());

  const journey = (template: string, channel: 'sms' | 'push') =>
    aGraph()
      .node('entry', 'trigger.event', { event: 'credit_rejected' })
      .node('send_1', 'send', { channel, template, whenCapped: 'skip' })
      .node('done', 'exit', { reason: 'sent' })
      .then('entry', 'send_1')
      .then('send_1', 'done')
      .build();

  async function run(template: string, channel: 'sms' | 'push', globalControl: number | undefined) {
    w = aTestWorld(NOON_SH);
    await w.caller.policy.set({ ...(await w.caller.policy.get()), ...(globalControl === undefined ? {} : { globalControl }) });
    await w.publish(journey(template, channel), 'J');
    w.services.ingest.ingest(Array.from({ length: N }, (_, i) => ({ type: 'identify' as const, userId: `u${i}`, traits: { phone: `+86138${String(i).padStart(8, '0')}`, name: `u${i}` } })));
    w.services.ingest.ingest(Array.from({ length: N }, (_, i) => ({ type: 'track' as const, userId: `u${i}`, event: 'credit_rejected' })));
    await w.caller.dev.advanceClock({ ms: 0 });
    return w.sql<{ contact_id: number; status: string; reason: string | null }>(`select contact_id, status, reason from messages order by contact_id`);
  }

  it('a 20 % control group gets no marketing message: suppressed with reason global_control, exactly the hashed contacts', async () => {
    const rows = await run('recall_sms', 'sms', 20);
    expect(rows).toHaveLength(N);
    const control = rows.filter((r) => inGlobalControl(r.contact_id, 20));
    expect(control.length).toBeGreaterThan(0);
    expect(control.length).toBeLessThan(N);
    for (const r of rows) {
      if (inGlobalControl(r.contact_id, 20)) expect(r).toMatchObject({ status: 'suppressed', reason: 'global_control' });
      else expect(r.status).toMatch(/^(sent|delivered)$/);
    }
    const tl = await w.caller.contacts.timeline({ externalId: w.sql<{ external_id: string }>('select external_id from contacts where id = ?', control[0]?.contact_id)[0]?.external_id ?? '' });
    expect(tl.messages[0]?.history.map((h) => h.decision)).toEqual(['suppressed: in the global control group (no marketing)']);
  });

  it('without the setting nobody is held back', async () => {
    const rows = await run('recall_sms', 'sms', undefined);
    expect(rows.filter((r) => r.status === 'suppressed')).toEqual([]);
  });

  it('transactional messages (repayment reminders) still reach the control group', async () => {
    const rows = await run('repay_push_d1', 'push', 20);
    expect(rows.some((r) => inGlobalControl(r.contact_id, 20))).toBe(true);
    expect(rows.filter((r) => r.status === 'suppressed')).toEqual([]);
  });

  it('policy.set rejects a share over 50 % naming the field', async () => {
    w = aTestWorld(NOON_SH);
    await expect(w.caller.policy.set({ ...(await w.caller.policy.get()), globalControl: 80 })).rejects.toThrow(/globalControl|at most 50/);
  });
});
