import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { appRouter, createCaller } from './root';
import type { Meta } from './init';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { roles, type Role } from '../../shared/auth/roles';
import type { User } from '../services/users';

type AnyCaller = Record<string, Record<string, (input?: unknown) => Promise<unknown>>>;
interface ProcDef {
  _def: { type: 'query' | 'mutation' | 'subscription'; meta?: Meta };
}

/** Every procedure in the router, flat: "journeys.publish" → its definition (typed as nested, flat at run time). */
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, ProcDef>).map(([path, p]) => ({ path, type: p._def.type, role: p._def.meta?.role }));

/** Call a procedure by its path, as the HTTP adapter would; what it rejected with, or null. */
async function refusal(caller: ReturnType<typeof createCaller>, path: string, input?: unknown): Promise<unknown> {
  const [area = '', name = ''] = path.split('.');
  const fn = (caller as unknown as AnyCaller)[area]?.[name];
  if (!fn) throw new Error(`no procedure ${path} on the caller`);
  return fn(input).then(
    () => null,
    (e: unknown) => e,
  );
}

/** The roles that matter most, pinned: moving one of these is a decision, not an accident. */
const expectedRoles: Record<string, Role> = {
  'journeys.list': 'viewer',
  'journeys.saveDraft': 'operator',
  'journeys.publish': 'operator',
  'journeys.pause': 'operator',
  'journeys.describe': 'operator',
  'journeys.duplicate': 'operator',
  'journeys.version': 'viewer',
  'journeys.restoreVersion': 'operator',
  'migrations.plan': 'viewer',
  'migrations.migrate': 'operator',
  'templates.save': 'copywriter',
  'templates.promote': 'copywriter',
  'segments.save': 'operator',
  'policy.set': 'admin',
  'users.list': 'admin',
  'users.create': 'admin',
  'users.update': 'admin',
  'users.resetPassword': 'admin',
  'channels.outbox': 'analyst',
  'channels.outboxPage': 'analyst',
  'channels.deadLetters': 'analyst',
  'channels.redrive': 'analyst',
  'channels.discard': 'analyst',
  'channels.health': 'viewer',
  'approvals.approve': 'approver',
  'approvals.reject': 'approver',
  'audit.list': 'analyst',
  'audit.facets': 'analyst',
  'workspace.rotateWriteKey': 'admin',
  'workspace.setApprovals': 'admin',
  'contacts.get': 'viewer',
  'backtests.start': 'operator',
  'backtests.cancel': 'operator',
  'backtests.latest': 'viewer',
  'testing.contacts': 'operator',
  'testing.addContact': 'operator',
  'testing.send': 'operator',
  'testing.sends': 'analyst',
  'testing.trace': 'operator',
  'agentTasks.desk': 'agent',
  'agentTasks.claimNext': 'agent',
  'agentTasks.recordOutcome': 'agent',
  'agentTasks.queues': 'viewer',
  'agentTasks.agents': 'admin',
  'agentTasks.setAgent': 'admin',
};

let w: TestWorld;
/** per role: a user holding every role but that one (and not admin) */
const allBut = new Map<Role, User>();
let admin: User;

beforeAll(() => {
  w = aTestWorld();
  for (const role of roles.filter((r) => r !== 'viewer' && r !== 'admin')) {
    const held = roles.filter((r) => r !== role && r !== 'admin');
    allBut.set(role, w.as(held, `all-but-${role}`).user);
  }
  allBut.set(
    'admin',
    w.as(
      roles.filter((r) => r !== 'admin'),
      'all-but-admin',
    ).user,
  );
  admin = w.services.users.get(w.sql<{ id: string }>(`select id from users where login = 'tester'`)[0]?.id ?? '');
});
afterAll(() => w.close());

const callerFor = (user: User | null) => createCaller({ services: w.services, clock: w.clock, user, actor: user?.displayName ?? 'anonymous', ip: null, requestId: null });

