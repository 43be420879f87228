import type { Db } from '../db/client';
import { pickWinner, twoProportionTest, wilson } from '../../shared/templates/abStats';
import type { TemplateStore } from '../templates/store';
import type { CompiledJourney } from '../../shared/journey/machine';
import { notFound } from './errors';

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
  version: number;
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
export const sentByVariantSql = `select variant, count(*) n from messages where template = ? and variant is not null and status in ${sentStatuses} group by variant`;

/**
 * A/B results of a template, per variant, counted exactly from the outbox,
 * the clicks and the conversions (every version of the template: variants
 * keep their keys across versions). Rates carry a 95% Wilson interval, each
 * variant a two-proportion test against the control, and a winner is named
 * only when one beats the control significantly.
 */
export function createTemplateStats(db: Db, store: TemplateStore) {
  const c = db.$client;
  const sent = c.prepare<[string], { variant: string | null; n: number }>(sentByVariantSql);
  const clicked = c.prepare<[string], { variant: string | null; n: number }>(
    `select m.variant, count(*) n from clicks k join messages m on m.id = k.message_id
     where k.first = 1 and m.template = ? and m.status in ${sentStatuses} group by m.variant`,
  );
  // A conversion is the primary goal (the first) of the message's journey version, as on the
  // canvas, credited once per node that sent it. Within that node it goes to the last message sent
  // before it (a contact looping back to the node got several): so a variant's conversions add up
  // to its nodes' conversions. Goals come in as "journey|version|event" keys.
  const converted = c.prepare<[string, string], { variant: string | null; n: number }>(
    `select m.variant, count(distinct m.id) n
     from conversions cv
     join journey_versions v on v.journey_id = cv.journey_id and v.version = cv.version
     join runs r on r.contact_id = cv.contact_id and r.version_id = v.id
     join messages m on m.id = (
       select l.id from messages l
       where l.run_id = r.id and l.node_id = cv.node_id and l.status in ${sentStatuses} and l.created_at <= cv.at
       order by l.created_at desc, l.id desc limit 1)
     where m.template = ?
       and cv.journey_id || '|' || cv.version || '|' || cv.goal in (select value from json_each(?))
     group by m.variant`,
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
  const byVariant = (rows: { variant: string | null; n: number }[]) => new Map(rows.map((r) => [r.variant ?? '', r.n]));

  return {
    stats(key: string, opts: { metric?: StatsMetric; control?: string } = {}): TemplateStats {
      const v = store.current(key);
      if (!v) throw notFound('template', key);
      const s = byVariant(sent.all(key));
      const k = byVariant(clicked.all(key));
      const cv = byVariant(converted.all(key, goalKeys()));
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
      return { key, version: v.version, control, metric, variants, winner };
    },
  };
}

export type TemplateStatsService = ReturnType<typeof createTemplateStats>;
