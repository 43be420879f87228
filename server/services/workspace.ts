import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { workspace } from '../db/schema';
import { ContactPolicy, defaultPolicy } from '../../shared/policy/policy';
import { isTimeZone } from '../../shared/util/time';
import { refuse } from './errors';
import { defaultLocale, Locale as LocaleSchema, matchLocale, type Locale } from '../../shared/i18n/locales';
import { maxLinkHosts, normaliseHost } from '../../shared/templates/linkTargets';
import { pricesWith, UnitPrices, type UnitPrices as Prices } from '../../shared/analytics/cost';

export interface WorkspaceSettings {
  name: string;
  writeKey: string;
  timezone: string;
  rngSeed: number;
  policy: ContactPolicy;
  /** the key of tracked-link codes: internal, never sent to a client */
  linkSecret: string;
  /** four-eyes approval of publishing and of template changes to live journeys */
  approvals: boolean;
  /** the key before the last rotation and until when it still works */
  previousWriteKey: string | null;
  previousWriteKeyExpiresAt: number | null;
  /** hosts tracked links may point at, as an admin set them (empty: the defaults, see `linkHosts()`) */
  linkHosts: string[];
  /** yuan per billed unit (an SMS part, a call, an email), the defaults filled in for channels an admin did not set */
  unitPrices: Prices;
  /** the UI language of a user who chose none and whose browser speaks none the product does */
  locale: Locale;
}

const newWriteKey = (): string => `wk_${randomBytes(12).toString('hex')}`;
const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
/** Equal strings, in time that does not depend on where they differ (both are hashed to 32 bytes first). */
const sameSecret = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

/** How long a rotated-out write key keeps working by default: a day, time to redeploy the SDKs that send with it. */
export const defaultWriteKeyGraceHours = 24;

const newLinkSecret = (): string => randomBytes(32).toString('base64url');

/**
 * The one workspace row: created on first start (with a fresh write key), read
 * through a cache the engine consults on every batch, written by `policy.set`.
 * `defaultLinkHosts` is the link allow-list while an admin has set none: the
 * hosts the shipped templates link to, so the demo's links keep working.
 */
