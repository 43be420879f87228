import { afterEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { rejection } from '../testing/rejection';

let w: TestWorld;
afterEach(() => w.close());

/** The workspace's test contacts: kept by operators and admins, validated, phones spelt as contacts' are, every change audited. */
describe('testing.*Contact', () => {
  it('adds a test contact with its phone normalised like a contact’s, and the audit log names who added it', async () => {
    w = aTestWorld();
    const { caller } = w.as(['operator'], 'olga');
    const added = await caller.testing.addContact({ name: ' Olga ', phone: '+86 138-0000-0001', email: '' });
    expect(added).toMatchObject({ name: 'Olga', phone: '+8613800000001', email: null, createdBy: 'olga' });
    expect(await caller.testing.contacts()).toEqual([added]);
    const audit = w.sql<{ action: string; actor_login: string; object_type: string; object_id: string; diff: string }>("select * from audit_events where action = 'testing.addContact'");
    expect(audit).toMatchObject([{ actor_login: 'olga', object_type: 'test_contact', object_id: String(added.id) }]);
    expect(JSON.parse(audit[0]?.diff ?? '{}')).toMatchObject({ '(value)': [null, { name: 'Olga', phone: '+8613800000001', email: null }] });
  });

  it('refuses with a clear error: no address, a phone that is none, a bad email, one already on the list', async () => {
    w = aTestWorld();
    await expect(w.caller.testing.addContact({ name: 'Nobody' })).rejects.toThrow('give a phone number or an email address (or both)');
    await expect(w.caller.testing.addContact({ name: 'Typo', phone: '138-abc' })).rejects.toThrow(/phone: the phone number is not one/);
    await expect(w.caller.testing.addContact({ name: 'Typo', email: 'olga@' })).rejects.toThrow(/email: the email address is not one/);
    await expect(w.caller.testing.addContact({ name: '', phone: '13800000001' })).rejects.toThrow(/give the test contact a name/);
    await w.caller.testing.addContact({ name: 'Olga', phone: '13800000001', email: 'Olga@Example.com' });
    const dup = await rejection(w.caller.testing.addContact({ name: 'Again', phone: '138 0000 0001' }));
    expect(dup).toMatchObject({ code: 'CONFLICT', message: 'the phone 13800000001 is already a test contact (Olga)' });
    await expect(w.caller.testing.addContact({ name: 'Again', email: 'olga@example.com' })).rejects.toThrow('the email olga@example.com is already a test contact (Olga)');
    // nothing half-written, and a refusal leaves no audit row
    expect(w.sql('select * from test_contacts')).toHaveLength(1);
    expect(w.sql("select * from audit_events where action = 'testing.addContact'")).toHaveLength(1);
  });

  it('updates and removes, each audited with before and after; viewers and copywriters may not touch the list', async () => {
    w = aTestWorld();
    const { id } = await w.caller.testing.addContact({ name: 'Olga', phone: '13800000001' });
    expect(await w.caller.testing.updateContact({ id, name: 'Olga W', phone: '13800000002', email: 'olga@example.com' })).toMatchObject({
      name: 'Olga W',
      phone: '13800000002',
      email: 'olga@example.com',
    });
    const upd = w.sql<{ diff: string }>("select diff from audit_events where action = 'testing.updateContact'");
    expect(JSON.parse(upd[0]?.diff ?? '{}')).toMatchObject({ name: ['Olga', 'Olga W'], phone: ['13800000001', '13800000002'] });
    for (const role of ['viewer', 'copywriter', 'analyst'] as const) {
      const { caller } = w.as([role]);
      expect(await rejection(caller.testing.addContact({ name: 'X', phone: '13800000003' }))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await rejection(caller.testing.removeContact({ id }))).toMatchObject({ code: 'FORBIDDEN' });
    }
    await w.caller.testing.removeContact({ id });
    expect(await w.caller.testing.contacts()).toEqual([]);
    expect(await rejection(w.caller.testing.removeContact({ id }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(w.sql("select object_id from audit_events where action = 'testing.removeContact'")).toEqual([{ object_id: String(id) }]);
  });
});
