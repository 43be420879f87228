import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { openDatabase, type Db } from '../db/client';
import { createUserService, type UserService } from './users';
import { ServiceError } from './errors';
import { testPasswordCost } from '../testing/signIn';
import { aTestWorld } from '../testing/harness';
import { rejection } from '../testing/rejection';
import { verifyPassword } from '../auth/passwords';

const T0 = Date.UTC(2026, 10, 2, 2, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const pw = 'correct-horse-battery';
const at = { ip: '10.0.0.1', userAgent: 'vitest' };

let db: Db;
let now: number;
let users: UserService;
const service = (session?: { idleMs?: number; maxMs?: number }) => createUserService({ db, wallNow: () => now, passwordCost: testPasswordCost, ...(session ? { session } : {}) });

beforeEach(() => {
  db = openDatabase(':memory:');
  now = T0;
  users = service();
});
afterEach(() => db.$client.close());

/** The refusal a service call threw (the test fails if it did not throw a ServiceError). */
function refusalOf(f: () => unknown): ServiceError {
  let caught: unknown = null;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ServiceError);
  return caught as ServiceError;
}

const aUser = (login: string, roles: Parameters<UserService['create']>[0]['roles'] = ['viewer'], password = pw) => users.create({ login, displayName: login.toUpperCase(), password, roles }).id;

async function signedIn(login: string, password = pw, meta = at): Promise<string> {
  const r = await users.signIn(login, password, meta);
  if (!r.ok) throw new Error(`sign-in as ${login}: ${r.status} ${r.error}`);
  return r.token;
}

