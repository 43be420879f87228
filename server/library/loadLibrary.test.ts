import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { afterEach, describe, expect, it } from 'vitest';
import { compile } from '../../shared/journey/compile';
import type { GraphNode } from '../../shared/journey/graph';
import { smsThenCallGraph } from '../../shared/fixtures/builders';
import { hasOptOutLine, templateParts } from '../../shared/templates/meta';
import { LibraryError, libraryRefs, loadBlueprints, loadMessageTemplates, loadSegments, templatesDir, type LibraryTemplate } from './loadLibrary';
import { templateVariables } from './templateVariables';

const blueprints = loadBlueprints();
const templates = loadMessageTemplates();
const segments = loadSegments();
const refs = libraryRefs();
const templateByKey = new Map(templates.map((t) => [t.key, t]));

const sendNodes = (nodes: readonly GraphNode[]) => nodes.filter((n) => n.kind === 'send');
const configString = (n: GraphNode, field: string): string => String(n.config[field]);

/** Render with stand-ins for the helpers the sender registers (link, money, default, date). */
function render(source: string, context: Record<string, unknown>): string {
  const hb = Handlebars.create();
  hb.registerHelper('link', (url: unknown) => {
    if (typeof url !== 'string' || !url.startsWith('https://')) throw new Error(`link needs an https URL, got ${String(url)}`);
    return 'https://oc.example/l/Ab3dE9';
  });
  hb.registerHelper('money', (v: unknown) => `¥${Number(v).toLocaleString('en-US')}`);
  hb.registerHelper('default', (v: unknown, fallback: unknown) => (v === undefined || v === null || v === '' ? fallback : v));
  hb.registerHelper('date', (v: unknown) => String(v).slice(0, 10));
  return hb.compile(source, { noEscape: true, strict: false })(context);
}

const sample = { name: 'Alex', limit: 20000, daily_rate: 0.2, amount_due: 1234.5, due_date: '2026-03-15', user_id: 'u_123' };

/** Billed SMS parts: GSM-7 text 160 / 153 per part, anything else (Chinese) 70 / 67. */
function smsParts(text: string): number {
  const ucs2 = /[^\n\r\x20-\x7e£¥]/.test(text);
  const [single, multi] = ucs2 ? [70, 67] : [160, 153];
  return text.length <= single ? 1 : Math.ceil(text.length / multi);
}

function hbsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.hbs'))
    .map((f) => join(dir, f));
}

