import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { writeApart } from '../db/writeGate';
import { journeys, testSends, type TestSendStatus } from '../db/schema';
import type { Clock } from '../clock';
import type { Channel } from '../../shared/journey/channels';
import { channelLabels } from '../../shared/journey/channels';
import { JourneyGraph, nodeTitle } from '../../shared/journey/graph';
import { nodeKinds } from '../../shared/journey/registry';
import { isTestChannel, testChannels } from '../../shared/testSends/testContact';
import type { ChannelProvider, DeliveryResult, OutboundMessage } from '../channels/provider';
import { renderVariant } from '../templates/render';
import type { TemplateStore } from '../templates/store';
import { notFound, refuse } from '../services/errors';
import { listParam } from '../../shared/i18n/serverMessages';
import type { TestContacts } from './testContacts';

export interface TestSendDeps {
  db: Db;
  clock: Clock;
  templates: TemplateStore;
  /** the providers the dispatcher sends through (the configured one per channel, else the sandbox) */
  providers: () => Record<Channel, ChannelProvider>;
  /** the workspace's time zone, for a contact without one */
  timezone: () => string;
  testContacts: TestContacts;
}

export interface TestSendInput {
  journeyId: string;
  nodeId: string;
  /** the variant to render (default: the template's first) */
  variant?: string | undefined;
  /** the real contact whose traits fill the copy; never an address of the message */
  externalId: string;
  /** the recipient: a test contact by id, or a phone or email that must be on the test list */
  to: { testContactId: number } | { address: string };
}

export type TestSend = typeof testSends.$inferSelect;

/** What the test send row keeps of the provider's answer. */
const outcome = (r: DeliveryResult): { status: Exclude<TestSendStatus, 'sending'>; error: string | null; response: unknown } =>
  r.status === 'failed' ? { status: 'failed', error: r.error, response: r.response ?? null } : { status: r.status, error: null, response: r.response ?? null };

/**
 * "Send test" on a send node: the node's template (one variant, as the
 * dispatcher renders it, with a real contact's traits and time zone) handed
 * to the channel's real provider, addressed to one test contact and nobody
 * else. It passes no contact policy (a test is the team's own phone) and is
 * kept in `test_sends`, never in the outbox: it takes no cap slot and counts
 * in no analytics, funnel, variant result or journey metric. A simulated
 * reply the sandbox would make is dropped (it would be the real contact's
 * event), and links print their UTM-tagged target, never a tracked code, so
 * a tap on a test counts as no click.
 */
