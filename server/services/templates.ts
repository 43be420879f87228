import type { Channel, MessageCategory } from '../../shared/journey/channels';
import type { Locale } from '../../shared/templates/meta';
import type { Renderer } from '../templates/render';
import { ServiceError, notFound } from './errors';

export interface TemplateSummary {
  key: string;
  channel: Channel;
  name: string;
  description: string;
  category: MessageCategory;
  locale: Locale;
  /** contact traits the copy reads, so a preview can ask for them */
  variables: string[];
  variants: { key: string; name: string; weight: number }[];
}

export interface PreviewInput {
  key: string;
  /** default: the template's first variant */
  variant?: string | undefined;
  /** render with this contact's traits and time zone */
  externalId?: string | undefined;
  /** sample traits; with `externalId` they override the contact's, for "what if" previews */
  traits?: Record<string, unknown> | undefined;
}

export interface Preview {
  variant: string;
  /** part name (body, title, subject, html, script, json) → rendered text */
  parts: Record<string, string>;
  /** characters (code points, not UTF-16 units) of the parts joined by newlines: the body the outbox stores */
  chars: number;
}

export interface TemplateServiceDeps {
  /** the dispatcher's own renderer: a preview is exactly what would be sent */
  renderer: Renderer;
  /** a contact by external id; throws NOT_FOUND naming it */
  contact: (externalId: string) => { externalId: string | null; traits: Record<string, unknown>; timezone: string };
  timezone: () => string;
}

const byChannelThenKey = (a: TemplateSummary, b: TemplateSummary): number =>
  a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;

/**
 * Read-only message templates for the editor: the library loaded at start,
 * as the dispatcher renders it. (The copywriting issue replaces this with
 * versioned templates in the database.)
 */
export function createTemplateService({ renderer, contact, timezone }: TemplateServiceDeps) {
  return {
    /** Every template, sorted by channel (alphabetically) then key; copy stays out, `preview` renders it. */
    list(): TemplateSummary[] {
      return renderer
        .templates()
        .map((t) => ({
          key: t.key,
          channel: t.channel,
          name: t.name,
          description: t.description,
          category: t.category,
          locale: t.locale,
          variables: [...t.variables],
          variants: t.variants.map(({ key, name, weight }) => ({ key, name, weight })),
        }))
        .sort(byChannelThenKey);
    },

    /** Render one variant for a contact (their traits and time zone) or for sample traits. */
    preview(input: PreviewInput): Preview {
      const t = renderer.template(input.key);
      if (!t) throw notFound('template', input.key);
      const variant = input.variant ?? t.variants[0]?.key;
      if (!variant || !t.variants.some((v) => v.key === variant))
        throw new ServiceError('NOT_FOUND', `template "${t.key}" has no variant "${input.variant ?? ''}"; it has ${t.variants.map((v) => `"${v.key}"`).join(', ')}`);
      const who = input.externalId === undefined ? null : contact(input.externalId);
      // the dispatcher addresses the contact by user_id unless a trait says otherwise; so does the preview
      const traits = { ...(who ? { user_id: who.externalId, ...who.traits } : {}), ...input.traits };
      let parts: Record<string, string>;
      try {
        parts = renderer.render(t.key, variant, {
          traits,
          timezone: who?.timezone ?? timezone(),
          utm: { source: t.channel, campaign: 'preview', content: variant, term: 'preview' },
        });
      } catch (e) {
        throw new ServiceError('BAD_REQUEST', `template "${t.key}" variant "${variant}" does not render: ${e instanceof Error ? e.message : String(e)}`);
      }
      return { variant, parts, chars: [...Object.values(parts).join('\n')].length };
    },
  };
}

export type TemplateService = ReturnType<typeof createTemplateService>;
