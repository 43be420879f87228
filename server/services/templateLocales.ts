import type { Db } from '../db/client';
import type { TemplateStore } from '../templates/store';
import { wilson } from '../../shared/templates/abStats';
import { notFound } from './errors';

/** One variant in one language: what went out and how often it was clicked. */
export interface LocaleRow {
  variant: string;
  locale: string;
  sent: number;
  /** messages clicked at least once */
  clicks: number;
  clickRate: ReturnType<typeof wilson>;
}

/**
 * A template version's A/B numbers split by the language each message went
 * out in (the variant test itself stays per variant, across languages), and
 * the contacts who got the template's own language because it had no copy in
 * theirs, by the language they asked for. Messages sent before languages were
 * recorded count as the template's own language.
 */
export function createTemplateLocaleStats(db: Db, templates: TemplateStore) {
  const c = db.$client;
  const sent = c.prepare<[string, string, number], { variant: string; locale: string; n: number }>(
    `select variant, coalesce(locale, ?) locale, count(*) n from messages
     where template = ? and template_version = ? and variant is not null and status in ('sent', 'delivered') group by variant, 2`,
  );
  const clicked = c.prepare<[string, string, number], { variant: string; locale: string; n: number }>(
    `select m.variant, coalesce(m.locale, ?) locale, count(*) n from clicks k join messages m on m.id = k.message_id
     where k.first = 1 and m.template = ? and m.template_version = ? and m.variant is not null group by 1, 2`,
  );
  const fellBack = c.prepare<[string, number], { asked: string; n: number }>(
    `select locale_fallback asked, count(*) n from messages
     where template = ? and template_version = ? and locale_fallback is not null and status in ('sent', 'delivered') group by 1 order by 2 desc, 1`,
  );

  return {
    /** `key` at `version` (default: its current version). */
    byLocale(key: string, version?: number) {
      const v = version === undefined ? templates.current(key) : templates.version(key, version);
      if (!v) throw notFound('template', version === undefined ? key : `${key} v${version}`);
      const clicks = new Map(clicked.all(v.locale, key, v.version).map((r) => [`${r.variant}\u0000${r.locale}`, r.n]));
      const rows: LocaleRow[] = sent.all(v.locale, key, v.version).map((r) => {
        const k = clicks.get(`${r.variant}\u0000${r.locale}`) ?? 0;
        return { variant: r.variant, locale: r.locale, sent: r.n, clicks: k, clickRate: wilson(k, r.n) };
      });
      const order = (l: string) => (l === v.locale ? '' : l);
      rows.sort((a, b) => (a.variant < b.variant ? -1 : a.variant > b.variant ? 1 : order(a.locale) < order(b.locale) ? -1 : 1));
      return { key, version: v.version, locale: v.locale, locales: Object.keys(v.variants[0]?.locales ?? {}), rows, fallbacks: fellBack.all(key, v.version) };
    },
  };
}
export type TemplateLocaleStats = ReturnType<typeof createTemplateLocaleStats>;
