import { afterEach, describe, expect, it } from 'vitest';
import { aTestWorld, silentSms, type TestWorld } from '../testing/harness';
import { rejection } from '../testing/rejection';
import { aGraph, smsThenCallGraph } from '../../shared/fixtures/builders';
import type { ChannelProvider, OutboundMessage } from '../channels/provider';

let w: TestWorld;
afterEach(() => w.close());

const REAL_PHONE = '+8613900000001';
const TEST_PHONE = '+8613800000009';

/** A world with one real contact (traits that show in the copy), a test contact, and blueprint 1's shape as a draft. */
async function aDraftWithContacts(opts: Parameters<typeof aTestWorld>[1] = { sandbox: silentSms }) {
  w = aTestWorld(undefined, opts);
  w.services.ingest.ingest([{ type: 'identify', userId: 'real-1', traits: { name: '王芳', phone: REAL_PHONE, limit: 8000, daily_rate: 0.3 } }]);
  const { id: journeyId } = await w.caller.journeys.create({ name: 'Recall' });
  await w.caller.journeys.saveDraft({ id: journeyId, graph: smsThenCallGraph() });
  const tester = await w.caller.testing.addContact({ name: 'Olga', phone: '+86 138 0000 0009' });
  return { journeyId, tester };
}

/** Rows of the tables a real message lands in or is counted by. */
const counted = () => ({
  messages: w.sql('select * from messages').length,
  metrics: w.sql('select * from metrics').length,
  runs: w.sql('select * from runs').length,
  links: w.sql('select * from links').length,
  events: w.sql('select * from events').length,
  scheduled: w.sql('select * from scheduled_events').length,
});

describe('testing.send', () => {
  it('renders the chosen variant with the real contact’s traits and sends it through the sandbox to the test phone only, as a test', async () => {
    const { journeyId, tester } = await aDraftWithContacts();
    const { caller } = w.as(['operator'], 'olga');
    const before = counted();
    const sent = await caller.testing.send({ journeyId, nodeId: 'sms', variant: 'b', externalId: 'real-1', to: { testContactId: tester.id } });
    expect(sent).toMatchObject({ status: 'delivered', channel: 'sms', template: 'recall_sms', variant: 'b', to: TEST_PHONE, contactExternalId: 'real-1', sentBy: 'olga', provider: 'sandbox:sms' });
    expect(sent.body).toContain('首笔5000元30天免息');
    // the sandbox received exactly one message, addressed to the test phone, and nothing went to the real contact
    const deliveries = w.sql<{ to: string; body: string; message_id: number }>('select "to", body, message_id from sandbox_deliveries');
    expect(deliveries).toEqual([{ to: TEST_PHONE, body: sent.body, message_id: -sent.id }]);
    // a test is in no outbox, run, counter, link or simulated reply
    expect(counted()).toEqual(before);
    expect(await w.caller.testing.sends({ journeyId })).toEqual([sent]);
    const audit = w.sql<{ actor_login: string; object_type: string; object_id: string }>("select actor_login, object_type, object_id from audit_events where action = 'testing.send'");
    expect(audit).toEqual([{ actor_login: 'olga', object_type: 'test_send', object_id: String(sent.id) }]);
  });

  it('the copy is filled from the contact’s traits (variant a names them and their limit)', async () => {
    const { journeyId, tester } = await aDraftWithContacts();
    const sent = await w.caller.testing.send({ journeyId, nodeId: 'sms', variant: 'a', externalId: 'real-1', to: { address: '13800000009' } }).catch(() => null);
    // "13800000009" without the +86 is another spelling: only the list's own number (any punctuation) is a test contact
    expect(sent).toBeNull();
    const ok = await w.caller.testing.send({ journeyId, nodeId: 'sms', variant: 'a', externalId: 'real-1', to: { address: '+86 138-0000-0009' } });
    expect(ok.testContactId).toBe(tester.id);
    expect(ok.body).toContain('王芳');
    expect(ok.body).toContain('8,000');
    // links print their target, never a tracked code that would count a click
    expect(ok.body).toContain('https://m.orangecredit.example/limit');
    expect(ok.body).not.toContain('/l/');
  });

  it('refuses a recipient not on the test list, a push node, an unknown contact or variant, before anything is sent', async () => {
    const { journeyId } = await aDraftWithContacts();
    const notListed = await rejection(w.caller.testing.send({ journeyId, nodeId: 'sms', externalId: 'real-1', to: { address: REAL_PHONE } }));
    expect(notListed).toMatchObject({ code: 'BAD_REQUEST' });
    expect(notListed.message).toBe(`${REAL_PHONE} is not on the workspace's test list (Settings → Test contacts): a test goes only to the team's own phones and inboxes`);
    expect(await rejection(w.caller.testing.send({ journeyId, nodeId: 'sms', externalId: 'real-1', to: { testContactId: 999 } }))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await rejection(w.caller.testing.send({ journeyId, nodeId: 'sms', externalId: 'nobody', to: { testContactId: 1 } }))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'contact "nobody" does not exist',
    });
    expect((await rejection(w.caller.testing.send({ journeyId, nodeId: 'sms', variant: 'z', externalId: 'real-1', to: { testContactId: 1 } }))).message).toMatch(/has no variant "z" \(it has a, b\)/);
    expect((await rejection(w.caller.testing.send({ journeyId, nodeId: 'wait', externalId: 'real-1', to: { testContactId: 1 } }))).message).toMatch(/is not a send node/);
    const push = aGraph().node('entry', 'trigger.event', { event: 'x' }).node('push', 'send', { channel: 'push', template: 'idle_push' }).then('entry', 'push').build();
    await w.caller.journeys.saveDraft({ id: journeyId, graph: push });
    expect((await rejection(w.caller.testing.send({ journeyId, nodeId: 'push', externalId: 'real-1', to: { testContactId: 1 } }))).message).toMatch(/a Push message has no test send/);
    const { caller } = w.as(['copywriter']);
    expect(await rejection(caller.testing.send({ journeyId, nodeId: 'sms', externalId: 'real-1', to: { testContactId: 1 } }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(w.sql('select * from sandbox_deliveries')).toEqual([]);
    expect(w.sql('select * from test_sends')).toEqual([]);
    expect(w.sql("select * from audit_events where action = 'testing.send'")).toEqual([]);
  });

  it('goes through the configured provider, marked as a test, and records its failure', async () => {
    const seen: OutboundMessage[] = [];
    const vendor: ChannelProvider = {
      name: 'webhook:https://sms.example',
      send: async (m) => {
        seen.push(m);
        return { status: 'failed', retry: true, error: 'HTTP 503' };
      },
    };
    const { journeyId, tester } = await aDraftWithContacts({ providers: { sms: vendor } });
    const sent = await w.caller.testing.send({ journeyId, nodeId: 'sms', externalId: 'real-1', to: { testContactId: tester.id } });
    expect(sent).toMatchObject({ status: 'failed', error: 'HTTP 503', provider: 'webhook:https://sms.example' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ test: true, key: `test:${sent.id}`, to: { contactId: 0, externalId: null, phone: TEST_PHONE, email: null } });
  });
});
