import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The core is pure (STYLE.md rule 2): code under shared/ runs in the browser
 * and inside `step`, so it never reads the clock, draws randomness, touches
 * the process, the file system, the database or the web server.
 */
const root = fileURLToPath(new URL('.', import.meta.url));

const forbiddenCode: { rule: string; pattern: RegExp }[] = [
  { rule: 'Date.now', pattern: /\bDate\s*\.\s*now\b/ },
  { rule: 'new Date(', pattern: /\bnew\s+Date\b/ },
  { rule: 'Math.random', pattern: /\bMath\s*\.\s*random\b/ },
  { rule: 'performance.now', pattern: /\bperformance\s*\.\s*now\b/ },
  { rule: 'process.', pattern: /\bprocess\s*[.[]/ },
  { rule: 'require(', pattern: /\brequire\s*\(/ },
];
const forbiddenModules = new Set(['fs', 'fs/promises', 'path', 'crypto', 'better-sqlite3', 'drizzle-orm', 'express']);

function isForbiddenModule(spec: string): boolean {
  return spec.startsWith('node:') || forbiddenModules.has(spec) || [...forbiddenModules].some((m) => spec.startsWith(`${m}/`));
}

/**
 * Blank out comments, keeping strings (import specifiers live in them) and
 * line breaks (for line numbers). Handles template literals with `${}` and
 * regex literals well enough for this code base.
 */
function stripComments(src: string): string {
  let out = '';
  let i = 0;
  const braces: number[] = []; // brace depth at each open `${`, to find where a template resumes
  let depth = 0;
  let lastSignificant = '';
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  const readQuoted = (quote: string): void => {
    const start = i++;
    while (i < src.length && src[i] !== quote && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
    i++;
    out += src.slice(start, i);
  };
  const readTemplate = (): void => {
    // i is just after a backtick or a closing `}` of `${}`
    const start = i;
    while (i < src.length && src[i] !== '`' && !(src[i] === '$' && src[i + 1] === '{')) i += src[i] === '\\' ? 2 : 1;
    if (src[i] === '`') {
      i++;
      out += src.slice(start, i);
      return;
    }
    i += 2;
    out += src.slice(start, i);
    braces.push(depth);
    depth++;
  };
  while (i < src.length) {
    const c = src[i] as string;
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      const end = src.indexOf('\n', i);
      const stop = end === -1 ? src.length : end;
      out += blank(src.slice(i, stop));
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end === -1 ? src.length : end + 2;
      out += blank(src.slice(i, stop));
      i = stop;
    } else if (c === '/' && (lastSignificant === '' || /[(,=:[!&|?{};+\-*%<>~^]$/.test(lastSignificant) || /\b(return|typeof|case|in|of)$/.test(lastSignificant))) {
      // a regex literal: skip to its closing slash, minding classes and escapes
      const start = i++;
      let inClass = false;
      while (i < src.length && src[i] !== '\n' && (inClass || src[i] !== '/')) {
        if (src[i] === '\\') i++;
        else if (src[i] === '[') inClass = true;
        else if (src[i] === ']') inClass = false;
        i++;
      }
      i++;
      out += src.slice(start, i);
      lastSignificant = 'regex';
    } else if (c === '"' || c === "'") {
      readQuoted(c);
      lastSignificant = 'string';
    } else if (c === '`') {
      i++;
      out += '`';
      readTemplate();
      lastSignificant = 'string';
    } else if (c === '}' && braces.length > 0 && braces[braces.length - 1] === depth - 1) {
      braces.pop();
      depth--;
      i++;
      out += '}';
      readTemplate();
      lastSignificant = 'string';
    } else {
      if (c === '{') depth++;
      if (c === '}') depth--;
      out += c;
      i++;
      const continuesWord = /[\w$]/.test(c) && /[\w$]/.test(src[i - 2] ?? '');
      if (!/\s/.test(c)) lastSignificant = continuesWord ? lastSignificant + c : c;
    }
  }
  return out;
}

interface Violation {
  line: number;
  rule: string;
}

/** The purity rules a source text breaks, comments aside. */
function impurities(src: string): Violation[] {
  const found: Violation[] = [];
  stripComments(src)
    .split('\n')
    .forEach((text, n) => {
      for (const { rule, pattern } of forbiddenCode) if (pattern.test(text)) found.push({ line: n + 1, rule });
      for (const m of text.matchAll(/\b(?:from|import)\s*\(?\s*(['"])([^'"]+)\1/g)) {
        const spec = m[2] ?? '';
        if (isForbiddenModule(spec)) found.push({ line: n + 1, rule: `import '${spec}'` });
      }
    });
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the core is pure', () => {
  const files = sourceFiles(root);

  it('finds the core’s source files', () => {
    const names = files.map((f) => relative(root, f).split('\\').join('/'));
    expect(names).toEqual(expect.arrayContaining(['journey/step.ts', 'journey/compile.ts', 'segments/evaluate.ts', 'util/hash.ts', 'fixtures/builders.ts']));
  });

  it('no file under shared/ reads the clock, draws randomness or does I/O', () => {
    const report = files.flatMap((f) => impurities(readFileSync(f, 'utf8')).map((v) => `${relative(root, f)}:${v.line} ${v.rule}`));
    expect(report).toEqual([]);
  });
});

describe('the purity scanner', () => {
  it.each([
    ['const t = Date.now();', 'Date.now'],
    ['const d = new Date(2026, 0, 1);', 'new Date('],
    ['const d = new Date;', 'new Date('],
    ['if (Math.random() < 0.5) go();', 'Math.random'],
    ['const t0 = performance.now();', 'performance.now'],
    ['const env = process.env.TZ;', 'process.'],
    ["const x = require('lodash');", 'require('],
    ["import { readFileSync } from 'fs';", "import 'fs'"],
    ["import { join } from 'node:path';", "import 'node:path'"],
    ["import * as path from 'path';", "import 'path'"],
    ["import { createHash } from 'crypto';", "import 'crypto'"],
    ["import Database from 'better-sqlite3';", "import 'better-sqlite3'"],
    ["import { eq } from 'drizzle-orm';", "import 'drizzle-orm'"],
    ["import { sql } from 'drizzle-orm/sqlite-core';", "import 'drizzle-orm/sqlite-core'"],
    ["import express from 'express';", "import 'express'"],
    ["export * from 'node:fs';", "import 'node:fs'"],
    ["const m = await import('fs');", "import 'fs'"],
    ['const s = `at ${Date.now()}`;', 'Date.now'],
  ])('flags %s', (src, rule) => {
    expect(impurities(src).map((v) => v.rule)).toEqual([rule]);
  });

  it.each([
    ['// step never calls Date.now()', 'a line comment'],
    ['/* Math.random is banned; so is new Date() */ const x = 1;', 'a block comment'],
    ['/**\n * process.env is read by the server only\n */\nexport const y = 2;', 'a JSDoc block'],
    ["const url = 'https://example.com/a'; const t = new TZDate(0, 'UTC');", 'a URL in a string and TZDate'],
    ["const re = /\\/\\//; const ok = 'x';", 'a regex with slashes'],
    ['const half = total / 2; // Date.now', 'a division then a comment'],
    ["import { z } from 'zod'; import type { Run } from './run';", 'allowed imports'],
    ['const s = `a ${b} c`; // Date.now', 'a template literal then a comment'],
    ['const Dates = { nowish: 1 }; const processed = 2; const requirements = [];', 'look-alike names'],
  ])('accepts %s (%s)', (src) => {
    expect(impurities(src)).toEqual([]);
  });

  it('reports the line of a violation', () => {
    expect(impurities("import { z } from 'zod';\n// Date.now in a comment\nconst t = Date.now();")).toEqual([{ line: 3, rule: 'Date.now' }]);
  });
});
