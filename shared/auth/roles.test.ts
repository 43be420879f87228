import { describe, expect, it } from 'vitest';
import { Login, Password, hasRole, maskPhone, roles, seesPii, type Role } from './roles';

describe('maskPhone: what a viewer sees of a number', () => {
  it.each([
    ['13800010001', '138****0001'],
    ['+8613800010001', '+86138****0001'],
    ['+12125550100', '+121****0100'],
    ['01012345678', '010****5678'],
    ['12345678', '123*5678'],
    // seven digits or fewer: no prefix is kept, only the last four
    ['1234567', '***4567'],
    ['95588', '*5588'],
    ['1234', '1234'],
    ['', ''],
  ])('%s → %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });

  it('keeps null as null (no number is not a masked number)', () => {
    expect(maskPhone(null)).toBeNull();
  });

  it('never shows the middle digits of a full number', () => {
    for (const phone of ['13800010001', '+8613800010001', '+12125550100']) {
      const masked = maskPhone(phone) ?? '';
      expect(masked).toHaveLength(phone.length);
      expect(masked).not.toContain('0001000');
      expect(masked.endsWith(phone.slice(-4))).toBe(true);
    }
  });

  it('stars all but the last four digits of something that is not a plain number', () => {
    expect(maskPhone('call 1380001')).toBe('call ***0001');
    expect(maskPhone('call me')).toBe('call me');
  });
});

describe('hasRole: every user is a viewer, admin holds every role', () => {
  it('a viewer-only user reads and nothing more', () => {
    expect(hasRole(['viewer'], 'viewer')).toBe(true);
    for (const r of roles.filter((x) => x !== 'viewer')) expect(hasRole(['viewer'], r)).toBe(false);
  });

  it('any user is a viewer, even one holding no role at all', () => {
    expect(hasRole([], 'viewer')).toBe(true);
    expect(hasRole(['copywriter'], 'viewer')).toBe(true);
  });

  it('admin has every role', () => {
    for (const r of roles) expect(hasRole(['admin'], r)).toBe(true);
  });

  it('each other role gives exactly its own rights (roles do not imply one another)', () => {
    const others = roles.filter((r): r is Exclude<Role, 'viewer' | 'admin'> => r !== 'viewer' && r !== 'admin');
    for (const held of others) for (const needed of others) expect(hasRole([held], needed), `${held} → ${needed}`).toBe(held === needed);
    expect(hasRole(['operator', 'approver'], 'approver')).toBe(true);
    expect(hasRole(['operator', 'approver'], 'admin')).toBe(false);
  });
});

describe('seesPii: full phone numbers for analysts and admins only', () => {
  it.each<[Role[], boolean]>([
    [['viewer'], false],
    [['copywriter'], false],
    [['operator', 'approver'], false],
    [['analyst'], true],
    [['viewer', 'analyst'], true],
    [['admin'], true],
  ])('%j → %s', (held, sees) => {
    expect(seesPii(held)).toBe(sees);
  });
});

describe('login and password rules', () => {
  it('lower-cases and trims a login, and refuses what cannot be one', () => {
    expect(Login.parse('  Olga.Ops@bank ')).toBe('olga.ops@bank');
    expect(Login.safeParse('a').success).toBe(false);
    expect(Login.safeParse('has space').success).toBe(false);
    expect(Login.safeParse('-dash-first').success).toBe(false);
  });

  it('wants at least 10 characters of password, and says so', () => {
    const r = Password.safeParse('short');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('a password needs at least 10 characters');
    expect(Password.safeParse('long-enough-1').success).toBe(true);
  });
});
