import { createTemplateConversions } from '../services/templateStats';
import { TZDate } from '@date-fns/tz';
import type { Db } from '../db/client';
import type { CompiledJourney } from '../../shared/journey/machine';
import { channels as allChannels, type Channel } from '../../shared/journey/channels';
import { costOf, unitPrice, type UnitPrices } from '../../shared/analytics/cost';
import { smsStats } from '../../shared/templates/sms';
import { DAY } from '../../shared/util/time';
import { wilson } from '../../shared/templates/abStats';
import { notFound, refuse } from '../services/errors';

export interface TrendsRange {
  journeyId: string;
  version?: number | undefined;
  /** days in the workspace's time zone, inclusive, `YYYY-MM-DD`; the 14 days to today when absent */
  from?: string | undefined;
  to?: string | undefined;
  /** one node's days: its entries, its sends, the conversions credited to it; the journey's without */
  nodeId?: string | undefined;
}

export interface TrendDay {
  /** `YYYY-MM-DD` in the workspace's zone */
  day: string;
  /** runs that entered the journey that day */
  entered: number;
  /** messages handed to a provider that day (sent or delivered), per channel */
  sent: Partial<Record<Channel, number>>;
  /** contacts who reached the journey's goal that day (credited at the entry: each person once) */
  converted: number;
  /** what that day's messages cost, yuan */
  cost: number;
}

/** One variant of a template version on one day: its sends, the share clicked, with the 95% Wilson band. */
export interface VariantDay {
  day: string;
  variant: string;
  sent: number;
  clicks: number;
  clickRate: { rate: number | null; low: number | null; high: number | null };
  /** those sends credited with their journey's primary goal, as the results table credits them */
  conversions: number;
  conversionRate: { rate: number | null; low: number | null; high: number | null };
}

/** At most this many days in one chart: a year. */
const MAX_DAYS = 366;

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

