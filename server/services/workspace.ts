import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { workspace } from '../db/schema';
import { ContactPolicy, defaultPolicy } from '../../shared/policy/policy';
import { isTimeZone } from '../../shared/util/time';
import { ServiceError } from './errors';

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
 */
export function createWorkspaceService(db: Db, init: { now: number; timezone?: string; writeKey?: string; approvals?: boolean }) {
  let row = db.select().from(workspace).where(eq(workspace.id, 1)).get();
  if (!row) {
    row = {
      id: 1,
      name: 'Orange Credit',
      writeKey: init.writeKey ?? newWriteKey(),
      timezone: init.timezone ?? 'Asia/Shanghai',
      rngSeed: randomBytes(4).readUInt32BE(0),
      policy: defaultPolicy(),
      createdAt: init.now,
      linkSecret: newLinkSecret(),
      approvals: init.approvals ?? true,
      previousWriteKey: null,
      previousWriteKeyExpiresAt: null,
      linkHosts: [],
    };
    db.insert(workspace).values(row).run();
  }
  if (row.linkSecret === '') {
    // a workspace from before link secrets: links it printed keep their codes (the links table holds them); new ones
    // use this. Only an empty secret is filled, and what is stored is read back: two processes starting at once agree.
    db.update(workspace).set({ linkSecret: newLinkSecret() }).where(and(eq(workspace.id, 1), eq(workspace.linkSecret, ''))).run();
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
  });
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
      if (!Number.isFinite(graceHours) || graceHours < 0 || graceHours > 720) throw new ServiceError('BAD_REQUEST', `graceHours must be 0 to 720 (30 days), got ${graceHours}`);
      const writeKey = newWriteKey();
      const previousWriteKeyExpiresAt = graceHours > 0 ? now + graceHours * 3600_000 : null;
      const previousWriteKey = graceHours > 0 ? cached.writeKey : null;
      db.update(workspace).set({ writeKey, previousWriteKey, previousWriteKeyExpiresAt }).where(eq(workspace.id, 1)).run();
      cached = { ...cached, writeKey, previousWriteKey, previousWriteKeyExpiresAt };
      return { writeKey, previousWriteKeyExpiresAt };
    },

    setApprovals(on: boolean): { approvals: boolean } {
      db.update(workspace).set({ approvals: on }).where(eq(workspace.id, 1)).run();
      cached = { ...cached, approvals: on };
      return { approvals: on };
    },

    setTimezone(tz: string): void {
      if (!isTimeZone(tz)) throw new ServiceError('BAD_REQUEST', `"${tz}" is not an IANA time zone, e.g. Asia/Shanghai`);
      db.update(workspace).set({ timezone: tz }).where(eq(workspace.id, 1)).run();
      cached = { ...cached, timezone: tz };
    },
  };
}

export type WorkspaceService = ReturnType<typeof createWorkspaceService>;
