import Handlebars from 'handlebars';
import type { Channel } from '../../shared/journey/channels';
import { dayKeyIn } from '../format';

/**
 * Renders template copy in the browser for story previews, with the helpers
 * the library's copy calls (`link`, `money`, `default`, `date`). A stand-in
 * for the server's renderer (server/templates/render.ts): stories import no
 * server modules, which would pull server code into the client bundle. Close
 * enough to read; not the reference for what is sent.
 */

// copy is formatted as the server formats it (server/templates/render.ts), whatever the UI's language: "1,234.5", "2026-11-03"
const money = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

export interface CopyContext {
  channel: Channel;
  variant: string;
}

const cache = new Map<string, Handlebars.TemplateDelegate>();

export function renderPart(source: string, traits: Record<string, unknown>, ctx: CopyContext): string {
  const key = `${ctx.channel}\u0000${source}`;
  let fn = cache.get(key);
  if (!fn) {
    fn = Handlebars.compile(source, { noEscape: ctx.channel !== 'email', strict: false });
    cache.set(key, fn);
  }
  const helpers: Record<string, Handlebars.HelperDelegate> = {
    link(url: unknown) {
      try {
        const u = new URL(String(url));
        for (const [k, v] of Object.entries({ utm_source: ctx.channel, utm_medium: 'lifecycle', utm_campaign: 'preview', utm_content: ctx.variant, utm_term: 'preview' })) u.searchParams.set(k, v);
        return u.toString();
      } catch {
        return String(url);
      }
    },
    money(n: unknown) {
      const x = typeof n === 'number' ? n : Number(n);
      return Number.isFinite(x) ? money.format(x) : '';
    },
    default(v: unknown, fallback: unknown) {
      return v === undefined || v === null || v === '' ? fallback : v;
    },
    date(v: unknown) {
      const t = typeof v === 'number' ? v : Date.parse(String(v));
      return Number.isFinite(t) ? dayKeyIn(t, 'Asia/Shanghai') : '';
    },
  };
  return fn(traits, { helpers }).trim();
}
