import type { Db } from '../db/client';
import { pickWinner, twoProportionTest, wilson } from '../../shared/templates/abStats';
import { newcombeDifference, twoProportionZTest } from '../../shared/analytics/stats';
import type { TemplateStore } from '../templates/store';
import type { CompiledJourney } from '../../shared/journey/machine';
import type { JourneyGraph } from '../../shared/journey/graph';
import { notFound, refuse } from './errors';

export type StatsMetric = 'clicks' | 'conversions';

type Interval = ReturnType<typeof wilson>;
type Test = ReturnType<typeof twoProportionTest>;

export interface VariantStats {
  key: string;
  name: string;
  /** its share of sends in the current version, percent */
  weight: number;
  sent: number;
  /** messages clicked at least once */
  clicks: number;
  /** messages whose node was credited with one of its journey's goals (not a funnel step) within the attribution window */
  conversions: number;
  clickRate: Interval;
  conversionRate: Interval;
  /** against the control variant (null for the control itself, or without data) */
  vsControl: { clicks: Test; conversions: Test } | null;
}

export interface TemplateStats {
  key: string;
  /** the version these results are for (the current one unless asked) */
  version: number;
  /** the version sends use now */
  current: number;
  /** every version, newest first, with how many of its messages were sent: what the page can pick or compare */
  versions: { version: number; sent: number; note: string; createdAt: number }[];
  control: string;
  metric: StatsMetric;
  variants: VariantStats[];
  winner: { key: string; reason: string } | null;
}

const sentStatuses = `('sent', 'delivered')`;

/**
 * Sends per variant of a template. A sent message always has its variant (it
 * is fixed when the message is rendered), so `variant is not null` changes no
 * count; it lets SQLite answer from the sent-only `messages_template` index.
 */
export const sentByVariantSql = `select variant, count(*) n from messages where template = ? and variant is not null and status in ${sentStatuses} and template_version = ? group by variant`;

/**
 * A/B results of a template version, per variant, counted exactly from the
 * outbox, the clicks and the conversions (each message records the version
 * it was rendered from, so versions with different copy never mix). Rates carry a 95% Wilson interval, each
 * variant a two-proportion test against the control, and a winner is named
 * only when one beats the control significantly.
 */
/**
 * Conversions credited to a template's messages. A conversion is the primary
 * goal (the first) of the message's journey version, as on the canvas,
 * credited once per node that sent it. Within that node it goes to the last
 * message sent before it (a contact looping back to the node got several): so
 * a variant's conversions add up to its nodes' conversions. Read per variant
 * (the results table) and per variant and send day (the daily chart), by the
 * same rule.
 */
export function createTemplateConversions(db: Db) {
  const c = db.$client;
  const credited = `from conversions cv
     join journey_versions v on v.journey_id = cv.journey_id and v.version = cv.version
     join runs r on r.contact_id = cv.contact_id and r.version_id = v.id
     join messages m on m.id = (
       select l.id from messages l
       where l.run_id = r.id and l.node_id = cv.node_id and l.status in ${sentStatuses} and l.created_at <= cv.at
       order by l.created_at desc, l.id desc limit 1)`;
  // goals come in as "journey|version|event" keys
  const goalIn = `cv.journey_id || '|' || cv.version || '|' || cv.goal in (select value from json_each(?))`;
  const byVariant = c.prepare<[string, number, string], { variant: string | null; n: number }>(
    `select m.variant, count(distinct m.id) n ${credited} where m.template = ? and m.template_version = ? and ${goalIn} group by m.variant`,
  );
  // days as a JSON array of [day, lo, hi]; a message counts on the day it was queued, as the daily sends do
  const byDayVariant = c.prepare<[string, string, number, string], { day: string; variant: string; n: number }>(
    `with d(day, lo, hi) as (select value ->> 0, value ->> 1, value ->> 2 from json_each(?))
     select d.day, m.variant, count(distinct m.id) n ${credited} join d on m.queued_at >= d.lo and m.queued_at < d.hi
     where m.template = ? and m.template_version = ? and m.variant is not null and ${goalIn} group by d.day, m.variant`,
  );
  const versions = c.prepare<[], { journey_id: string; version: number; machine: string }>('select journey_id, version, machine from journey_versions');
  /** every journey version's primary goal, as "journey|version|event" */
  const goalKeys = (): string =>
    JSON.stringify(
      versions.all().flatMap((v) => {
        const goal = (JSON.parse(v.machine) as CompiledJourney).settings.goals[0];
        return goal ? [`${v.journey_id}|${v.version}|${goal.event}`] : [];
      }),
    );
  return {
    byVariant: (key: string, version: number) => byVariant.all(key, version, goalKeys()),
    byDayVariant: (daysJson: string, key: string, version: number) => byDayVariant.all(daysJson, key, version, goalKeys()),
  };
}
export type TemplateConversions = ReturnType<typeof createTemplateConversions>;

