import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { testContacts } from '../db/schema';
import { normalizePhone } from '../../shared/contacts/phone';
import { TestContactInput } from '../../shared/testSends/testContact';
import { notFound, refuse } from '../services/errors';

export type TestContact = Pick<typeof testContacts.$inferSelect, 'id' | 'name' | 'phone' | 'email' | 'createdBy' | 'createdAt' | 'updatedAt'>;

/**
 * The workspace's list of test contacts (the team's own phones and inboxes):
 * the only addresses a test send may reach. Synchronous, so each change runs
 * in its procedure's audited transaction.
 */
export function createTestContacts(db: Db, now: () => number) {
  const get = (id: number): TestContact => {
    const r = db.select().from(testContacts).where(eq(testContacts.id, id)).get();
    if (!r) throw notFound('test_contact', String(id));
    return r;
  };

  /** A phone or email already on the list under another entry: refused by name, before the unique index would. */
  const clash = (v: { phone: string | null; email: string | null }, except: number | null) => {
    for (const r of db.select().from(testContacts).all()) {
      if (r.id === except) continue;
      if (v.phone !== null && r.phone === v.phone) throw refuse('CONFLICT', 'test_contact_phone_taken', { phone: v.phone, name: r.name });
      if (v.email !== null && r.email === v.email) throw refuse('CONFLICT', 'test_contact_email_taken', { email: v.email, name: r.name });
    }
  };

  const parse = (input: TestContactInput) => {
    const r = TestContactInput.safeParse(input);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw refuse(
        'BAD_REQUEST',
        'invalid_field',
        { field: issue?.path.join('.') || 'test contact', detail: issue?.message ?? 'invalid' },
        {
          issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        },
      );
    }
    return r.data;
  };

  return {
    get,
    list: (): TestContact[] => db.select().from(testContacts).orderBy(asc(testContacts.name), asc(testContacts.id)).all(),

    add(input: TestContactInput, actor: string): TestContact {
      const v = parse(input);
      clash(v, null);
      const t = now();
      const r = db
        .insert(testContacts)
        .values({ ...v, createdBy: actor, createdAt: t, updatedAt: t })
        .returning({ id: testContacts.id })
        .get();
      return get(r.id);
    },

    update(id: number, input: TestContactInput): TestContact {
      get(id);
      const v = parse(input);
      clash(v, id);
      db.update(testContacts)
        .set({ ...v, updatedAt: now() })
        .where(eq(testContacts.id, id))
        .run();
      return get(id);
    },

    remove(id: number): { id: number } {
      get(id);
      db.delete(testContacts).where(eq(testContacts.id, id)).run();
      return { id };
    },

    /**
     * The test contact a test may be addressed to: by id, or by a phone or
     * email (spelt any way: the phone is normalised first). Anything else is
     * refused, naming what was asked: a test never reaches an address that is
     * not on the list.
     */
    recipient(to: { testContactId: number } | { address: string }): TestContact {
      if ('testContactId' in to) {
        const r = db.select().from(testContacts).where(eq(testContacts.id, to.testContactId)).get();
        if (!r) throw refuse('BAD_REQUEST', 'not_on_test_list', { address: `test contact ${to.testContactId}` });
        return r;
      }
      const a = to.address.trim();
      const phone = normalizePhone(a);
      const r = db
        .select()
        .from(testContacts)
        .all()
        .find((x) => x.phone === phone || (x.email !== null && x.email === a.toLowerCase()));
      if (!r) throw refuse('BAD_REQUEST', 'not_on_test_list', { address: a });
      return r;
    },
  };
}

export type TestContacts = ReturnType<typeof createTestContacts>;
