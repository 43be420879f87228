import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { locales } from '../../shared/i18n/locales';
import { catalogues } from './catalogues';
import { messageIdsIn } from './messageIds';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Every source file that may use a message: the client and the shared core (registry labels, schema titles), tests and stories left out. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path);
    return /\.tsx?$/.test(name) && !/\.(test|stories)\.tsx?$/.test(name) ? [path] : [];
  });
}

/** id → the files that use it */
function usedIds(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  for (const file of [...sources(join(root, 'client')), ...sources(join(root, 'shared'))]) {
    for (const id of messageIdsIn(readFileSync(file, 'utf8'))) used.set(id, [...(used.get(id) ?? []), relative(root, file)]);
  }
  return used;
}

/** The names of the arguments an ICU message takes ({n}, {n, plural, …}, {kind, select, …}), nested ones included. */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
    if (el.type === TYPE.tag) {
      into.add(`<${el.value}>`);
      argumentsOf(el.children, into);
      continue;
    }
    into.add(el.value);
    if (el.type === TYPE.plural || el.type === TYPE.select) for (const option of Object.values(el.options)) argumentsOf(option.value, into);
  }
  return into;
}

describe('the message catalogues', () => {
  const used = usedIds();

  it('finds the ids the code uses (the scan itself works)', () => {
    expect(used.get('layout.nav.journeys')).toContain('client/pages/Layout.tsx');
    expect(used.size).toBeGreaterThan(10);
  });

  for (const locale of locales) {
    it(`${locale} holds every message the code uses`, () => {
      const missing = [...used].filter(([id]) => !(id in catalogues[locale])).map(([id, files]) => `${id} (${files.join(', ')})`);
      expect(missing).toEqual([]);
    });

    it(`${locale} holds no message nothing uses`, () => {
      expect(Object.keys(catalogues[locale]).filter((id) => !used.has(id))).toEqual([]);
    });

    it(`${locale}'s messages are valid ICU, and every plural has its "other"`, () => {
      const bad: string[] = [];
      for (const [id, message] of Object.entries(catalogues[locale])) {
        try {
          const check = (els: MessageFormatElement[]): void => {
            for (const el of els) {
              if (el.type === TYPE.plural && !('other' in el.options)) bad.push(`${id}: a plural without "other"`);
              if (el.type === TYPE.plural || el.type === TYPE.select) for (const o of Object.values(el.options)) check(o.value);
              if (el.type === TYPE.tag) check(el.children);
            }
          };
          check(parse(message));
        } catch (e) {
          bad.push(`${id}: ${(e as Error).message}`);
        }
      }
      expect(bad).toEqual([]);
    });
  }

  it('zh-CN and en have the same keys, and each message the same ICU arguments in both', () => {
    const [zh, en] = [catalogues['zh-CN'], catalogues.en];
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    const differ = Object.keys(en)
      .filter((id) => id in zh)
      .filter((id) => [...argumentsOf(parse(en[id] ?? ''))].sort().join() !== [...argumentsOf(parse(zh[id] ?? ''))].sort().join())
      .map((id) => `${id}: en {${[...argumentsOf(parse(en[id] ?? ''))].join(', ')}} zh-CN {${[...argumentsOf(parse(zh[id] ?? ''))].join(', ')}}`);
    expect(differ).toEqual([]);
  });

  it('keeps each catalogue in sorted key order, so a new key has one place and a diff stays small', () => {
    for (const locale of locales) {
      const keys = Object.keys(catalogues[locale]);
      const sorted = [...keys].sort();
      expect(
        keys.filter((k, i) => k !== sorted[i]),
        locale,
      ).toEqual([]);
    }
  });
});

describe('messageIdsIn (how the scan finds ids)', () => {
  it('reads t(), msg(), formatMessage({ id }), <FormattedMessage id>, and the registry/schema keys', () => {
    const code = [
      `t('a.one')`,
      `t( "a.two", { n })`,
      `intl.formatMessage({ id: 'a.three' })`,
      `<FormattedMessage id="a.four" />`,
      `const m = { x: msg('a.five') }`,
      `.meta({ title: 'Amount', titleKey: 'a.six', descriptionKey: 'a.seven' })`,
      `palette: { labelKey: 'a.eight' }`,
      `summaryMessage: (c) => ({ messageKey: 'a.nine', values: {} })`,
    ].join('\n');
    expect(messageIdsIn(code).sort()).toEqual(['a.eight', 'a.five', 'a.four', 'a.nine', 'a.one', 'a.seven', 'a.six', 'a.three', 'a.two']);
  });
  it('ignores what is not a message id: an id of a node or a port, a string passed to another function', () => {
    expect(messageIdsIn(`{ id: 'next', label: '' }; get('a.b'); const x = 'layout.nav.journeys'`)).toEqual([]);
  });
});