describe('accounts', () => {
  it('creates a user with a lower-cased login; a login is unique whatever its case', () => {
    const id = users.create({ login: 'Olga', displayName: 'Olga Ops', password: pw, roles: ['operator', 'operator'] }).id;
    expect(users.get(id)).toEqual({ id, login: 'olga', displayName: 'Olga Ops', roles: ['operator'], active: true, createdAt: T0, lastSignInAt: null, locale: null });
    const e = refusalOf(() => users.create({ login: 'OLGA', displayName: 'Another', password: pw, roles: ['viewer'] }));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toBe('the login "olga" is taken');
    expect(users.count()).toBe(1);
  });

  it('refuses a bad login, a short password or no role, naming the rule', () => {
    expect(() => users.create({ login: 'x', displayName: 'X', password: pw, roles: ['viewer'] })).toThrow(ZodError);
    expect(() => users.create({ login: 'xavier', displayName: 'X', password: 'short', roles: ['viewer'] })).toThrow(/at least 10 characters/);
    expect(() => users.create({ login: 'xavier', displayName: 'X', password: pw, roles: [] })).toThrow(/at least one role/);
    expect(users.count()).toBe(0);
  });

  it('stores the password only as a scrypt hash, and never returns it', async () => {
    const id = aUser('vera');
    const [row] = db.$client.prepare('select password_hash from users where id = ?').all(id) as { password_hash: string }[];
    expect(row?.password_hash).toMatch(/^scrypt\$1024\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(row?.password_hash).not.toContain(pw);
    expect(await verifyPassword(pw, row?.password_hash ?? '')).toBe(true);
    expect(await verifyPassword('wrong-password', row?.password_hash ?? '')).toBe(false);
    for (const u of [users.get(id), ...users.list()]) {
      expect(Object.keys(u).sort()).toEqual(['active', 'createdAt', 'displayName', 'id', 'lastSignInAt', 'locale', 'login', 'roles']);
      expect(JSON.stringify(u)).not.toContain('scrypt');
    }
  });

  it('over tRPC too: users.list and users.create answer no hash, and a taken login is CONFLICT', async () => {
    const w = aTestWorld();
    try {
      const { id } = await w.caller.users.create({ login: 'vera', displayName: 'Vera', password: pw, roles: ['viewer'] });
      const list = await w.caller.users.list();
      expect(list.map((u) => u.login)).toEqual(['tester', 'vera']);
      expect(JSON.stringify(list)).not.toMatch(/scrypt|password/i);
      expect(list.find((u) => u.id === id)).toMatchObject({ displayName: 'Vera', roles: ['viewer'], active: true });
      const e = await rejection(w.caller.users.create({ login: 'VERA', displayName: 'V2', password: pw, roles: ['viewer'] }));
      expect(e.code).toBe('CONFLICT');
      expect(e.message).toContain('"vera" is taken');
    } finally {
      w.close();
    }
  });
});

describe('the UI language', () => {
  it('is saved on the account, read back by every session (auth.me), and cleared with null', async () => {
    const id = aUser('vera');
    expect(users.get(id).locale).toBeNull();
    expect(users.setLocale(id, 'en').locale).toBe('en');
    const r = await users.signIn('vera', pw, at);
    if (!r.ok) throw new Error(r.error);
    expect(users.authenticate(r.token)?.user.locale).toBe('en');
    expect(users.list().find((u) => u.id === id)?.locale).toBe('en');
    expect(users.setLocale(id, null).locale).toBeNull();
    expect(users.authenticate(r.token)?.user.locale).toBeNull();
  });

  it('refuses a language the product does not speak, naming the ones it does', () => {
    const id = aUser('vera');
    expect(() => users.setLocale(id, 'fr')).toThrow(/zh-CN, en/);
    expect(users.get(id).locale).toBeNull();
  });

  it("over tRPC: auth.setLocale sets the caller's own; auth.me and workspace.get tell the client what to pick from", async () => {
    const w = aTestWorld();
    try {
      const viewer = w.as(['viewer'], 'vic');
      expect(await viewer.caller.auth.me()).toMatchObject({ login: 'vic', locale: null });
      expect(await viewer.caller.auth.setLocale({ locale: 'zh-CN' })).toEqual({ locale: 'zh-CN' });
      expect(w.services.users.get(viewer.user.id).locale).toBe('zh-CN');
      expect(w.services.users.get((await w.caller.auth.me()).id).locale).toBeNull();
      expect((await rejection(viewer.caller.auth.setLocale({ locale: 'de' as 'en' }))).code).toBe('BAD_REQUEST');
      // a new workspace speaks Chinese to whoever chose nothing and whose browser speaks neither language
      expect((await viewer.caller.workspace.get()).locale).toBe('zh-CN');
    } finally {
      w.close();
    }
  });
});

describe('signing in', () => {
  it('a right login and password starts a session whose token is stored only as its hash', async () => {
    const id = aUser('vera');
    const r = await users.signIn('  VERA ', pw, at);
    expect(r).toMatchObject({ ok: true, user: { id, login: 'vera' }, expiresAt: T0 + 12 * HOUR });
    if (!r.ok) return;
    expect(users.get(id).lastSignInAt).toBe(T0);
    const rows = db.$client.prepare('select token_hash, user_id, ip, user_agent from sessions').all() as { token_hash: string; user_id: string; ip: string; user_agent: string }[];
    expect(rows).toEqual([{ token_hash: expect.any(String), user_id: id, ip: '10.0.0.1', user_agent: 'vitest' }]);
    expect(rows[0]?.token_hash).not.toBe(r.token);
    expect(users.authenticate(r.token)?.user.id).toBe(id);
  });

  it('a wrong password and an unknown login get the same answer', async () => {
    aUser('vera');
    expect(await users.signIn('vera', 'not-the-password', at)).toEqual({ ok: false, status: 401, error: 'wrong login or password', messageRef: { code: 'wrong_login', params: {} } });
    expect(await users.signIn('nobody', pw, at)).toMatchObject({ ok: false, status: 401, error: 'wrong login or password' });
    expect(db.$client.prepare('select count(*) n from sessions').get()).toEqual({ n: 0 });
  });

  it('5 failures lock the login for 15 minutes, even against the right password', async () => {
    aUser('vera');
    for (let i = 0; i < 5; i++) expect((await users.signIn('vera', `guess-${i}-guess`, at)).ok).toBe(false);
    expect(await users.signIn('vera', pw, at)).toEqual({
      ok: false,
      status: 429,
      error: 'too many failed sign-in attempts; try again in 15 minutes',
      messageRef: { code: 'sign_in_locked', params: { minutes: 15 } },
    });
    // from another address too: the lock is on the login
    expect((await users.signIn('vera', pw, { ...at, ip: '10.9.9.9' })).ok).toBe(false);
    now += 10 * MINUTE;
    expect(await users.signIn('vera', pw, at)).toMatchObject({ status: 429, error: expect.stringContaining('5 minutes') });
    now += 5 * MINUTE + 1;
    expect((await users.signIn('vera', pw, at)).ok).toBe(true);
  });

  it("a success clears the login's failures", async () => {
    aUser('vera');
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) expect(await users.signIn('vera', 'wrong-password', at)).toMatchObject({ status: 401 });
      expect((await users.signIn('vera', pw, at)).ok).toBe(true);
    }
  });

  it('30 failures from one IP across logins block that IP for every login, and no other IP', async () => {
    aUser('real');
    for (let n = 0; n < 6; n++) for (let i = 0; i < 5; i++) expect(await users.signIn(`spray-${n}`, 'wrong-password', at)).toMatchObject({ status: 401 });
    expect(await users.signIn('real', pw, at)).toMatchObject({ ok: false, status: 429, error: expect.stringContaining('try again in') });
    expect((await users.signIn('real', pw, { ...at, ip: '10.0.0.2' })).ok).toBe(true);
  });

  it('29 failures from one IP do not block it', async () => {
    aUser('real');
    for (let n = 0; n < 29; n++) await users.signIn(`spray-${n}`, 'wrong-password', at);
    expect((await users.signIn('real', pw, at)).ok).toBe(true);
  });

  it('a deactivated user is refused with 403 (and a wrong password still gets the plain 401)', async () => {
    const id = aUser('vera');
    aUser('boss', ['admin']);
    users.update(id, { active: false });
    expect(await users.signIn('vera', pw, at)).toEqual({
      ok: false,
      status: 403,
      error: 'the account "vera" is deactivated; ask an admin',
      messageRef: { code: 'account_deactivated', params: { login: 'vera' } },
    });
    expect(await users.signIn('vera', 'wrong-password', at)).toMatchObject({ status: 401 });
  });
});