describe('the role table: every procedure in the router', () => {
  it('finds the procedures (the table below is not vacuous)', () => {
    expect(procedures.length).toBeGreaterThan(40);
    expect(procedures.map((p) => p.path)).toEqual(expect.arrayContaining(Object.keys(expectedRoles)));
  });

  it('pins the role of the important procedures', () => {
    const actual = Object.fromEntries(procedures.map((p) => [p.path, p.role]));
    for (const [path, role] of Object.entries(expectedRoles)) expect(actual[path], path).toBe(role);
  });

  // test contacts are the team's phones, test sends hold them and a real contact's copy (like the outbox), and a trace shows one contact's data;
  // an agent's desk holds the full phone number of the contact they call
  it("reading is for everyone signed in: every query but the outbox and its dead letters, the audit log, the user list, test contacts and sends, traces and the agents' call desk needs only viewer", () => {
    const gatedQueries = procedures.filter((p) => p.type === 'query' && p.role !== 'viewer').map((p) => p.path);
    expect(gatedQueries.sort()).toEqual([
      'agentTasks.agents',
      'agentTasks.desk',
      'audit.facets',
      'audit.list',
      'channels.deadLetters',
      'channels.outbox',
      'channels.outboxPage',
      'testing.contacts',
      'testing.sends',
      'testing.trace',
      'users.list',
    ]);
  });

  it.each(procedures)('$path declares a role from the roles list', ({ role }) => {
    expect(role).toBeDefined();
    expect(roles).toContain(role);
  });

  it.each(procedures)('$path answers UNAUTHORIZED without a session, before reading its input', async ({ path }) => {
    const e = await refusal(callerFor(null), path, undefined);
    expect(e).toBeInstanceOf(TRPCError);
    expect((e as TRPCError).code).toBe('UNAUTHORIZED');
    expect((e as TRPCError).message).toContain('sign in');
  });

  it.each(procedures.filter((p) => p.role !== 'viewer'))('$path answers FORBIDDEN naming the $role role to a user holding every other role', async ({ path, role }) => {
    const user = allBut.get(role as Role);
    expect(user?.roles).not.toContain(role);
    const e = await refusal(callerFor(user ?? null), path, {});
    expect(e).toBeInstanceOf(TRPCError);
    expect((e as TRPCError).code).toBe('FORBIDDEN');
    expect((e as TRPCError).message).toBe(`${path} needs the ${String(role)} role`);
  });

  it.each(procedures)('$path lets an admin through (other refusals, like a bad input, are fine)', async ({ path, type }) => {
    const e = await refusal(callerFor(admin), path, type === 'mutation' ? { id: 'nope' } : {});
    if (e !== null) {
      expect(e).toBeInstanceOf(TRPCError);
      expect(['UNAUTHORIZED', 'FORBIDDEN', 'INTERNAL_SERVER_ERROR']).not.toContain((e as TRPCError).code);
    }
  });

  it('a refused call writes no audit row and no change', async () => {
    const before = w.sql<{ n: number }>('select count(*) n from audit_events')[0]?.n;
    const policy = w.services.workspace.getPolicy();
    const e = await refusal(callerFor(allBut.get('admin') ?? null), 'policy.set', { ...policy, caps: [] });
    expect((e as TRPCError).code).toBe('FORBIDDEN');
    expect(w.services.workspace.getPolicy()).toEqual(policy);
    expect(w.sql<{ n: number }>('select count(*) n from audit_events')[0]?.n).toBe(before);
  });

  it('a viewer-only user is refused every procedure that needs more, and allowed the rest', async () => {
    const viewer = w.as(['viewer'], 'just-a-viewer').user;
    for (const { path, role } of procedures) {
      const e = await refusal(callerFor(viewer), path, role === 'viewer' ? {} : undefined);
      if (role === 'viewer') expect((e as TRPCError | null)?.code, path).not.toBe('FORBIDDEN');
      else expect((e as TRPCError | null)?.code, path).toBe('FORBIDDEN');
    }
  });
});
