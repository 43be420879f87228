import Handlebars from 'handlebars';
import type { Channel, MessageCategory } from '../../shared/journey/channels';
import type { StoredVariant } from '../db/schema';
import { compileFast, type PartRenderer } from './fastRender';

export interface RenderContext {
  traits: Record<string, unknown>;
  timezone: string;
  /** UTM tags for links: source = channel, campaign = journey, content = variant, term = node */
  utm: { source: Channel; campaign: string; content: string; term: string };
  /**
   * Mints a tracked short link for a UTM-tagged target and returns the URL to
   * print. Absent in previews: the tagged target itself is printed.
   */
  link?: (target: string) => string;
}

/** A template version ready to render: every variant's parts compiled once. */
export interface CompiledVersion {
  /** the version row's id: the variant assignment keys on it */
  id: number;
  key: string;
  version: number;
  channel: Channel;
  category: MessageCategory;
  /** the language of each variant's `parts` */
  locale: string;
  /** the template's other languages, in each of which every variant has copy */
  locales: string[];
  variants: { key: string; name: string; weight: number; parts: Record<string, PartRenderer>; locales: Partial<Record<string, Record<string, PartRenderer>>> }[];
}

/** Channels whose output is plain text: never HTML-escaped. Email HTML is escaped. */
const plainText = (ch: Channel) => ch !== 'email';

// built once: toLocaleString builds a formatter on every call (~20 µs)
const moneyFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const dateFormat = (tz: string): Intl.DateTimeFormat => {
  let f = dateFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(tz, f);
  }
  return f;
};

/** The render context rides in Handlebars' private data, so the helpers are defined once, not per message. */
const ctxOf = (options: unknown): RenderContext => (options as { data: { ctx: RenderContext } }).data.ctx;

const tagged = new Map<string, string>();

/**
 * `UTM source = channel, medium = lifecycle, campaign = journey, content =
 * variant, term = node`. Memoised: a send wave prints the same few links with
 * the same few tag sets, and building a URL costs more than the whole render.
 */
export function withUtm(target: string, utm: RenderContext['utm']): string {
  const k = `${target}\u0000${utm.source}\u0000${utm.campaign}\u0000${utm.content}\u0000${utm.term}`;
  let out = tagged.get(k);
  if (out === undefined) {
    out = tagUrl(target, utm);
    if (tagged.size > 50_000) tagged.clear();
    tagged.set(k, out);
  }
  return out;
}

function tagUrl(target: string, utm: RenderContext['utm']): string {
  const u = new URL(target);
  u.searchParams.set('utm_source', utm.source);
  u.searchParams.set('utm_medium', 'lifecycle');
  u.searchParams.set('utm_campaign', utm.campaign);
  u.searchParams.set('utm_content', utm.content);
  u.searchParams.set('utm_term', utm.term);
  return u.toString();
}

/**
 * The helpers copy may call, and nothing else (the static checks reject other
 * names): `link` (a tracked short link), `money`, `date` (in the contact's
 * time zone) and `default`.
 */
export const helpers: Record<string, Handlebars.HelperDelegate> = {
  link(url: unknown, options: unknown) {
    const ctx = ctxOf(options);
    let tagged: string;
    try {
      tagged = withUtm(String(url), ctx.utm);
    } catch {
      return String(url);
    }
    return ctx.link ? ctx.link(tagged) : tagged;
  },
  money(n: unknown) {
    const x = typeof n === 'number' ? n : Number(n);
    return Number.isFinite(x) ? moneyFormat.format(x) : '';
  },
  default(v: unknown, fallback: unknown) {
    return v === undefined || v === null || v === '' ? fallback : v;
  },
  date(v: unknown, options: unknown) {
    const t = typeof v === 'number' ? v : Date.parse(String(v));
    return Number.isFinite(t) ? dateFormat(ctxOf(options).timezone).format(t) : '';
  },
};
const knownHelpers = Object.fromEntries(Object.keys(helpers).map((h) => [h, true]));

/**
 * A private Handlebars with the helpers registered once: passing `helpers` on
 * every call makes Handlebars merge them into a fresh object per render.
 */
const hbs = Handlebars.create();
hbs.registerHelper(helpers);
const fastHelpers = helpers as unknown as Record<string, (...args: unknown[]) => unknown>;

/** Compile every part of every variant of a version, in every language (done once per version and cached by the template store). */
export function compileVersion(v: { id: number; key: string; version: number; channel: Channel; category: MessageCategory; locale?: string; variants: readonly StoredVariant[] }): CompiledVersion {
  const options = { noEscape: plainText(v.channel), strict: false, knownHelpers, knownHelpersOnly: false };
  // the fast path for plain copy, Handlebars itself for anything richer; same output either way
  const compileParts = (parts: Record<string, string>): Record<string, PartRenderer> =>
    Object.fromEntries(Object.entries(parts).map(([part, src]): [string, PartRenderer] => [part, compileFast(src, fastHelpers, !options.noEscape) ?? (hbs.compile(src, options) as PartRenderer)]));
  return {
    id: v.id,
    key: v.key,
    version: v.version,
    channel: v.channel,
    category: v.category,
    locale: v.locale ?? 'zh-CN',
    locales: Object.keys(v.variants[0]?.locales ?? {}),
    variants: v.variants.map((x) => ({
      key: x.key,
      name: x.name,
      weight: x.weight,
      parts: compileParts(x.parts),
      locales: Object.fromEntries(Object.entries(x.locales ?? {}).map(([l, parts]) => [l, compileParts(parts ?? {})])),
    })),
  };
}

/** Render one variant of a compiled version: part → text, in `locale` (default: the version's own language). */
export function renderVariant(t: CompiledVersion, variantKey: string, ctx: RenderContext, locale: string = t.locale): Record<string, string> {
  const v = t.variants.find((x) => x.key === variantKey);
  if (!v) throw new Error(`template "${t.key}" v${t.version} has no variant "${variantKey}"`);
  const parts = locale === t.locale ? v.parts : v.locales[locale];
  if (!parts) throw new Error(`template "${t.key}" v${t.version} variant "${variantKey}" has no ${locale} copy`);
  const out: Record<string, string> = {};
  const opts = { data: { ctx } };
  for (const part in parts) out[part] = (parts[part] as PartRenderer)(ctx.traits, opts).trim();
  return out;
}