describe('sessions', () => {
  it('an unknown, empty or signed-out token authenticates no one', async () => {
    aUser('vera');
    const token = await signedIn('vera');
    expect(users.authenticate(undefined)).toBeNull();
    expect(users.authenticate('')).toBeNull();
    expect(users.authenticate(`${token}x`)).toBeNull();
    users.signOut(token);
    expect(users.authenticate(token)).toBeNull();
  });

  it('expires after 12 idle hours by default', async () => {
    aUser('vera');
    const token = await signedIn('vera');
    now += 12 * HOUR - 1;
    const fresh = await signedIn('vera');
    expect(users.authenticate(token)).not.toBeNull();
    expect(users.authenticate(fresh)).not.toBeNull();
    now += 12 * HOUR;
    expect(users.authenticate(token)).toBeNull();
  });

  it('slides while used, and expires when left idle', async () => {
    users = service({ idleMs: HOUR, maxMs: 10 * HOUR });
    aUser('vera');
    const token = await signedIn('vera');
    for (let i = 0; i < 5; i++) {
      now += 50 * MINUTE;
      expect(users.authenticate(token)?.user.login, `after ${(i + 1) * 50} minutes`).toBe('vera');
    }
    const [row] = db.$client.prepare('select expires_at from sessions').all() as { expires_at: number }[];
    expect(row?.expires_at).toBe(now + HOUR);
    now += HOUR;
    expect(users.authenticate(token)).toBeNull();
  });

  it('ends at the absolute limit however busy it is', async () => {
    users = service({ idleMs: HOUR, maxMs: 3 * HOUR });
    aUser('vera');
    const token = await signedIn('vera');
    const start = now;
    while (now + 30 * MINUTE < start + 3 * HOUR) {
      now += 30 * MINUTE;
      expect(users.authenticate(token)).not.toBeNull();
    }
    now = start + 3 * HOUR;
    expect(users.authenticate(token)).toBeNull();
  });

  it('signing out ends only that session', async () => {
    aUser('vera');
    const laptop = await signedIn('vera');
    const phone = await signedIn('vera');
    users.signOut(laptop);
    expect(users.authenticate(laptop)).toBeNull();
    expect(users.authenticate(phone)?.user.login).toBe('vera');
  });

  it('deactivating a user ends their sessions at once, and reactivating does not bring them back', async () => {
    const id = aUser('vera');
    aUser('boss', ['admin']);
    const token = await signedIn('vera');
    users.update(id, { active: false });
    expect(users.authenticate(token)).toBeNull();
    expect(db.$client.prepare('select count(*) n from sessions where user_id = ?').get(id)).toEqual({ n: 0 });
    users.update(id, { active: true });
    expect(users.authenticate(token)).toBeNull();
    expect((await users.signIn('vera', pw, at)).ok).toBe(true);
  });

  it('a password reset ends the sessions; only the new password works', async () => {
    const id = aUser('vera');
    const token = await signedIn('vera');
    users.setPassword(id, 'brand-new-password');
    expect(users.authenticate(token)).toBeNull();
    expect(await users.signIn('vera', pw, at)).toMatchObject({ status: 401 });
    expect((await users.signIn('vera', 'brand-new-password', at)).ok).toBe(true);
    expect(() => users.setPassword(id, 'short')).toThrow(/at least 10/);
    expect(refusalOf(() => users.setPassword('no-such-user', 'brand-new-password')).code).toBe('NOT_FOUND');
  });

  it("a deactivated user's session row, if one survived, still authenticates no one", async () => {
    const id = aUser('vera');
    const token = await signedIn('vera');
    db.$client.prepare('update users set active = 0 where id = ?').run(id);
    expect(users.authenticate(token)).toBeNull();
  });
});

