import type { Channel } from '../../shared/journey/channels';
import type { KeyedRng } from '../../shared/util/hash';
import { assignVariant } from '../../shared/templates/variant';
import type { ChannelProvider, DeliveryResult, OutboundMessage, SimulatedResponse } from '../channels/provider';
import { renderVariant, type CompiledVersion } from '../templates/render';
import type { TemplateStore } from '../templates/store';
import { linkCode, shortUrl } from '../templates/links';
import { pickCopy } from '../../shared/templates/localeCopy';
import type { ClaimedMessage } from '../outbox';

/** One attempt at a message: what was rendered and what came back. */
export interface Sent {
  row: ClaimedMessage;
  msg: OutboundMessage | null;
  variant: string | null;
  templateVersion: number | null;
  /** the language of the copy sent, and the one the contact asked for when the template lacked it (null: no fallback) */
  locale: string | null;
  localeFallback: string | null;
  links: { code: string; url: string }[];
  result: DeliveryResult & { responses?: SimulatedResponse[] };
  /** the provider answered (a render that failed here never reached it, and says nothing of the channel's health) */
  answered: boolean;
}

export interface RendererDeps {
  templates: TemplateStore;
  providers: Record<Channel, ChannelProvider>;
  publicUrl: () => string;
  linkSecret: () => string;
}

/** A claimed message rendered and ready for its provider, or the failed attempt when it could not be rendered. */
export type Prepared = { ready: true; sent: Omit<Sent, 'result' | 'answered'> & { msg: OutboundMessage } } | { ready: false; sent: Sent };

/**
 * Render claimed messages and hand them to their providers, in two steps so
 * the dispatcher can render outside any transaction and start the sends
 * inside one (a provider may record synchronously as it accepts a message:
 * the sandbox's delivery log, an agent's task). Each message is rendered with
 * a sticky variant, and a retry renders the version it was first rendered
 * with. Neither step throws: a failure is a result.
 */
export function createRenderer({ templates, providers, publicUrl, linkSecret }: RendererDeps) {
  /** The version a message renders: the one it was first rendered with (a retry), else the template's current one. */
  const versionFor = (row: ClaimedMessage): CompiledVersion | undefined => {
    if (row.template_version === null) return templates.compiledCurrent(row.template);
    const v = templates.version(row.template, row.template_version);
    return v ? templates.compiledVersion(v.id) : undefined;
  };

  /** Render `row` for `channel` (synchronous). */
  function prepare(row: ClaimedMessage, channel: Channel, s: { timezone: string }, rng: KeyedRng): Prepared {
    let variant: string | null = row.variant;
    let templateVersion: number | null = row.template_version;
    let locale: string | null = null;
    let localeFallback: string | null = null;
    const links: { code: string; url: string }[] = [];
    try {
      const t = versionFor(row);
      if (!t) throw new Error(`template "${row.template}"${row.template_version === null ? '' : ` v${row.template_version}`} does not exist`);
      templateVersion = t.version;
      // sticky: deterministic from (contact, node, template version) and the weights, recorded on the message
      variant = row.variant ?? assignVariant(t.variants, rng, row.contact_id, row.node_id, t.id).key;
      const base = publicUrl();
      // templates address the contact by user_id (the SDK's userId) unless a trait says otherwise
      const traits: Record<string, unknown> = { user_id: row.external_id, ...(JSON.parse(row.traits) as Record<string, unknown>) };
      // the contact's language when the template speaks it, else the template's own (a fallback, counted)
      const copy = pickCopy(t.locale, t.locales, traits.locale);
      locale = copy.locale;
      localeFallback = copy.fallback;
      const parts = renderVariant(
        t,
        variant,
        {
          traits,
          timezone: row.timezone ?? s.timezone,
          utm: { source: channel, campaign: row.journey_id, content: variant, term: row.node_id },
          link: (target) => {
            const code = linkCode(linkSecret(), row.id, links.length);
            links.push({ code, url: target });
            return shortUrl(base, code);
          },
        },
        copy.locale,
      );
      const msg: OutboundMessage = {
        id: row.id,
        key: row.key,
        channel,
        to: { contactId: row.contact_id, externalId: row.external_id, phone: row.phone, email: row.email },
        template: row.template,
        variant,
        parts,
        links: links.map((l) => ({ code: l.code, url: shortUrl(base, l.code) })),
        journeyId: row.journey_id,
        nodeId: row.node_id,
      };
      return { ready: true, sent: { row, msg, variant, templateVersion, locale, localeFallback, links } };
    } catch (e) {
      return {
        ready: false,
        sent: {
          row,
          msg: null,
          variant,
          templateVersion,
          locale,
          localeFallback,
          links,
          answered: false,
          result: { status: 'failed', retry: false, error: e instanceof Error ? e.message : String(e) },
        },
      };
    }
  }

  /** Hand a prepared message to its channel's provider; what the provider does synchronously happens before this returns its promise. */
  async function send(p: Prepared, channel: Channel, now: number): Promise<Sent> {
    if (!p.ready) return p.sent;
    try {
      return { ...p.sent, answered: true, result: await providers[channel].send(p.sent.msg, now) };
    } catch (e) {
      // a provider that throws instead of answering: worth another try, like a network error
      return { ...p.sent, answered: true, result: { status: 'failed', retry: true, error: e instanceof Error ? e.message : String(e) } };
    }
  }

  return { prepare, send };
}
