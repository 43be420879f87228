import Handlebars from 'handlebars';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadMessageTemplates } from '../library/loadLibrary';
import { compileFast } from './fastRender';
import { compileVersion, helpers, renderVariant, withUtm, type RenderContext } from './render';

const ctx = (traits: Record<string, unknown>, link?: (t: string) => string): RenderContext => ({
  traits,
  timezone: 'Asia/Shanghai',
  utm: { source: 'sms', campaign: 'j1', content: 'a', term: 'sms_1' },
  ...(link ? { link } : {}),
});
const fastHelpers = helpers as unknown as Record<string, (...args: unknown[]) => unknown>;

/** Handlebars itself, with the same helpers: the reference the fast path must equal. */
function reference(source: string, traits: Record<string, unknown>, escape: boolean, c: RenderContext): string {
  const hb = Handlebars.create();
  hb.registerHelper(helpers);
  return hb.compile(source, { noEscape: !escape, strict: false })(traits, { data: { ctx: c } });
}

const traitSets: Record<string, unknown>[] = [
  { name: '林晓', limit: 20000, daily_rate: 0.3, amount_due: 1234.5, due_date: '2026-03-15', user_id: 'u1', product: '橙子分期', partner: '星河贷' },
  { name: '<b>Tom & "Jerry"</b>', limit: '5000', user_id: 'u2' },
  { user_id: 'u3' },
  { name: null, limit: 0, daily_rate: false, amount_due: -3, due_date: 1767225600000 },
];

describe('the fast renderer prints what Handlebars prints', () => {
  it('for every part of every library template, with escaping (email) and without', () => {
    let fast = 0;
    let parts = 0;
    for (const t of loadMessageTemplates())
      for (const v of t.variants)
        for (const src of Object.values(v.parts)) {
          const f = compileFast(src, fastHelpers, t.channel === 'email');
          parts++;
          if (f) fast++;
          for (const traits of traitSets) {
            const c = ctx(traits, (u) => `https://go.example/l/${u.length}`);
            expect(f ? f(traits, { data: { ctx: c } }) : null, `${t.key}/${v.key}`).toBe(f ? reference(src, traits, t.channel === 'email', c) : null);
          }
        }
    // the library is plain copy: it all takes the fast path
    expect(fast).toBe(parts);
  });

  it('for generated templates of text, variables, paths and helper calls (property)', () => {
    const word = fc.constantFrom('name', 'limit', 'user.city', 'name.length', 'missing', 'flag');
    const text = fc.string({ unit: fc.constantFrom('a', '你', ' ', '<', '&', '"', '\n', '{', '}', '\\'), maxLength: 6 }).filter((s) => !s.includes('{{') && !s.endsWith('{') && !s.endsWith('\\'));
    const piece = fc.oneof(
      text,
      word.map((w) => `{{${w}}}`),
      word.map((w) => `{{{${w}}}}`),
      word.map((w) => `{{money ${w}}}`),
      word.map((w) => `{{default ${w} "无"}}`),
      fc.constant('{{link "https://h5.example/x?a=1"}}'),
      fc.constant('{{date due}}'),
    );
    // values that print as strings: with noEscape, Handlebars adds adjacent non-string values as numbers (see below)
    const scalar = fc.oneof(fc.string({ maxLength: 5 }), fc.integer().map(String), fc.constant(null));
    const traits = fc.record({ name: scalar, limit: scalar, user: fc.record({ city: scalar }), flag: scalar, due: fc.integer({ min: 0, max: 2e12 }) });
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), traits, fc.boolean(), (pieces, tr, escape) => {
        const src = pieces.join('');
        const f = compileFast(src, fastHelpers, escape);
        if (!f) return; // parse error or a shape left to Handlebars
        const c = ctx(tr, (u) => `L(${u})`);
        expect(f(tr as Record<string, unknown>, { data: { ctx: c } })).toBe(reference(src, tr as Record<string, unknown>, escape, c));
      }),
      { numRuns: 400 },
    );
  });

  it('prints adjacent numbers side by side, where Handlebars without escaping adds them (1 and 2 → "3")', () => {
    const f = compileFast('{{a}}{{b}}', fastHelpers, false);
    expect(f?.({ a: 1, b: 2 }, { data: { ctx: ctx({}) } })).toBe('12');
    expect(reference('{{a}}{{b}}', { a: 1, b: 2 }, false, ctx({}))).toBe('3');
  });

  it('leaves dotted paths to Handlebars, which reads through strings and arrays, and prints what it prints', () => {
    for (const src of ['{{name.length}}', '{{user.city}}', '{{money loan.amount}}', '{{list.[1]}}']) expect(compileFast(src, fastHelpers, false), src).toBeNull();
    const v = compileVersion({
      id: 3,
      key: 't',
      version: 1,
      channel: 'sms',
      category: 'marketing',
      variants: [{ key: 'a', name: 'A', weight: 100, parts: { body: '{{name}}({{name.length}}) {{list.[1]}} {{user.city}}' } }],
    });
    expect(renderVariant(v, 'a', ctx({ name: '林小姐', list: ['x', 'y'], user: { city: '杭州' } })).body).toBe('林小姐(3) y 杭州');
  });

  it('leaves blocks, hashes and sub-expressions to Handlebars, and still renders them', () => {
    for (const src of ['{{#if name}}Hi {{name}}{{/if}}', '{{money (default limit 1)}}', '{{link url=x}}', '{{@root.name}}']) expect(compileFast(src, fastHelpers, false)).toBeNull();
    const v = compileVersion({
      id: 1,
      key: 't',
      version: 1,
      channel: 'sms',
      category: 'marketing',
      variants: [{ key: 'a', name: 'A', weight: 100, parts: { body: '{{#if name}}您好{{name}}{{else}}您好{{/if}}，额度{{money limit}}' } }],
    });
    expect(renderVariant(v, 'a', ctx({ name: '林', limit: 5000 })).body).toBe('您好林，额度5,000');
    expect(renderVariant(v, 'a', ctx({ limit: 5000 })).body).toBe('您好，额度5,000');
  });

  it('tags links with UTM once per (link, tags) and prints the minted short link', () => {
    const v = compileVersion({
      id: 2,
      key: 't',
      version: 1,
      channel: 'sms',
      category: 'marketing',
      variants: [{ key: 'a', name: 'A', weight: 100, parts: { body: '看：{{link "https://h5.example/x?ref=1"}}' } }],
    });
    const minted: string[] = [];
    const out = renderVariant(
      v,
      'a',
      ctx({}, (u) => (minted.push(u), 'https://go.example/l/abc')),
    );
    expect(out.body).toBe('看：https://go.example/l/abc');
    expect(minted).toEqual([withUtm('https://h5.example/x?ref=1', ctx({}).utm)]);
    expect(new URL(minted[0] ?? '').searchParams.get('utm_term')).toBe('sms_1');
  });
});
