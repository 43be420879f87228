import Handlebars from 'handlebars';
import type { LibraryTemplate } from '../library/loadLibrary';
import type { Channel } from '../../shared/journey/channels';

export interface RenderContext {
  traits: Record<string, unknown>;
  timezone: string;
  /** UTM tags for links: source = channel, campaign = journey, content = variant, term = node */
  utm: { source: Channel; campaign: string; content: string; term: string };
}

// built once: toLocaleString builds a formatter on every call (~20 µs)
const moneyFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** Channels whose output is plain text: never HTML-escaped. Email HTML is escaped. */
const plainText = (ch: Channel) => ch !== 'email';

function helpersFor(ctx: RenderContext): Record<string, Handlebars.HelperDelegate> {
  return {
    link(url: unknown) {
      const u = new URL(String(url));
      u.searchParams.set('utm_source', ctx.utm.source);
      u.searchParams.set('utm_medium', 'lifecycle');
      u.searchParams.set('utm_campaign', ctx.utm.campaign);
      u.searchParams.set('utm_content', ctx.utm.content);
      u.searchParams.set('utm_term', ctx.utm.term);
      return u.toString();
    },
    money(n: unknown) {
      const x = typeof n === 'number' ? n : Number(n);
      return Number.isFinite(x) ? moneyFormat.format(x) : '';
    },
    default(v: unknown, fallback: unknown) {
      return v === undefined || v === null || v === '' ? fallback : v;
    },
    date(v: unknown) {
      const t = typeof v === 'number' ? v : Date.parse(String(v));
      return Number.isFinite(t) ? new Intl.DateTimeFormat('en-CA', { timeZone: ctx.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(t) : '';
    },
  };
}

/**
 * Renders library templates: each variant part is compiled once and cached.
 * (The copywriting issue replaces the library with versioned templates in the
 * database and tracked short links.)
 */
export function createRenderer(templates: readonly LibraryTemplate[]) {
  const byKey = new Map(templates.map((t) => [t.key, t]));
  const compiled = new Map<string, Handlebars.TemplateDelegate>();
  const compiledPart = (t: LibraryTemplate, variant: string, part: string, source: string) => {
    const k = `${t.key}\u0000${variant}\u0000${part}`;
    let fn = compiled.get(k);
    if (!fn) {
      fn = Handlebars.compile(source, { noEscape: plainText(t.channel), strict: false });
      compiled.set(k, fn);
    }
    return fn;
  };
  return {
    /** every template it renders, in library order */
    templates: (): readonly LibraryTemplate[] => templates,
    template: (key: string): LibraryTemplate | undefined => byKey.get(key),
    render(key: string, variantKey: string, ctx: RenderContext): Record<string, string> {
      const t = byKey.get(key);
      const v = t?.variants.find((x) => x.key === variantKey);
      if (!t || !v) throw new Error(`template "${key}" has no variant "${variantKey}"`);
      const helpers = helpersFor(ctx);
      return Object.fromEntries(Object.entries(v.parts).map(([part, src]) => [part, compiledPart(t, v.key, part, src)(ctx.traits, { helpers }).trim()]));
    },
  };
}

export type Renderer = ReturnType<typeof createRenderer>;
