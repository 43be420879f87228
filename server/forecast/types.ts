import type { MigrationForecast } from '../services/migration';
import type { Channel } from '../../shared/journey/channels';
import type { UnitPrices } from '../../shared/analytics/cost';

/** Per channel the journey sends on: how many of the audience it cannot reach now, and why. */
export interface ChannelReach {
  channel: Channel;
  /** opted out of the channel: suppressed */
  optedOut: number;
  /** a marketing cap (on the channel or in total) is reached now: deferred (or skipped) until a slot frees */
  capped: number;
  /** in quiet hours for the channel now, in their own time zone: deferred until they end */
  quiet: number;
  /** none of the above: would get it now */
  reachable: number;
  /** whether the caps apply at all: only when some template the journey sends on it is marketing */
  capsApply: boolean;
}

export interface ForecastEntry {
  kind: 'segment' | 'event';
  /** segment key, or event name */
  name: string;
  /** segment: its schedule; event: null */
  schedule: { every: 'once' | 'hour' | 'day' | 'week'; at: string } | null;
  /** when the first contacts enter: now (also enrol now), the schedule's next time, or null (event entry: as the events come) */
  firstAt: number | null;
  /** the schedule's next time whatever the choice (what "also enrol now" changes) */
  nextScheduledAt: number | null;
  /** event entry: matching events in the last 30 days, over the contacts read */
  eventsInLookback: number | null;
}

export interface Forecast {
  journeyId: string;
  /** contacts in flight on the live version and where the automatic mapping would move them (server/services/migration.ts); null before a first version */
  migration: MigrationForecast | null;
  /** the draft's version if it were published now */
  version: number;
  at: number;
  /** the workspace's zone: schedules run in it */
  timezone: string;
  tookMs: number;
  entry: ForecastEntry;
  audience: {
    /** segment: its members now; event: contacts who did the event in the last 30 days */
    count: number;
    /** false when the time budget ran out: the counts are lower bounds over the newest `scanned` contacts */
    exact: boolean;
    scanned: number;
    /** contacts in the workspace (counted only when the scan was capped; else `scanned`) */
    contacts: number;
    /** `count` scaled from the contacts read to all of them (= count when exact) */
    estimate: number;
    /** who would enter: members the re-entry policy and the exclusion group admit, at most the entry limit's remainder */
    admitted: number;
    /** kept out by re-entry: in this journey now or before */
    alreadyEntered: number;
    /** in another live or paused journey now, any of them */
    inOtherJourneys: number;
    /** the same, per journey (those with any) */
    otherJourneys: { id: string; name: string; status: string; count: number; sameGroup: boolean }[];
    /** the journey's mutual-exclusion group and how many of the audience it skips (in a journey of the same group) */
    exclusion: { group: string; skipped: number } | null;
    /** the entry limit's remainder (settings.entry.maxContacts), or null without one */
    entryLimitLeft: number | null;
  };
  reach: ChannelReach[];
  messages: {
    /** the compile's static bound: most messages one contact can get in one pass, per channel (null: unbounded, a version published before the loop rule) */
    perContact: Record<Channel, number | null>;
    perContactTotal: number | null;
    /** for `admitted` contacts (segment) or a day's entries (event): at most this many, per channel */
    total: Record<Channel, number | null>;
    /** the most SMS parts (billed units) one message of each SMS template has, rendered for the newest member */
    smsPartsPerMessage: Record<string, number>;
    smsPartsPerContact: number | null;
    smsParts: number | null;
    /** the longest variant of each robo-call script, in billed minutes */
    callMinutesPerCall: Record<string, number>;
    callMinutesPerContact: number | null;
    callMinutes: number | null;
    /** yuan, at the workspace's unit prices: per channel and in total; null where a bound is unbounded */
    cost: Record<Channel, number | null>;
    costTotal: number | null;
    /** `total` counts contacts of one enrolment (segment) or one day (event) */
    per: 'enrolment' | 'day';
  };
  prices: UnitPrices;
}