export function createTemplateStats(db: Db, store: TemplateStore) {
  const c = db.$client;
  const conversions = createTemplateConversions(db);
  const sent = c.prepare<[string, number], { variant: string | null; n: number }>(sentByVariantSql);
  const sentByVersion = c.prepare<[string], { version: number; n: number }>(
    `select template_version version, count(*) n from messages where template = ? and variant is not null and status in ${sentStatuses} group by template_version`,
  );
  const clicked = c.prepare<[string, number], { variant: string | null; n: number }>(
    `select m.variant, count(*) n from clicks k join messages m on m.id = k.message_id
     where k.first = 1 and m.template = ? and m.status in ${sentStatuses} and m.template_version = ? group by m.variant`,
  );
  const journeysAll = c.prepare<[], { id: string; name: string; status: string; draft: string }>('select id, name, status, draft from journeys order by name');
  const publishedOf = c.prepare<[string], { version: number; machine: string }>('select version, machine from journey_versions where journey_id = ? order by version desc limit 1');
  const byVariant = (rows: { variant: string | null; n: number }[]) => new Map(rows.map((r) => [r.variant ?? '', r.n]));

  const api = {
    /** Results of one version of the template (the current one by default), per variant. */
    stats(key: string, opts: { metric?: StatsMetric | undefined; control?: string | undefined; version?: number | undefined } = {}): TemplateStats {
      const cur = store.current(key);
      if (!cur) throw notFound('template', key);
      const v = opts.version === undefined ? cur : store.version(key, opts.version);
      if (!v) throw refuse('NOT_FOUND', 'template_no_version', { key, version: opts.version ?? cur.version, latest: cur.version });
      const s = byVariant(sent.all(key, v.version));
      const k = byVariant(clicked.all(key, v.version));
      const cv = byVariant(conversions.byVariant(key, v.version));
      // variants of earlier versions that still have sends are reported too
      const keys = [...new Set([...v.variants.map((x) => x.key), ...[...s.keys()].filter(Boolean)])];
      const control = opts.control && keys.includes(opts.control) ? opts.control : (v.variants[0]?.key ?? keys[0] ?? '');
      const rows = keys.map((variant) => {
        const cur = v.variants.find((x) => x.key === variant);
        const n = s.get(variant) ?? 0;
        return { key: variant, name: cur?.name ?? variant, weight: cur?.weight ?? 0, sent: n, clicks: k.get(variant) ?? 0, conversions: cv.get(variant) ?? 0 };
      });
      const ctl = rows.find((r) => r.key === control);
      const variants = rows.map((r): VariantStats => ({
        ...r,
        clickRate: wilson(r.clicks, r.sent),
        conversionRate: wilson(r.conversions, r.sent),
        vsControl:
          ctl && r.key !== control
            ? {
                clicks: twoProportionTest({ successes: r.clicks, trials: r.sent }, { successes: ctl.clicks, trials: ctl.sent }),
                conversions: twoProportionTest({ successes: r.conversions, trials: r.sent }, { successes: ctl.conversions, trials: ctl.sent }),
              }
            : null,
      }));
      const metric = opts.metric ?? 'clicks';
      const winner = pickWinner(
        rows.map((r) => ({ key: r.key, sent: r.sent, successes: metric === 'clicks' ? r.clicks : r.conversions })),
        control,
      );
      const sentPer = new Map(sentByVersion.all(key).map((r) => [r.version, r.n]));
      const versionList = store.history(key).map((h) => ({ version: h.version, sent: sentPer.get(h.version) ?? 0, note: h.note, createdAt: h.createdAt }));
      return { key, version: v.version, current: cur.version, versions: versionList, control, metric, variants, winner };
    },

    /**
     * Two versions side by side, and whether the later copy does better: over
     * all its variants, the difference in click and conversion rate (b − a)
     * with Newcombe's 95% interval and the two-proportion test.
     */
    compare(key: string, a: number, b: number, metric: StatsMetric = 'clicks') {
      if (a === b) throw refuse('BAD_REQUEST', 'compare_two_versions', {});
      const sa = api.stats(key, { version: a, metric });
      const sb = api.stats(key, { version: b, metric });
      const total = (t: TemplateStats, f: (v: VariantStats) => number) => t.variants.reduce((n, v) => n + f(v), 0);
      const diff = (f: (v: VariantStats) => number) => {
        const pa = { x: total(sa, f), n: total(sa, (v) => v.sent) };
        const pb = { x: total(sb, f), n: total(sb, (v) => v.sent) };
        const rate = (p: { x: number; n: number }) => (p.n ? p.x / p.n : null);
        return { a: rate(pa), b: rate(pb), difference: pa.n && pb.n ? pb.x / pb.n - pa.x / pa.n : null, ...newcombeDifference(pb, pa), pValue: twoProportionZTest(pb, pa)?.p ?? null };
      };
      return { key, a: sa, b: sb, clickRate: diff((v) => v.clicks), conversionRate: diff((v) => v.conversions) };
    },

    /** The journeys whose draft or latest published version sends this template, and from which nodes. */
    usage(key: string): { journeyId: string; name: string; status: string; nodes: { id: string; title: string }[]; published: boolean }[] {
      if (!store.current(key)) throw notFound('template', key);
      const out = [];
      for (const j of journeysAll.all()) {
        const nodes = new Map<string, string>();
        const draft = JSON.parse(j.draft) as JourneyGraph;
        for (const n of draft.nodes) if (n.kind === 'send' && (n.config as { template?: string }).template === key) nodes.set(n.id, n.title ?? n.id);
        const pub = publishedOf.get(j.id);
        let published = false;
        if (pub)
          for (const n of Object.values((JSON.parse(pub.machine) as CompiledJourney).nodes))
            if (n.kind === 'send' && (n.config as { template?: string }).template === key) {
              published = true;
              if (!nodes.has(n.id)) nodes.set(n.id, n.title);
            }
        if (nodes.size) out.push({ journeyId: j.id, name: j.name, status: j.status, nodes: [...nodes].map(([id, title]) => ({ id, title })), published });
      }
      return out;
    },
  };
  return api;
}

export type TemplateStatsService = ReturnType<typeof createTemplateStats>;