/** `YYYY-MM-DD` of `at` in `tz`. */
const dayIn = (at: number, tz: string): string => {
  const d = new TZDate(at, tz);
  return `${String(d.getFullYear())}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

/** Local midnight of `day` in `tz`, as an instant. */
const startOf = (day: string, tz: string): number => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new TZDate(y, m - 1, d, 0, 0, 0, 0, tz).getTime();
};

/**
 * A journey's figures per day, in the workspace's time zone: entries, sends
 * by channel, goal conversions and cost. One grouped query per series, over
 * a table of the range's days with each day's start and end instants (so a
 * day with a clock change is 23 or 25 hours, as it is for the people in it).
 */
export function createTrends(db: Db, deps: { timezone: () => string; now: () => number; prices?: () => UnitPrices }) {
  const templateConversions = createTemplateConversions(db);
  const c = db.$client;
  const prices = deps.prices ?? (() => unitPrice);
  // the billed units of a sent message, as the dispatcher counts them (SMS parts; one for any other channel)
  c.function('sms_parts', { deterministic: true }, (body: unknown) => smsStats(typeof body === 'string' ? body : '').parts);
  const versionsOf = c.prepare<[string], { id: number; version: number; machine: string }>('select id, version, machine from journey_versions where journey_id = ? order by version');
  const exists = c.prepare<[string], { one: number }>('select 1 one from journeys where id = ?');
  const daysCte = `with d(day, lo, hi) as (select value ->> 0, value ->> 1, value ->> 2 from json_each(?))`;
  const entries = c.prepare<[string, string, string], { day: string; n: number }>(
    `${daysCte} select d.day, count(r.id) n from d join runs r on r.journey_id = ? and r.version_id in (select value from json_each(?)) and r.entered_at >= d.lo and r.entered_at < d.hi group by d.day`,
  );
  // a node's entries: every visit in the runs' paths (one scan of the journey's runs)
  const visits = c.prepare<[string, string, string, string], { day: string; n: number }>(
    `${daysCte}, v(at) as (select p.value ->> 2 from runs r, json_each(r.path) p where r.journey_id = ? and r.version_id in (select value from json_each(?)) and p.value ->> 0 = ?)
     select d.day, count(*) n from d join v on v.at >= d.lo and v.at < d.hi group by d.day`,
  );
  const sends = c.prepare<[string, string, string | null, string | null, number | null, number | null], { day: string; channel: Channel; n: number; units: number }>(
    `${daysCte} select d.day, m.channel, count(*) n, sum(case m.channel when 'sms' then sms_parts(m.body) else 1 end) units
     from d join messages m on m.journey_id = ? and (? is null or m.node_id = ?) and m.queued_at >= d.lo and m.queued_at < d.hi and (? is null or m.version = ?) and m.status in ('sent', 'delivered')
     group by d.day, m.channel`,
  );
  const conversions = c.prepare<[string, string, string, string, number | null, number | null], { day: string; n: number }>(
    `${daysCte} select d.day, count(distinct cv.contact_id) n from d join conversions cv on cv.journey_id = ? and cv.node_id = ? and cv.goal = ? and cv.at >= d.lo and cv.at < d.hi and (? is null or cv.version = ?)
     group by d.day`,
  );

  // messages of one template version sent each day, per variant, and how many of them were clicked (a cohort by send day)
  const variantDays = c.prepare<[string, string, number], { day: string; variant: string; n: number; clicks: number }>(
    `${daysCte} select d.day, m.variant, count(*) n, sum(exists (select 1 from clicks k where k.message_id = m.id and k.first = 1)) clicks
     from d join messages m on m.template = ? and m.template_version = ? and m.variant is not null and m.status in ('sent', 'delivered') and m.queued_at >= d.lo and m.queued_at < d.hi
     group by d.day, m.variant`,
  );
  const currentVersion = c.prepare<[string], { v: number }>('select current_version v from templates where key = ?');

  function days(r: Pick<TrendsRange, 'from' | 'to'>, tz: string): { day: string; lo: number; hi: number }[] {
    for (const [field, v] of [
      ['from', r.from],
      ['to', r.to],
    ] as const)
      if (v !== undefined && !dayPattern.test(v)) throw refuse('BAD_REQUEST', 'day_format', { field, got: JSON.stringify(v) });
    const to = r.to ?? dayIn(deps.now(), tz);
    const from = r.from ?? dayIn(startOf(to, tz) - 13 * DAY + DAY / 2, tz);
    if (from > to) throw refuse('BAD_REQUEST', 'from_after_to', {});
    const out: { day: string; lo: number; hi: number }[] = [];
    // step by local noons, which never fall in a clock change
    for (let noon = startOf(from, tz) + DAY / 2; ; noon += DAY) {
      const day = dayIn(noon, tz);
      if (day > to) break;
      if (out.length === MAX_DAYS) throw refuse('BAD_REQUEST', 'trend_max_days', { max: MAX_DAYS });
      const lo = startOf(day, tz);
      out.push({ day, lo, hi: startOf(dayIn(lo + DAY + DAY / 2, tz), tz) });
    }
    return out;
  }

  return {
    /**
     * A template version's variants per day (the current version by default):
     * sends, and the click and conversion rates of that day's sends, each with its 95% band.
     */
    templateTrends(r: { key: string; version?: number | undefined; from?: string | undefined; to?: string | undefined }): {
      timezone: string;
      version: number;
      variants: string[];
      days: VariantDay[];
    } {
      const cur = currentVersion.get(r.key);
      if (!cur) throw notFound('template', r.key);
      const version = r.version ?? cur.v;
      const tz = deps.timezone();
      const ds = days(r, tz);
      const daysJson = JSON.stringify(ds.map((d) => [d.day, d.lo, d.hi]));
      const rows = variantDays.all(daysJson, r.key, version);
      // the conversions credited to those sends, by the results table's rule (templateStats.ts)
      const converted = new Map(templateConversions.byDayVariant(daysJson, r.key, version).map((x) => [`${x.day}|${x.variant}`, x.n]));
      const variants = [...new Set(rows.map((x) => x.variant))].sort();
      const at = new Map(rows.map((x) => [`${x.day}|${x.variant}`, x]));
      return {
        timezone: tz,
        version,
        variants,
        days: ds.flatMap((d) =>
          variants.map((variant) => {
            const x = at.get(`${d.day}|${variant}`);
            const sent = x?.n ?? 0;
            const clicks = x?.clicks ?? 0;
            const conversions = converted.get(`${d.day}|${variant}`) ?? 0;
            return { day: d.day, variant, sent, clicks, clickRate: wilson(clicks, sent), conversions, conversionRate: wilson(conversions, sent) };
          }),
        ),
      };
    },

    /** Per day of the range: entries, sends by channel, goal conversions and cost (of the journey, or of one node). */
    journeyTrends(r: TrendsRange): { timezone: string; goal: string | null; channels: Channel[]; days: TrendDay[] } {
      if (!exists.get(r.journeyId)) throw notFound('journey', r.journeyId);
      const tz = deps.timezone();
      const ds = days(r, tz);
      const vs = versionsOf.all(r.journeyId).filter((v) => r.version === undefined || v.version === r.version);
      const latest = vs.length ? (JSON.parse(vs[vs.length - 1]?.machine ?? '{}') as CompiledJourney) : null;
      const goal = latest?.settings.goals[0]?.event ?? null;
      const table = JSON.stringify(ds.map((d) => [d.day, d.lo, d.hi]));
      const out = new Map<string, TrendDay>(ds.map((d) => [d.day, { day: d.day, entered: 0, sent: {}, converted: 0, cost: 0 }]));
      const at = (day: string) => out.get(day) as TrendDay;
      const ids = JSON.stringify(vs.map((v) => v.id));
      const nodeId = r.nodeId;
      if (nodeId !== undefined && !vs.some((v) => nodeId in (JSON.parse(v.machine) as CompiledJourney).nodes)) throw notFound('node', nodeId);
      for (const x of r.nodeId === undefined ? entries.all(table, r.journeyId, ids) : visits.all(table, r.journeyId, ids, r.nodeId)) at(x.day).entered = x.n;
      const seen = new Set<Channel>();
      for (const x of sends.all(table, r.journeyId, r.nodeId ?? null, r.nodeId ?? null, r.version ?? null, r.version ?? null)) {
        const d = at(x.day);
        d.sent[x.channel] = x.n;
        d.cost = Math.round((d.cost + costOf(x.channel, x.units, prices())) * 100) / 100;
        seen.add(x.channel);
      }
      // at the entry every converted person counts once; at a node, those credited there
      if (goal && latest) for (const x of conversions.all(table, r.journeyId, r.nodeId ?? latest.entry, goal, r.version ?? null, r.version ?? null)) at(x.day).converted = x.n;
      return { timezone: tz, goal, channels: allChannels.filter((ch) => seen.has(ch)), days: [...out.values()] };
    },
  };
}

export type Trends = ReturnType<typeof createTrends>;