export function createTestSender({ db, clock, templates, providers, timezone, testContacts }: TestSendDeps) {
  const c = db.$client;
  const contactBy = c.prepare<[string], { id: number; external_id: string | null; traits: string; timezone: string | null }>(
    'select id, external_id, traits, timezone from contacts where external_id = ?',
  );

  /** The send node of the journey's draft: its channel and template. */
  function sendNode(journeyId: string, nodeId: string) {
    const j = db.select({ draft: journeys.draft }).from(journeys).where(eq(journeys.id, journeyId)).get();
    if (!j) throw notFound('journey', journeyId);
    const node = JourneyGraph.parse(j.draft).nodes.find((n) => n.id === nodeId);
    if (!node) throw refuse('NOT_FOUND', 'node_not_in_draft', { node: nodeId });
    if (node.kind !== 'send') throw refuse('BAD_REQUEST', 'not_a_send_node', { node: nodeTitle(node) });
    const config = nodeKinds.send.schema.safeParse(node.config);
    if (!config.success || !config.data.template) throw refuse('BAD_REQUEST', 'send_without_template', { node: nodeTitle(node) });
    return { channel: config.data.channel, template: config.data.template, title: nodeTitle(node) };
  }

  const byId = (id: number): TestSend => {
    const r = db.select().from(testSends).where(eq(testSends.id, id)).get();
    if (!r) throw notFound('test_send', String(id));
    return r;
  };

  return {
    /**
     * Render and send one test. Refused before anything goes out when the
     * recipient is not on the test list, the channel has no test address
     * (push, webhook), the recipient lacks the address the channel needs, or
     * the contact, template or variant does not exist. A provider's failure is
     * not a refusal: it is recorded and answered with the error.
     */
    async send(input: TestSendInput, actor: string): Promise<TestSend> {
      const node = sendNode(input.journeyId, input.nodeId);
      const { channel } = node;
      if (!isTestChannel(channel)) throw refuse('BAD_REQUEST', 'no_test_for_channel', { channel: channelLabels[channel] });
      const recipient = testContacts.recipient(input.to);
      const field = testChannels[channel];
      const address = recipient[field];
      if (address === null) throw refuse('BAD_REQUEST', 'test_contact_lacks_address', { name: recipient.name, field, channel: channelLabels[channel] });
      const contact = contactBy.get(input.externalId);
      if (!contact) throw notFound('contact', input.externalId);
      const t = templates.compiledCurrent(node.template);
      if (!t) throw notFound('template', node.template);
      const variant = input.variant ?? t.variants[0]?.key;
      if (variant === undefined || !t.variants.some((v) => v.key === variant))
        throw refuse('BAD_REQUEST', 'template_no_variant', { key: `${t.key} v${t.version}`, variant: String(variant), variants: listParam(t.variants.map((v) => v.key)) });
      let parts: Record<string, string>;
      try {
        // the dispatcher's render: user_id from the SDK's userId unless a trait says otherwise, the contact's own time zone
        parts = renderVariant(t, variant, {
          traits: { user_id: contact.external_id, ...(JSON.parse(contact.traits) as Record<string, unknown>) },
          timezone: contact.timezone ?? timezone(),
          utm: { source: channel, campaign: input.journeyId, content: variant, term: input.nodeId },
        });
      } catch (e) {
        throw refuse('BAD_REQUEST', 'template_not_rendered', { contact: input.externalId, detail: e instanceof Error ? e.message : String(e) });
      }
      const provider = providers()[channel];
      const body = Object.values(parts).join('\n');
      const now = clock.now();
      const id = await writeApart(
        c,
        () =>
          db
            .insert(testSends)
            .values({
              journeyId: input.journeyId,
              nodeId: input.nodeId,
              channel,
              template: t.key,
              templateVersion: t.version,
              variant,
              contactId: contact.id,
              contactExternalId: contact.external_id,
              testContactId: recipient.id,
              to: address,
              body,
              status: 'sending',
              provider: provider.name,
              sentBy: actor,
              createdAt: now,
            })
            .returning({ id: testSends.id })
            .get().id,
      );
      const msg: OutboundMessage = {
        // a test's id is negative and its key says "test": neither can meet a real message's (the sandbox and vendors dedupe by them)
        id: -id,
        key: `test:${id}`,
        channel,
        to: { contactId: 0, externalId: null, phone: field === 'phone' ? address : null, email: field === 'email' ? address : null },
        template: t.key,
        variant,
        parts,
        links: [],
        journeyId: input.journeyId,
        nodeId: input.nodeId,
        test: true,
      };
      let result: DeliveryResult;
      try {
        result = await provider.send(msg, now);
      } catch (e) {
        result = { status: 'failed', retry: false, error: e instanceof Error ? e.message : String(e) };
      }
      const o = outcome(result);
      await writeApart(c, () => db.update(testSends).set(o).where(eq(testSends.id, id)).run());
      return byId(id);
    },

    /** The newest test sends, of one journey or all: the outbox shows them apart from real messages. */
    list({ journeyId, limit = 50 }: { journeyId?: string | undefined; limit?: number | undefined } = {}): TestSend[] {
      const q = db.select().from(testSends);
      return (journeyId ? q.where(eq(testSends.journeyId, journeyId)) : q).orderBy(desc(testSends.createdAt), desc(testSends.id)).limit(limit).all();
    },

    get: byId,
  };
}

export type TestSender = ReturnType<typeof createTestSender>;
