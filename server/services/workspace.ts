import { randomBytes } from 'node:crypto';
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
}

const newLinkSecret = (): string => randomBytes(32).toString('base64url');

/**
 * The one workspace row: created on first start (with a fresh write key), read
 * through a cache the engine consults on every batch, written by `policy.set`.
 */
export function createWorkspaceService(db: Db, init: { now: number; timezone?: string; writeKey?: string }) {
  let row = db.select().from(workspace).where(eq(workspace.id, 1)).get();
  if (!row) {
    row = {
      id: 1,
      name: 'Orange Credit',
      writeKey: init.writeKey ?? `wk_${randomBytes(12).toString('hex')}`,
      timezone: init.timezone ?? 'Asia/Shanghai',
      rngSeed: randomBytes(4).readUInt32BE(0),
      policy: defaultPolicy(),
      createdAt: init.now,
      linkSecret: newLinkSecret(),
    };
    db.insert(workspace).values(row).run();
  }
  if (row.linkSecret === '') {
    // a workspace from before link secrets: links it printed keep their codes (the links table holds them); new ones
    // use this. Only an empty secret is filled, and what is stored is read back: two processes starting at once agree.
    db.update(workspace).set({ linkSecret: newLinkSecret() }).where(and(eq(workspace.id, 1), eq(workspace.linkSecret, ''))).run();
    row = db.select().from(workspace).where(eq(workspace.id, 1)).get() ?? row;
  }
  let cached: WorkspaceSettings = {
    name: row.name,
    writeKey: row.writeKey,
    timezone: row.timezone,
    rngSeed: row.rngSeed,
    policy: ContactPolicy.parse(row.policy),
    linkSecret: row.linkSecret,
  };

  return {
    settings: (): WorkspaceSettings => cached,
    getPolicy: (): ContactPolicy => cached.policy,
    setPolicy(input: ContactPolicy): ContactPolicy {
      const policy = ContactPolicy.parse(input);
      db.update(workspace).set({ policy }).where(eq(workspace.id, 1)).run();
      cached = { ...cached, policy };
      return policy;
    },
    setTimezone(tz: string): void {
      if (!isTimeZone(tz)) throw new ServiceError('BAD_REQUEST', `"${tz}" is not an IANA time zone, e.g. Asia/Shanghai`);
      db.update(workspace).set({ timezone: tz }).where(eq(workspace.id, 1)).run();
      cached = { ...cached, timezone: tz };
    },
  };
}

export type WorkspaceService = ReturnType<typeof createWorkspaceService>;
