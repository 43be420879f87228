import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { createContactStore } from './contacts';
import { casePrefixes, createContactSearch, type ContactSearch } from './contactSearch';

describe('contact search: by external id, phone or name prefix, any case, in index order', () => {
  let w: TestWorld;
  let search: ContactSearch;
  /** one identified contact; later calls are newer contacts */
  let aContact: (externalId: string | null, traits?: Record<string, unknown>) => number;

  beforeEach(() => {
    w = aTestWorld();
    search = createContactSearch(w.db);
    const store = createContactStore(w.db);
    let anonymous = 0;
    aContact = (externalId, traits = {}) => {
      const id = store.resolve(externalId, externalId ? null : `anon-${++anonymous}`, w.clock.now());
      store.identify(id, traits, w.clock.now());
      return id;
    };
  });
  afterEach(() => w.close());

  const ids = (q: string, limit?: number) => search.search(limit === undefined ? { q } : { q, limit }).map((h) => h.externalId);

  it('finds by external id prefix, ignoring case, in the order SQLite sorts the ids (BINARY: capitals first)', () => {
    aContact('User_1');
    aContact('user_2');
    aContact('USER_3');
    aContact('usher');
    aContact('other');
    expect(ids('user')).toEqual(['USER_3', 'User_1', 'user_2']);
    expect(ids('USER_2')).toEqual(['user_2']);
    expect(ids('us')).toEqual(['USER_3', 'User_1', 'user_2', 'usher']);
  });

  it('puts a value typed in full before the many longer ones it starts, however many newer contacts those are', () => {
    const insert = w.db.$client.prepare("insert into contacts (external_id, traits, opt_outs, created_at, updated_at) values (?, '{}', '[]', 0, 0)");
    w.db.$client.transaction(() => {
      insert.run('u12');
      for (let i = 0; i < 3000; i++) insert.run(`u12${i}`);
    })();
    expect(ids('u12', 3)).toEqual(['u12', 'u120', 'u121']);
    expect(ids('U12', 1)).toEqual(['u12']);
  });

  it('lists contacts with the same name newest first, and a contact matched twice once, by its smaller value', () => {
    const first = aContact('a1', { name: 'zhang' });
    const second = aContact('a2', { name: 'zhang' });
    aContact('zhangsan', { name: 'Zhang San' });
    expect(search.search({ q: 'zhang' }).map((h) => h.id)).toEqual([expect.any(Number), second, first]);
    expect(ids('zhang')).toEqual(['zhangsan', 'a2', 'a1']);
  });

  it('finds by phone prefix and by name, and says which field matched', () => {
    aContact('lin', { name: '林小明', phone: '+8613800000001' });
    aContact('wang', { name: 'Wang Fang', phone: '+8613900000002' });
    aContact('li', { name: 'wanda', phone: '+8618600000003' });
    expect(search.search({ q: '+86138' })).toMatchObject([{ externalId: 'lin', matched: 'phone', name: '林小明', phone: '+8613800000001' }]);
    // typed as people write numbers: the stored spelling has no punctuation
    expect(search.search({ q: '+86 138-' })).toMatchObject([{ externalId: 'lin', matched: 'phone' }]);
    expect(search.search({ q: '+86 (139) 0000' })).toMatchObject([{ externalId: 'wang', matched: 'phone' }]);
    expect(search.search({ q: '林' })).toMatchObject([{ externalId: 'lin', matched: 'name' }]);
    // 'Wang Fang' sorts before 'wanda' (capitals first), and wang's id 'wang' is the field shown
    expect(search.search({ q: 'WAN' }).map((h) => [h.externalId, h.matched])).toEqual([
      ['wang', 'externalId'],
      ['li', 'name'],
    ]);
  });

  it('treats % and _ in the query as text, not wildcards', () => {
    aContact('a_b');
    aContact('axb');
    aContact('50%off');
    aContact('500');
    expect(ids('a_')).toEqual(['a_b']);
    expect(ids('50%')).toEqual(['50%off']);
  });

  it('returns at most 20 (or the limit asked for), and the newest contacts for an empty query', () => {
    for (let i = 0; i < 30; i++) aContact(`u${String(i).padStart(2, '0')}`);
    expect(ids('u')).toHaveLength(20);
    expect(ids('u')[0]).toBe('u00');
    expect(ids('u', 3)).toEqual(['u00', 'u01', 'u02']);
    expect(ids('u', 500)).toHaveLength(20);
    expect(ids('  ')).toEqual(Array.from({ length: 20 }, (_, i) => `u${29 - i}`));
    expect(ids('nobody')).toEqual([]);
  });

  it('lists anonymous contacts too (they are opened by their anonymous id)', () => {
    aContact(null, { name: 'Anna' });
    expect(search.search({ q: 'ann' })).toMatchObject([{ externalId: null, anonymousId: expect.stringMatching(/^anon-/), matched: 'name' }]);
  });

  it('finds a name however old: names are indexed like external ids', () => {
    aContact('old', { name: 'Zhou' });
    const insert = w.db.$client.prepare("insert into contacts (external_id, traits, opt_outs, created_at, updated_at) values (?, '{}', '[]', 0, 0)");
    w.db.$client.transaction(() => {
      for (let i = 0; i < 6000; i++) insert.run(`filler-${i}`);
    })();
    expect(ids('zhou')).toEqual(['old']);
    expect(ids('old')).toEqual(['old']);
    const plan = w.db.$client.prepare(`explain query plan select id from contacts where (traits ->> 'name') >= 'Z' and (traits ->> 'name') < 'Z\u{10FFFF}'`).all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join()).toContain('contacts_name');
  });

  it('answers through contacts.search, with the limit bounded by the input schema', async () => {
    aContact('lin', { name: '林' });
    await expect(w.caller.contacts.search({ q: 'LI' })).resolves.toMatchObject([{ externalId: 'lin', matched: 'externalId' }]);
    await expect(w.caller.contacts.search({ q: 'li', limit: 21 })).rejects.toThrow();
  });

  it('covers every case of the first letters with a few index ranges', () => {
    expect(casePrefixes('ab')).toEqual(['ab', 'aB', 'Ab', 'AB']);
    expect(casePrefixes('+86a')).toEqual(['+86a', '+86A']);
    // past the third letter the prefix stops; LIKE checks the rest inside each range
    expect(casePrefixes('abcd')).toHaveLength(8);
    expect(casePrefixes('abcd')[0]).toBe('abc');
    expect(casePrefixes('林')).toEqual(['林']);
  });
});
