import { and, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { contacts, events, journeys, journeyVersions, runs, segments } from '../db/schema';
import type { Clock } from '../clock';
import { compile } from '../../shared/journey/compile';
import { JourneyGraph } from '../../shared/journey/graph';
import type { CompileRefs } from '../../shared/journey/kind';
import type { CompiledJourney } from '../../shared/journey/machine';
import { kindDef, type ConfigOf } from '../../shared/journey/registry';
import { channels, type Channel } from '../../shared/journey/channels';
import { walkBounds } from '../../shared/journey/analysis';
import { RuleSet } from '../../shared/segments/rules';
import { quietUntil } from '../../shared/policy/decide';
import type { ContactPolicy } from '../../shared/policy/policy';
import type { UnitPrices } from '../../shared/analytics/cost';
import { smsStats } from '../../shared/templates/sms';
import { billedMinutes } from '../../shared/templates/voice';
import { DAY } from '../../shared/util/time';
import { ruleSetSql, filtersSql } from '../segments/ruleSql';
import { defaultPreviewBounds, type PreviewBounds } from '../segments/previewScan';
import { exclusionSql, reentrySql } from '../engine/enrol';
import { nextScheduledAt } from '../engine/segmentEntry';
import { scanAudience } from '../forecast/scanAudience';
import { cappedSql } from '../forecast/cappedSql';
import type { ChannelReach, Forecast, ForecastEntry } from '../forecast/types';

export type { ChannelReach, Forecast, ForecastEntry } from '../forecast/types';
import type { TemplateStore } from '../templates/store';
import type { TemplateService } from './templates';
import type { MigrationForecast } from './migration';
import type { MigrationNode } from '../../shared/journey/migration';
import { notFound, refuse } from './errors';

/** Days of an event the forecast of an event entry looks back on. */
export const eventLookbackDays = 30;

/**
 * Half a second: the forecast answers within a publish dialog's opening, on
 * a million contacts too. Past it, every audience count is a lower bound over
 * the newest contacts read, with an estimate scaled to all of them.
 */
export const forecastBounds: PreviewBounds = { ...defaultPreviewBounds, budgetMs: 500 };

export interface ForecastDeps {
  db: Db;
  clock: Clock;
  refs: () => CompileRefs;
  settings: () => { timezone: string; policy: ContactPolicy; unitPrices: UnitPrices };
  templateStore: TemplateStore;
  templates: TemplateService;
  bounds?: Partial<PreviewBounds>;
  /** in-flight contacts of the live version under the automatic mapping to the draft's nodes (live-version migration) */
  migration?: (journeyId: string, draftNodes: MigrationNode[]) => MigrationForecast | null;
}

const sumOrNull = (xs: readonly (number | null)[]): number | null => (xs.some((x) => x === null) ? null : xs.reduce<number>((a, b) => a + (b as number), 0));
const times = (a: number | null, b: number): number | null => (a === null ? null : a * b);
const yuan = (x: number): number => Math.round(x * 100) / 100;

/** The machine's walks, for bounds weighted otherwise than one per message (SMS parts, call minutes). */
function weightedBound(m: CompiledJourney, weight: (id: string) => number): number | null {
  const ids = Object.keys(m.nodes).sort();
  const adj = new Map(ids.map((id) => [id, Object.values(m.nodes[id]?.next ?? {})]));
  const limit = (id: string): number | null => {
    const n = m.nodes[id];
    return n ? (kindDef(n.kind).maxVisits?.(n.config) ?? null) : null;
  };
  return walkBounds(ids, adj, weight, limit).get(m.entry) ?? 0;
}

/**
 * The publish dialog's forecast for a journey's draft, from current data:
 * who would enter and when, who of them is already elsewhere or cannot be
 * reached now under the contact policy, and how many messages, SMS parts,
 * call minutes and yuan that means at most. Every count is SQL over the
 * tables (counts, never rows), in one time-bounded pass over contacts.
 */
export function createForecastService({ db, clock, refs, settings, templateStore, templates, bounds = {}, migration }: ForecastDeps) {
  const scanBounds: PreviewBounds = { ...forecastBounds, ...bounds };

  return {
    async forecast(journeyId: string, { enrolNow = false }: { enrolNow?: boolean } = {}): Promise<Forecast> {
      const started = performance.now();
      const j = db.select().from(journeys).where(eq(journeys.id, journeyId)).get();
      if (!j) throw notFound('journey', journeyId);
      const compiled = compile(JourneyGraph.parse(j.draft), refs());
      if (!compiled.ok) throw refuse('BAD_REQUEST', 'journey_problems', { name: j.name, count: compiled.errors.length, purpose: 'forecast' }, { errors: compiled.errors });
      const machine = compiled.value;
      const now = clock.now();
      const ws = settings();
      const entryNode = machine.nodes[machine.entry];
      if (!entryNode) throw refuse('BAD_REQUEST', 'journey_no_entry', {});

      // who the audience is, and when they first enter
      let member: SQL;
      let entry: ForecastEntry;
      const sums: Record<string, SQL> = {};
      if (entryNode.kind === 'trigger.segment') {
        const cfg = entryNode.config as ConfigOf<'trigger.segment'>;
        const seg = db.select().from(segments).where(eq(segments.key, cfg.segment)).get();
        member = seg ? ruleSetSql(RuleSet.parse(seg.rules), now) : sql`0`;
        const next = nextScheduledAt(cfg.schedule, now, ws.timezone);
        const from = machine.settings.entry.from ? Date.parse(machine.settings.entry.from) : null;
        entry = { kind: 'segment', name: cfg.segment, schedule: cfg.schedule, firstAt: Math.max(enrolNow ? now : next, from ?? 0), nextScheduledAt: next, eventsInLookback: null };
      } else {
        const cfg = entryNode.config as ConfigOf<'trigger.event'>;
        const recent = sql`from ${events} where ${events.contactId} = ${contacts.id} and ${events.name} = ${cfg.event} and ${events.at} > ${now - eventLookbackDays * DAY} and ${events.at} <= ${now}${filtersSql(cfg.filter)}`;
        member = sql`exists (select 1 ${recent})`;
        sums.events = sql`(select count(*) ${recent})`;
        entry = { kind: 'event', name: cfg.event, schedule: null, firstAt: null, nextScheduledAt: null, eventsInLookback: 0 };
      }

      // the journey's channels, and whether its caps apply to each (a marketing template on it)
      const sends = Object.values(machine.nodes).flatMap((n) => {
        const s = kindDef(n.kind).sends?.(n.config);
        return s ? [{ nodeId: n.id, ...s }] : [];
      });
      const used = channels.filter((ch) => sends.some((s) => s.channel === ch));
      const marketing = new Set(sends.filter((s) => (templateStore.current(s.template)?.category ?? 'marketing') === 'marketing').map((s) => s.channel));

      const others = db
        .select({ id: journeys.id, name: journeys.name, status: journeys.status })
        .from(journeys)
        .where(and(inArray(journeys.status, ['live', 'paused']), ne(journeys.id, journeyId)))
        .all();
      // the group each of them is in, as its running version says
      const groupOf = new Map(
        others.length
          ? db
              .select({ id: journeyVersions.journeyId, group: sql<string | null>`${journeyVersions.machine} ->> '$.settings.exclusionGroup'` })
              .from(journeyVersions)
              .where(
                and(
                  inArray(
                    journeyVersions.journeyId,
                    others.map((o) => o.id),
                  ),
                  sql`${journeyVersions.version} = (select max(w.version) from ${journeyVersions} w where w.journey_id = ${journeyVersions.journeyId})`,
                ),
              )
              .all()
              .map((r) => [r.id, r.group])
          : [],
      );
      const admitting = { journeyId, machine };
      const excluded = exclusionSql(admitting);
      const reentry = reentrySql(db, admitting, now);
      const flags: Record<string, SQL> = {
        admitted: excluded ? sql`${reentry} and not ${excluded}` : reentry,
        alreadyEntered: sql`not ${reentry}`,
        excluded: excluded ?? sql`0`,
        elsewhere: others.length
          ? sql`exists (select 1 from runs o where o.contact_id = ${contacts.id} and o.status <> 'exited' and o.journey_id in (${sql.join(
              others.map((o) => sql`${o.id}`),
              sql`, `,
            )}))`
          : sql`0`,
      };
      for (const ch of used) {
        flags[`optedOut:${ch}`] = sql`instr(${contacts.optOuts}, ${`"${ch}"`}) > 0`;
        flags[`capped:${ch}`] = marketing.has(ch) ? cappedSql(ws.policy, ch, now) : sql`0`;
        flags[`blocked:${ch}`] = sql`(${flags[`optedOut:${ch}`] as SQL} or ${flags[`capped:${ch}`] as SQL})`;
      }

      const scan = await scanAudience(db, { member, flags, sums, journeys: others.map((o) => o.id), defaultTimezone: ws.timezone }, scanBounds);
      const f = (name: string) => scan.flags[name] ?? 0;
      const contactsTotal = scan.capped
        ? (db
            .select({ n: sql<number>`count(*)` })
            .from(contacts)
            .get()?.n ?? scan.scanned)
        : scan.scanned;
      const scale = (n: number) => (scan.capped && scan.scanned > 0 ? Math.round((n * contactsTotal) / scan.scanned) : n);

      // entry limit: what is left of it
      const { maxContacts } = machine.settings.entry;
      const entered =
        maxContacts === null
          ? 0
          : (db
              .select({ n: sql<number>`count(*)` })
              .from(runs)
              .where(sql`${runs.versionId} in (select ${journeyVersions.id} from ${journeyVersions} where ${journeyVersions.journeyId} = ${journeyId})`)
              .get()?.n ?? 0);
      const entryLimitLeft = maxContacts === null ? null : Math.max(0, maxContacts - entered);
      const admittedRaw = scale(f('admitted'));
      const admitted = entryLimitLeft === null ? admittedRaw : Math.min(admittedRaw, entryLimitLeft);

      // per channel: who cannot be reached now, quiet hours judged in each member's own zone
      const reach = used.map((ch): ChannelReach => {
        let quiet = 0;
        let reachable = 0;
        for (const [zone, z] of scan.byZone) {
          const isQuiet = ws.policy.quietHours.some((q) => q.channels.includes(ch) && quietUntil(q, now, zone) !== null);
          if (isQuiet) quiet += z.members;
          else reachable += z.members - (z.flags[`blocked:${ch}`] ?? 0);
        }
        return { channel: ch, optedOut: scale(f(`optedOut:${ch}`)), capped: scale(f(`capped:${ch}`)), quiet: scale(quiet), reachable: scale(reachable), capsApply: marketing.has(ch) };
      });

      // messages, parts, minutes and cost: the static bounds times the contacts who would enter
      const sample = scan.newest === null ? {} : (db.select({ traits: contacts.traits }).from(contacts).where(eq(contacts.id, scan.newest)).get()?.traits ?? {});
      const render = (key: string) => {
        try {
          return templates.preview({ key, traits: sample }).variants;
        } catch {
          return [];
        }
      };
      const smsPartsPerMessage: Record<string, number> = {};
      const callMinutesPerCall: Record<string, number> = {};
      for (const s of sends) {
        if (s.channel === 'sms' && !(s.template in smsPartsPerMessage)) smsPartsPerMessage[s.template] = Math.max(1, ...render(s.template).map((v) => smsStats(v.parts.body ?? '').parts));
        if (s.channel === 'voice' && !(s.template in callMinutesPerCall))
          callMinutesPerCall[s.template] = Math.max(1, ...render(s.template).map((v) => billedMinutes(Object.values(v.parts).join(' '))));
      }
      const weightOf = (table: Record<string, number>, channel: Channel) => (id: string) => {
        const s = sends.find((x) => x.nodeId === id);
        return s && s.channel === channel ? (table[s.template] ?? 1) : 0;
      };
      const per = entry.kind === 'segment' ? 'enrolment' : 'day';
      const contactsFor = entry.kind === 'segment' ? admitted : admitted / eventLookbackDays;
      const perContact = Object.fromEntries(channels.map((ch) => [ch, machine.maxMessages[ch] ?? null])) as Record<Channel, number | null>;
      const total = Object.fromEntries(channels.map((ch) => [ch, times(perContact[ch], contactsFor)])) as Record<Channel, number | null>;
      const smsPartsPerContact = used.includes('sms') ? weightedBound(machine, weightOf(smsPartsPerMessage, 'sms')) : 0;
      const callMinutesPerContact = used.includes('voice') ? weightedBound(machine, weightOf(callMinutesPerCall, 'voice')) : 0;
      const smsParts = times(smsPartsPerContact, contactsFor);
      const units = (ch: Channel): number | null => (ch === 'sms' ? smsParts : total[ch]);
      const cost = Object.fromEntries(channels.map((ch) => [ch, times(units(ch), ws.unitPrices[ch])])) as Record<Channel, number | null>;
      const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

      if (entry.kind === 'event') entry.eventsInLookback = scale(scan.sums.events ?? 0);
      const version =
        (db
          .select({ v: sql<number | null>`max(${journeyVersions.version})` })
          .from(journeyVersions)
          .where(eq(journeyVersions.journeyId, journeyId))
          .get()?.v ?? 0) + 1;
      return {
        journeyId,
        migration: migration?.(journeyId, Object.values(machine.nodes)) ?? null,
        version,
        at: now,
        timezone: ws.timezone,
        tookMs: Math.round(performance.now() - started),
        entry,
        audience: {
          count: scan.members,
          exact: !scan.capped,
          scanned: scan.scanned,
          contacts: contactsTotal,
          estimate: scale(scan.members),
          admitted,
          alreadyEntered: scale(f('alreadyEntered')),
          inOtherJourneys: scale(f('elsewhere')),
          otherJourneys: others
            .map((o) => ({
              id: o.id,
              name: o.name,
              status: o.status,
              count: scale(scan.perJourney.get(o.id) ?? 0),
              sameGroup: machine.settings.exclusionGroup !== null && groupOf.get(o.id) === machine.settings.exclusionGroup,
            }))
            .filter((o) => o.count > 0)
            .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
          exclusion: machine.settings.exclusionGroup ? { group: machine.settings.exclusionGroup, skipped: scale(f('excluded')) } : null,
          entryLimitLeft,
        },
        reach,
        messages: {
          perContact,
          perContactTotal: sumOrNull(channels.map((ch) => perContact[ch])),
          total: Object.fromEntries(channels.map((ch) => [ch, round(total[ch])])) as Record<Channel, number | null>,
          smsPartsPerMessage,
          smsPartsPerContact,
          smsParts: round(smsParts),
          callMinutesPerCall,
          callMinutesPerContact,
          callMinutes: round(times(callMinutesPerContact, contactsFor)),
          cost: Object.fromEntries(channels.map((ch) => [ch, cost[ch] === null ? null : yuan(cost[ch])])) as Record<Channel, number | null>,
          costTotal: (() => {
            const t = sumOrNull(channels.map((ch) => cost[ch]));
            return t === null ? null : yuan(t);
          })(),
          per,
        },
        prices: ws.unitPrices,
      };
    },
  };
}

export type ForecastService = ReturnType<typeof createForecastService>;
