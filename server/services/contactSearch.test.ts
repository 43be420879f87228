import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aTestWorld, type TestWorld } from '../testing/harness';
import { createContactStore } from './contacts';
import { casePrefixes, createContactSearch, type ContactSearch } from './contactSearch';

describe('contact search: by external id, phone or name prefix, any case, newest first', () => {
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

  it('finds by external id prefix, ignoring case, newest first', () => {
    aContact('User_1');
    aContact('user_2');
    aContact('USER_3');
    aContact('usher');
    aContact('other');
    expect(ids('user')).toEqual(['USER_3', 'user_2', 'User_1']);
    expect(ids('USER_2')).toEqual(['user_2']);
    expect(ids('us')).toEqual(['usher', 'USER_3', 'user_2', 'User_1']);
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
    expect(search.search({ q: 'WAN' }).map((h) => [h.externalId, h.matched])).toEqual([
      ['li', 'name'],
      ['wang', 'externalId'],
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
    expect(ids('u')[0]).toBe('u29');
    expect(ids('u', 3)).toEqual(['u29', 'u28', 'u27']);
    expect(ids('u', 500)).toHaveLength(20);
    expect(ids('  ')).toEqual(ids('u'));
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

  it('answers a broad prefix with exactly the newest matches, whether they are recent or old', () => {
    // a probe of 5 and a window of 10: "u" (12 matches) is broad
    const small = createContactSearch(w.db, { rangeProbe: 5, newestScan: 10 });
    for (let i = 0; i < 12; i++) aContact(`u${String(i).padStart(2, '0')}`);
    expect(small.search({ q: 'u', limit: 3 }).map((h) => h.externalId)).toEqual(['u11', 'u10', 'u09']);
    // twelve newer contacts that do not match: the window holds none of the u's, and the ranges give the newest of them all the same
    for (let i = 0; i < 12; i++) aContact(`x${i}`);
    expect(small.search({ q: 'u', limit: 3 }).map((h) => h.externalId)).toEqual(['u11', 'u10', 'u09']);
    expect(small.search({ q: 'U1', limit: 20 }).map((h) => h.externalId)).toEqual(['u11', 'u10']);
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