describe('changing roles and the last admin', () => {
  it('changes name and roles', () => {
    const id = aUser('vera');
    expect(users.update(id, { displayName: 'Vera V', roles: ['viewer', 'analyst'] })).toMatchObject({ displayName: 'Vera V', roles: ['viewer', 'analyst'], active: true });
    expect(refusalOf(() => users.update(id, { roles: [] })).code).toBe('BAD_REQUEST');
    expect(refusalOf(() => users.update('nobody', { active: false })).code).toBe('NOT_FOUND');
  });

  it('the last active admin can neither be deactivated nor lose admin', () => {
    const boss = aUser('boss', ['admin']);
    const e = refusalOf(() => users.update(boss, { active: false }));
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toContain('last active admin');
    expect(refusalOf(() => users.update(boss, { roles: ['operator'] })).code).toBe('CONFLICT');
    expect(users.get(boss)).toMatchObject({ active: true, roles: ['admin'] });
    // a deactivated admin does not count
    const other = aUser('other', ['admin']);
    users.update(other, { active: false });
    expect(refusalOf(() => users.update(boss, { roles: ['viewer'] })).code).toBe('CONFLICT');
    // with a second active admin, either may go
    users.update(other, { active: true });
    expect(users.update(boss, { roles: ['viewer'] }).roles).toEqual(['viewer']);
    expect(refusalOf(() => users.update(other, { active: false })).code).toBe('CONFLICT');
  });

  it('over tRPC: CONFLICT, and the admin keeps admin', async () => {
    const w = aTestWorld();
    try {
      const me = (await w.caller.auth.me()).id;
      expect((await rejection(w.caller.users.update({ id: me, active: false }))).code).toBe('CONFLICT');
      expect((await rejection(w.caller.users.update({ id: me, roles: ['viewer'] }))).code).toBe('CONFLICT');
      expect((await w.caller.auth.me()).roles).toEqual(['admin']);
    } finally {
      w.close();
    }
  });
});

describe('the first admin', () => {
  it('on an empty table: "admin" with a generated password that signs in, returned once', async () => {
    const first = users.ensureFirstAdmin({});
    expect(first).toEqual({ login: 'admin', password: expect.stringMatching(/^[A-Za-z0-9]{20}$/) });
    expect(users.list()).toMatchObject([{ login: 'admin', displayName: 'Administrator', roles: ['admin'], active: true }]);
    expect(JSON.stringify(db.$client.prepare('select * from users').all())).not.toContain(first?.password);
    expect((await users.signIn('admin', first?.password ?? '', at)).ok).toBe(true);
    expect(users.ensureFirstAdmin({})).toBeNull();
    expect(users.count()).toBe(1);
  });

  it('from ADMIN_LOGIN / ADMIN_PASSWORD: the password is not echoed back', async () => {
    expect(users.ensureFirstAdmin({ login: 'Root', password: 'given-admin-password' })).toEqual({ login: 'root', password: null });
    expect((await users.signIn('root', 'given-admin-password', at)).ok).toBe(true);
  });

  it('not when any user exists, even a non-admin', () => {
    aUser('vera');
    expect(users.ensureFirstAdmin({ login: 'root', password: 'given-admin-password' })).toBeNull();
    expect(users.list().map((u) => u.login)).toEqual(['vera']);
  });

  it('refuses a short ADMIN_PASSWORD rather than create a weak admin', () => {
    expect(() => users.ensureFirstAdmin({ password: 'short' })).toThrow(/at least 10/);
    expect(users.count()).toBe(0);
  });
});

describe("changing one's own password", () => {
  it('needs the current password', async () => {
    const id = aUser('vera');
    const e = refusalOf(() => users.changePassword(id, 'not-the-password', 'brand-new-password'));
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.message).toBe('the current password is wrong');
    users.changePassword(id, pw, 'brand-new-password');
    expect(await users.signIn('vera', pw, at)).toMatchObject({ status: 401 });
    expect((await users.signIn('vera', 'brand-new-password', at)).ok).toBe(true);
  });

  it('over tRPC: auth.changePassword refuses a wrong current password with BAD_REQUEST', async () => {
    const w = aTestWorld();
    try {
      const { caller } = w.as(['viewer'], 'vera');
      const e = await rejection(caller.auth.changePassword({ current: 'wrong-password', password: 'brand-new-password' }));
      expect(e.code).toBe('BAD_REQUEST');
      expect(e.message).toBe('the current password is wrong');
      expect(await caller.auth.changePassword({ current: 'a-test-password', password: 'brand-new-password' })).toEqual({ ok: true });
      expect((await w.services.users.signIn('vera', 'brand-new-password', at)).ok).toBe(true);
    } finally {
      w.close();
    }
  });
});
