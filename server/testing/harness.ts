import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../db/client';
import { FakeClock } from '../clock';
import { createServices, type ServiceDeps, type Services } from '../services';
import { SandboxBehaviour } from '../channels/sandbox';
import type { JourneyGraph } from '../../shared/journey/graph';
import { channels, type Channel } from '../../shared/journey/channels';
import { callerAs } from '../trpc/root';
import type { Role } from '../../shared/auth/roles';
import type { User } from '../services/users';
import { testPasswordCost } from './signIn';
import { loadBlueprints, loadMessageTemplates, loadSegments } from '../library/loadLibrary';

export interface TestWorld {
  db: Db;
  clock: FakeClock;
  services: Services;
  /** the admin "tester" */
  caller: ReturnType<typeof callerAs>;
  /** A new user with these roles (login defaults to the roles joined) and a caller acting as them. */
  as: (roles: Role[], login?: string) => { user: User; caller: ReturnType<typeof callerAs> };
  dbPath: string;
  /** Rows of a query on the world's database, for assertions. */
  sql: <T>(query: string, ...args: unknown[]) => T[];
  /** Every table but `except` as a count and a hash of its rows, in rowid order (a WITHOUT ROWID table in its key's): what an operation that writes nothing must leave as it was. */
  tableDigests: (except?: readonly string[]) => Record<string, string>;
  /** Create a journey with this draft, which must compile, and publish it (a segment entry also enrolling now); its id. */
  publish: (graph: JourneyGraph, name?: string) => Promise<string>;
  close: () => void;
}

/**
 * A real SQLite file in a temp dir, the real library, a fake clock, and a
 * tRPC caller; `providers` replace the sandbox per channel, `sandbox` changes
 * its probabilities (the workspace's rng seed is random, so a test that
 * counts exact outcomes silences the simulated replies it does not want).
 */
export function aTestWorld(
  start = Date.UTC(2026, 10, 2, 2, 0),
  {
    providers,
    sandbox,
    dispatcher,
    approvals = false,
    wallNow,
    rngSeed,
  }: Pick<ServiceDeps, 'providers' | 'sandbox' | 'dispatcher'> & {
    approvals?: boolean;
    wallNow?: () => number;
    /** the workspace's seed (default random): two worlds that must split alike name one */
    rngSeed?: number;
  } = {},
): TestWorld {
  const dir = mkdtempSync(join(tmpdir(), 'journeys-test-'));
  const dbPath = join(dir, 'test.db');
  const db = openDatabase(dbPath);
  const clock = new FakeClock(start);
  const blueprints = loadBlueprints();
  const templates = loadMessageTemplates();
  const segments = loadSegments();
  // four-eyes is off unless a test asks (a single-user install); the engine tests publish directly
  const services = createServices({
    db,
    clock,
    blueprints: () => blueprints,
    templates: () => templates,
    segments: () => segments,
    providers,
    sandbox,
    ...(dispatcher ? { dispatcher } : {}),
    workspace: { approvals, ...(rngSeed === undefined ? {} : { rngSeed }) },
    accounts: { passwordCost: testPasswordCost, ...(wallNow ? { wallNow } : {}) },
  });
  const as = (roles: Role[], login = roles.join('-')) => {
    const { id } = services.users.create({ login, displayName: login, password: 'a-test-password', roles });
    const user = services.users.get(id);
    return { user, caller: callerAs(services, clock, user) };
  };
  const { caller } = as(['admin'], 'tester');
  return {
    db,
    clock,
    services,
    caller,
    as,
    dbPath,
    sql: <T>(query: string, ...args: unknown[]) => db.$client.prepare(query).all(...args) as T[],
    tableDigests(except = []) {
      const tables = db.$client.prepare<[], { name: string; sql: string }>(`select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`).all();
      return Object.fromEntries(
        tables
          .filter(({ name }) => !except.includes(name))
          .map(({ name, sql }) => {
            const rows = db.$client.prepare(`select * from "${name}"${/without rowid/i.test(sql) ? '' : ' order by rowid'}`).all();
            return [name, `${rows.length}:${createHash('sha256').update(JSON.stringify(rows)).digest('hex')}`];
          }),
      );
    },
    async publish(graph, name = 'test') {
      const { id } = await caller.journeys.create({ name });
      const { errors } = await caller.journeys.saveDraft({ id, graph });
      if (errors.length > 0) throw new Error(`journey "${name}" does not compile: ${JSON.stringify(errors)}`);
      // a segment entry enrols at once, as if the operator ticked "also enrol now": engine tests count from the first tick
      await caller.journeys.publish({ id, enrolNow: true });
      return id;
    },
    close() {
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sandbox SMS that are always delivered and never answered: no simulated click or login muddles a count. */
export const silentSms = { sms: SandboxBehaviour.parse({ delivered: 1, responses: [] }) };

/** The same for every channel: for a test that tells where each contact goes, which a simulated login would change now and then. */
export const silentChannels = Object.fromEntries(channels.map((ch) => [ch, SandboxBehaviour.parse({ delivered: 1, responses: [] })])) as Record<Channel, SandboxBehaviour>;
