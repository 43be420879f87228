import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openDatabase } from '../db/client';
import { databasePathFromEnv } from '../build';
import { createTemplateStore } from '../templates/store';
import { templatesDir } from '../library/loadLibrary';
import { partFileName } from '../../shared/templates/meta';

/**
 * `npm run templates:export [-- <dir>]`: writes every template's current
 * version from the database (DATABASE_PATH, default ./data/journeys.db) back
 * to `<dir>/messages/<key>/` (default: the repository's templates/), as the
 * library is laid out: meta.json plus one .hbs per variant and part. Copy
 * files of variants that no longer exist are removed; other files are kept.
 */
function main(): number {
  const out = resolve(process.argv[2] ?? templatesDir);
  const databasePath = databasePathFromEnv();
  if (!existsSync(databasePath)) {
    console.error(`no database at ${databasePath} (set DATABASE_PATH)`);
    return 1;
  }
  const db = openDatabase(databasePath);
  try {
    const all = createTemplateStore(db).list();
    for (const t of all) {
      const dir = join(out, 'messages', t.key);
      mkdirSync(dir, { recursive: true });
      const meta = {
        key: t.key,
        channel: t.channel,
        name: t.name,
        description: t.description,
        category: t.category,
        locale: t.locale,
        ...(t.variants[0]?.locales ? { locales: Object.keys(t.variants[0].locales) } : {}),
        variables: t.variables,
        variants: t.variants.map(({ key, name, weight }) => ({ key, name, weight })),
      };
      writeFileSync(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
      const written = new Set<string>();
      for (const v of t.variants)
        for (const [locale, parts] of [[undefined, v.parts], ...Object.entries(v.locales ?? {})] as const)
          for (const [part, source] of Object.entries(parts ?? {})) {
            const file = partFileName(v.key, part, locale);
            writeFileSync(join(dir, file), source);
            written.add(file);
          }
      for (const f of readdirSync(dir)) if (f.endsWith('.hbs') && !written.has(f)) rmSync(join(dir, f));
    }
    console.log(`exported ${all.length} templates (current versions) to ${join(out, 'messages')}`);
    return 0;
  } finally {
    db.$client.close();
  }
}

process.exit(main());