export function createWorkspaceService(
  db: Db,
  init: {
    now: number;
    timezone?: string;
    writeKey?: string;
    approvals?: boolean;
    defaultLinkHosts?: readonly string[];
    /** the simulated world's seed (default random): a story told with a named one replays alike */
    rngSeed?: number;
  },
) {
  let row = db.select().from(workspace).where(eq(workspace.id, 1)).get();
  if (!row) {
    row = {
      id: 1,
      name: 'Orange Credit',
      writeKey: init.writeKey ?? newWriteKey(),
      timezone: init.timezone ?? 'Asia/Shanghai',
      rngSeed: init.rngSeed ?? randomBytes(4).readUInt32BE(0),
      policy: defaultPolicy(),
      createdAt: init.now,
      linkSecret: newLinkSecret(),
      approvals: init.approvals ?? true,
      previousWriteKey: null,
      previousWriteKeyExpiresAt: null,
      linkHosts: [],
      unitPrices: {},
      locale: defaultLocale,
      roi: {},
    };
    db.insert(workspace).values(row).run();
  }
  if (row.linkSecret === '') {
    // a workspace from before link secrets: links it printed keep their codes (the links table holds them); new ones
    // use this. Only an empty secret is filled, and what is stored is read back: two processes starting at once agree.
    db.update(workspace)
      .set({ linkSecret: newLinkSecret() })
      .where(and(eq(workspace.id, 1), eq(workspace.linkSecret, '')))
      .run();
    row = db.select().from(workspace).where(eq(workspace.id, 1)).get() ?? row;
  }
  const fromRow = (r: typeof row): WorkspaceSettings => ({
    name: r.name,
    writeKey: r.writeKey,
    timezone: r.timezone,
    rngSeed: r.rngSeed,
    policy: ContactPolicy.parse(r.policy),
    linkSecret: r.linkSecret,
    approvals: r.approvals,
    previousWriteKey: r.previousWriteKey,
    previousWriteKeyExpiresAt: r.previousWriteKeyExpiresAt,
    linkHosts: r.linkHosts,
    unitPrices: pricesWith(r.unitPrices),
    locale: matchLocale(r.locale) ?? defaultLocale,
  });
  const defaultLinkHosts = [...new Set(init.defaultLinkHosts ?? [])].sort();
  let cached: WorkspaceSettings = fromRow(row);

  return {
    /** Read the row again: after a rolled-back change, the cache must not keep what the database no longer has. */
    reload(): void {
      const r = db.select().from(workspace).where(eq(workspace.id, 1)).get();
      if (r) cached = fromRow(r);
    },
    settings: (): WorkspaceSettings => cached,
    getPolicy: (): ContactPolicy => cached.policy,
    setPolicy(input: ContactPolicy): ContactPolicy {
      const policy = ContactPolicy.parse(input);
      db.update(workspace).set({ policy }).where(eq(workspace.id, 1)).run();
      cached = { ...cached, policy };
      return policy;
    },
    /**
     * Is `key` the write key, or the previous one within its grace period?
     * Compared in constant time; `now` is wall-clock time.
     */
    acceptsWriteKey(key: string, now: number): boolean {
      const { writeKey, previousWriteKey, previousWriteKeyExpiresAt } = cached;
      const current = sameSecret(key, writeKey);
      const previous = previousWriteKey !== null && sameSecret(key, previousWriteKey) && now < (previousWriteKeyExpiresAt ?? 0);
      return current || previous;
    },

    /** A new write key; the old one keeps working for `graceHours` (0: stops at once). */
    rotateWriteKey(graceHours: number, now: number): { writeKey: string; previousWriteKeyExpiresAt: number | null } {
      if (!Number.isFinite(graceHours) || graceHours < 0 || graceHours > 720) throw refuse('BAD_REQUEST', 'grace_hours_range', { got: graceHours });
      const writeKey = newWriteKey();
      const previousWriteKeyExpiresAt = graceHours > 0 ? now + graceHours * 3600_000 : null;
      const previousWriteKey = graceHours > 0 ? cached.writeKey : null;
      db.update(workspace).set({ writeKey, previousWriteKey, previousWriteKeyExpiresAt }).where(eq(workspace.id, 1)).run();
      cached = { ...cached, writeKey, previousWriteKey, previousWriteKeyExpiresAt };
      return { writeKey, previousWriteKeyExpiresAt };
    },

    /** Set the price of a unit per channel (a channel left out keeps its default); the forecast and the cost figures use them. */
    setUnitPrices(input: Partial<Record<keyof Prices, number>>): Prices {
      const set = UnitPrices.parse(input);
      const stored = Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined)) as Partial<Prices>;
      db.update(workspace).set({ unitPrices: stored }).where(eq(workspace.id, 1)).run();
      cached = { ...cached, unitPrices: pricesWith(stored) };
      return cached.unitPrices;
    },

    /** The UI language of users who chose none and whose browser speaks none the product does. */
    setLocale(input: string): { locale: Locale } {
      const locale = LocaleSchema.parse(input);
      db.update(workspace).set({ locale }).where(eq(workspace.id, 1)).run();
      cached = { ...cached, locale };
      return { locale };
    },

    setApprovals(on: boolean): { approvals: boolean } {
      db.update(workspace).set({ approvals: on }).where(eq(workspace.id, 1)).run();
      cached = { ...cached, approvals: on };
      return { approvals: on };
    },

    /** The hosts tracked links may point at now: the admin's list, or the defaults while it is empty. */
    linkHosts: (): readonly string[] => (cached.linkHosts.length > 0 ? cached.linkHosts : defaultLinkHosts),
    defaultLinkHosts: (): readonly string[] => defaultLinkHosts,

    /** Replace the allow-list (host names, or `*.domain` for its subdomains); an empty list goes back to the defaults. */
    setLinkHosts(hosts: readonly string[]): { linkHosts: string[]; effective: readonly string[] } {
      if (hosts.length > maxLinkHosts) throw refuse('BAD_REQUEST', 'link_hosts_max', { max: maxLinkHosts, got: hosts.length });
      const linkHosts: string[] = [];
      for (const [i, h] of hosts.entries()) {
        const n = normaliseHost(h);
        if (n === null) throw refuse('BAD_REQUEST', 'link_host_invalid', { index: i, host: h.slice(0, 80) });
        if (!linkHosts.includes(n)) linkHosts.push(n);
      }
      linkHosts.sort();
      db.update(workspace).set({ linkHosts }).where(eq(workspace.id, 1)).run();
      cached = { ...cached, linkHosts };
      return { linkHosts, effective: linkHosts.length > 0 ? linkHosts : defaultLinkHosts };
    },

    setTimezone(tz: string): void {
      if (!isTimeZone(tz)) throw refuse('BAD_REQUEST', 'time_zone_invalid', { tz });
      db.update(workspace).set({ timezone: tz }).where(eq(workspace.id, 1)).run();
      cached = { ...cached, timezone: tz };
    },
  };
}

export type WorkspaceService = ReturnType<typeof createWorkspaceService>;