describe('blueprints', () => {
  it('are the six seed journeys', () => {
    expect(blueprints.map((b) => b.key)).toEqual(['application_dropped', 'approved_never_drew', 'logged_in_idle', 'registered_never_logged_in', 'rejected_partner_offer', 'repayment_due']);
  });

  it.each(blueprints.map((b) => [b.key, b] as const))('%s compiles against the library with no errors', (_key, b) => {
    const result = compile(b.graph, refs);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it.each(blueprints.map((b) => [b.key, b] as const))('%s has a goal, titled nodes and no two nodes on one spot', (_key, b) => {
    expect(b.graph.settings.goals.length).toBeGreaterThan(0);
    for (const n of b.graph.nodes) expect(n.title, n.id).toBeTruthy();
    const spots = b.graph.nodes.map((n) => `${n.position.x},${n.position.y}`);
    expect(new Set(spots).size).toBe(spots.length);
  });

  it('use a random split with a holdout and set a trait somewhere', () => {
    const nodes = blueprints.flatMap((b) => b.graph.nodes);
    expect(nodes.some((n) => n.kind === 'split.random' && Number(n.config.holdout) > 0)).toBe(true);
    expect(nodes.some((n) => n.kind === 'action.setTrait')).toBe(true);
  });

  it('send repayment reminders as transactional and everything else as marketing', () => {
    for (const b of blueprints)
      for (const n of sendNodes(b.graph.nodes)) expect(`${b.key}/${n.id}: ${configString(n, 'category')}`).toBe(`${b.key}/${n.id}: ${b.key === 'repayment_due' ? 'transactional' : 'marketing'}`);
  });

  it('the shared e2e fixture compiles against the library too', () => {
    const result = compile(smsThenCallGraph(), refs);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});

describe('templates referenced by blueprints', () => {
  const referenced = blueprints.flatMap((b) =>
    sendNodes(b.graph.nodes).map((n) => ({ where: `${b.key}/${n.id}`, key: configString(n, 'template'), channel: configString(n, 'channel'), category: configString(n, 'category') })),
  );

  it.each(referenced.map((r) => [r.where, r] as const))('%s: exists with the right channel, category and every part', (_where, r) => {
    const t = templateByKey.get(r.key);
    expect(t, `template ${r.key}`).toBeDefined();
    const tpl = t as LibraryTemplate;
    expect(tpl.channel).toBe(r.channel);
    expect(tpl.category).toBe(r.category);
    for (const v of tpl.variants) expect(Object.keys(v.parts).sort()).toEqual([...templateParts[tpl.channel]].sort());
  });

  it.each(referenced.map((r) => [r.where, r] as const))('%s: Chinese copy, and English copy of every part in every variant of the same template', (_where, r) => {
    const t = templateByKey.get(r.key) as LibraryTemplate;
    expect(t.locale).toBe('zh-CN');
    expect(t.locales).toEqual(['en']);
    for (const v of t.variants) expect(Object.keys(v.locales?.en ?? {}).sort()).toEqual([...templateParts[t.channel]].sort());
    // one template per message: no language twins left
    expect(templateByKey.has(`${r.key}_en`)).toBe(false);
  });
});

describe('every template', () => {
  it('has variant weights summing to 100', () => {
    for (const t of templates) expect(`${t.key}: ${t.variants.reduce((s, v) => s + v.weight, 0)}`).toBe(`${t.key}: 100`);
  });

  it('has an opt-out line in every marketing SMS variant, and none missing from the checker', () => {
    const marketingSms = templates.filter((t) => t.channel === 'sms' && t.category === 'marketing');
    expect(marketingSms.length).toBeGreaterThan(0);
    for (const t of marketingSms)
      for (const v of t.variants)
        for (const [l, copy] of [[t.locale, v.parts], ...Object.entries(v.locales ?? {})] as const) expect(hasOptOutLine(copy?.body ?? ''), `${t.key}/${v.key}/${l}`).toBe(true);
    expect(hasOptOutLine('回T退订')).toBe(true);
    expect(hasOptOutLine('Reply T to opt out')).toBe(true);
    expect(hasOptOutLine('Your repayment is due tomorrow.')).toBe(false);
  });

  it('parses as Handlebars, every .hbs file on disk', () => {
    const files = hbsFiles(join(templatesDir, 'messages'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(() => Handlebars.parse(readFileSync(f, 'utf8')), f).not.toThrow();
  });

  it('declares exactly the variables its copy reads', () => {
    for (const t of templates) {
      const used = new Set(t.variants.flatMap((v) => Object.values(v.parts).flatMap((src) => templateVariables(src))));
      expect([...t.variables].sort(), t.key).toEqual([...used].sort());
    }
  });

  it('renders with and without a name, links through the link helper', () => {
    for (const t of templates)
      for (const v of t.variants)
        for (const [part, src] of Object.entries(v.parts)) {
          for (const ctx of [sample, { ...sample, name: undefined }]) {
            const text = render(src, ctx);
            expect(text, `${t.key}/${v.key}.${part}`).not.toMatch(/undefined|NaN|\{\{|https?:\/\/(?!oc\.example)/);
            if (t.channel === 'webhook') expect(() => JSON.parse(text) as unknown, `${t.key}/${v.key}`).not.toThrow();
          }
        }
  });

  it('keeps SMS short: at most two billed parts, and push titles under 40 characters', () => {
    for (const t of templates)
      for (const v of t.variants) {
        if (t.channel === 'sms') expect(smsParts(render(v.parts.body ?? '', sample)), `${t.key}/${v.key}`).toBeLessThanOrEqual(2);
        if (t.channel === 'push') expect(render(v.parts.title ?? '', sample).length, `${t.key}/${v.key}`).toBeLessThan(40);
      }
  });
});

describe('segments', () => {
  it('cover every segment a blueprint enrols from, and nothing unused', () => {
    const used = blueprints.flatMap((b) => b.graph.nodes.filter((n) => n.kind === 'trigger.segment').map((n) => configString(n, 'segment')));
    expect(segments.map((s) => s.key)).toEqual([...new Set(used)].sort());
    for (const s of segments) expect(s.rules.conditions.length, s.key).toBeGreaterThan(0);
  });
});

describe('templateVariables', () => {
  it('reads names, not helpers, data or literals', () => {
    expect(templateVariables('{{default name "there"}}, {{money limit}} {{link "https://x.example"}} {{@index}} {{this}}')).toEqual(['limit', 'name']);
    expect(templateVariables('{{#if vip}}{{money (add limit bonus)}}{{else}}{{plain}}{{/if}}')).toEqual(['bonus', 'limit', 'plain', 'vip']);
  });
});

describe('loading a broken library', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  /** A copy of the real library in a temp dir, with one template under test. */
  function scratch(): string {
    dir = mkdtempSync(join(tmpdir(), 'library-'));
    cpSync(templatesDir, dir, { recursive: true });
    return join(dir, 'messages', 'recall_sms');
  }

  it('names the file and the field of a bad meta.json', () => {
    const t = scratch();
    const meta = JSON.parse(readFileSync(join(t, 'meta.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(t, 'meta.json'), JSON.stringify({ ...meta, channel: 'fax' }));
    expect(() => loadMessageTemplates(dir)).toThrow(LibraryError);
    expect(() => loadMessageTemplates(dir)).toThrow(`${join(t, 'meta.json')}: channel:`);
  });

  it('names the file of invalid JSON and of weights not summing to 100', () => {
    const t = scratch();
    writeFileSync(join(t, 'meta.json'), '{ "key": ');
    expect(() => loadMessageTemplates(dir)).toThrow(`${join(t, 'meta.json')}: invalid JSON`);
    const meta = JSON.parse(readFileSync(join(templatesDir, 'messages', 'recall_sms', 'meta.json'), 'utf8')) as { variants: { weight: number }[] };
    meta.variants.forEach((v) => (v.weight = 40));
    writeFileSync(join(t, 'meta.json'), JSON.stringify(meta));
    expect(() => loadMessageTemplates(dir)).toThrow(/recall_sms\/meta\.json: variants: variant weights must sum to 100 \(now 80\)/);
  });

  it('names a missing part, a stray part and a Handlebars syntax error', () => {
    const t = scratch();
    rmSync(join(t, 'b.body.hbs'));
    expect(() => loadMessageTemplates(dir)).toThrow(`${join(t, 'b.body.hbs')}: cannot read file`);
    writeFileSync(join(t, 'b.body.hbs'), 'Hi {{#if name}}');
    expect(() => loadMessageTemplates(dir)).toThrow(`${join(t, 'b.body.hbs')}: Handlebars syntax error`);
    writeFileSync(join(t, 'b.body.hbs'), 'ok');
    writeFileSync(join(t, 'c.body.hbs'), 'stray');
    expect(() => loadMessageTemplates(dir)).toThrow(`${join(t, 'c.body.hbs')}: no such variant, part and language`);
    rmSync(join(t, 'c.body.hbs'));
    // the other languages' copy: each listed language needs every part, and an unlisted one is stray
    rmSync(join(t, 'a.body.en.hbs'));
    expect(() => loadMessageTemplates(dir)).toThrow(`${join(t, 'a.body.en.hbs')}: cannot read file`);
    writeFileSync(join(t, 'a.body.en.hbs'), 'Hi');
    writeFileSync(join(t, 'a.body.fr.hbs'), 'Salut');
    expect(() => loadMessageTemplates(dir)).toThrow(`${join(t, 'a.body.fr.hbs')}: no such variant, part and language`);
  });

  it('names a key that does not match its file, and a bad blueprint graph field', () => {
    scratch();
    const seg = join(dir, 'segments', 'logged_in_idle.json');
    writeFileSync(seg, readFileSync(seg, 'utf8').replace('"key": "logged_in_idle"', '"key": "idle"'));
    expect(() => loadSegments(dir)).toThrow(`${seg}: key: "idle" must match the file name "logged_in_idle"`);

    mkdirSync(join(dir, 'journeys'), { recursive: true });
    const bp = join(dir, 'journeys', 'repayment_due.json');
    const json = JSON.parse(readFileSync(bp, 'utf8')) as { graph: { nodes: { kind: string }[] } };
    (json.graph.nodes[1] as { kind: string }).kind = 'send.fax';
    writeFileSync(bp, JSON.stringify(json));
    expect(() => loadBlueprints(dir)).toThrow(`${bp}: graph.nodes.1.kind: unknown node kind "send.fax"`);
  });
});
