import { readFileSync, readdirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { z } from 'zod';
import { JourneyGraph } from '../../shared/journey/graph';
import type { Channel } from '../../shared/journey/channels';
import type { CompileRefs } from '../../shared/journey/kind';
import { RuleSet } from '../../shared/segments/rules';
import { TemplateMeta, partFileName, templateParts, type TemplateVariant } from '../../shared/templates/meta';

/**
 * The shipped library under `templates/`: blueprint journeys, message
 * templates and the segments the blueprints enrol from. Read from disk on
 * first run (seeding) and by tests; every file is parsed with its schema and
 * a bad file fails loudly, naming the file and the field.
 */

/** Absolute path of the repository's `templates/` folder. */
export const templatesDir = fileURLToPath(new URL('../../templates/', import.meta.url));

const libraryKey = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be lower-case letters, digits or _, starting with a letter');

export const BlueprintFile = z.object({
  key: libraryKey,
  name: z.string().trim().min(1, 'name the blueprint').max(80),
  description: z.string().trim().max(1000).default(''),
  graph: JourneyGraph,
});
/** A seed journey: what the "new journey from blueprint" picker offers. */
export type Blueprint = z.infer<typeof BlueprintFile>;

export const SegmentFile = z.object({
  key: libraryKey,
  name: z.string().trim().min(1, 'name the segment').max(80),
  description: z.string().trim().max(1000).default(''),
  rules: RuleSet,
});
export type LibrarySegment = z.infer<typeof SegmentFile>;

/** A variant with its copy: part name (see `templateParts`) → Handlebars source. */
export interface LibraryVariant extends TemplateVariant {
  parts: Record<string, string>;
  /** the same parts in the template's other languages: locale → part → source */
  locales?: Partial<Record<string, Record<string, string>>>;
}

/** A message template: its meta.json with each variant's parts read in. */
export interface LibraryTemplate extends Omit<TemplateMeta, 'variants'> {
  variants: LibraryVariant[];
}

/** Thrown on a bad library file; `file` is its path. */
export class LibraryError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'LibraryError';
  }
}

const byKey = <T extends { key: string }>(a: T, b: T): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

function entries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => !e.name.startsWith('.'))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch (e) {
    throw new LibraryError(dir, `cannot read folder (${e instanceof Error ? e.message : String(e)})`);
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new LibraryError(file, `cannot read file (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Read and parse one JSON file with `schema`; errors list each bad field by its path. */
function readJson<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(readText(file));
  } catch (e) {
    if (e instanceof LibraryError) throw e;
    throw new LibraryError(file, `invalid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new LibraryError(file, parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; '));
  return parsed.data;
}

function checkKey(file: string, key: string, expected: string): void {
  if (key !== expected) throw new LibraryError(file, `key: "${key}" must match the file name "${expected}"`);
}

/** `<dir>/<sub>/*.json`, each parsed with `schema` and keyed by its file name. */
function loadJsonFolder<S extends z.ZodType<{ key: string }>>(dir: string, sub: string, schema: S): z.output<S>[] {
  const folder = join(dir, sub);
  const out: z.output<S>[] = [];
  for (const e of entries(folder)) {
    if (!e.isFile() || !e.name.endsWith('.json')) continue;
    const file = join(folder, e.name);
    const item = readJson(file, schema);
    checkKey(file, item.key, e.name.slice(0, -'.json'.length));
    out.push(item);
  }
  return out.sort(byKey);
}

/** The blueprint journeys in `<dir>/journeys/*.json`, sorted by key. Graph shape only: compile them to check references. */
export function loadBlueprints(dir: string = templatesDir): Blueprint[] {
  return loadJsonFolder(dir, 'journeys', BlueprintFile);
}

/** The segments in `<dir>/segments/*.json`, sorted by key. */
export function loadSegments(dir: string = templatesDir): LibrarySegment[] {
  return loadJsonFolder(dir, 'segments', SegmentFile);
}

function loadTemplate(folder: string, name: string): LibraryTemplate {
  const metaFile = join(folder, 'meta.json');
  const meta = readJson(metaFile, TemplateMeta);
  checkKey(metaFile, meta.key, name);
  const parts: readonly string[] = templateParts[meta.channel];
  const languages: (string | undefined)[] = [undefined, ...meta.locales];
  const expected = new Set(meta.variants.flatMap((v) => parts.flatMap((p) => languages.map((l) => partFileName(v.key, p, l)))));
  for (const e of entries(folder))
    if (e.name.endsWith('.hbs') && !expected.has(e.name))
      throw new LibraryError(
        join(folder, e.name),
        `no such variant, part and language in meta.json (expected <variant>.<part>.hbs, or <variant>.<part>.<locale>.hbs for the other languages, with variants ${meta.variants.map((v) => v.key).join(', ')}, parts ${parts.join(', ')} for ${meta.channel} and languages ${meta.locales.join(', ') || 'none besides ' + meta.locale})`,
      );
  const read = (variant: string, locale?: string): Record<string, string> => {
    const copy: Record<string, string> = {};
    for (const part of parts) {
      const file = join(folder, partFileName(variant, part, locale));
      const source = readText(file);
      try {
        Handlebars.parse(source);
      } catch (e) {
        throw new LibraryError(file, `Handlebars syntax error: ${e instanceof Error ? e.message : String(e)}`);
      }
      copy[part] = source;
    }
    return copy;
  };
  const variants = meta.variants.map((v): LibraryVariant => {
    const locales = Object.fromEntries(meta.locales.map((l) => [l, read(v.key, l)]));
    return { ...v, parts: read(v.key), ...(meta.locales.length ? { locales } : {}) };
  });
  return { ...meta, variants };
}

/** The message templates in `<dir>/messages/<key>/`, sorted by key, each variant with all its channel's parts. */
export function loadMessageTemplates(dir: string = templatesDir): LibraryTemplate[] {
  const root = join(dir, 'messages');
  return entries(root)
    .filter((e) => e.isDirectory())
    .map((e) => loadTemplate(join(root, e.name), e.name))
    .sort(byKey);
}

/** The catalogues `compile` checks template and segment references against. */
export function refsOf(templates: readonly Pick<LibraryTemplate, 'key' | 'channel'>[], segments: readonly Pick<LibrarySegment, 'key'>[]): CompileRefs {
  return {
    templates: new Map<string, Channel>(templates.map((t) => [t.key, t.channel])),
    segments: new Set(segments.map((s) => s.key)),
  };
}

/** `CompileRefs` for the library on disk: what the blueprints must compile against. */
export function libraryRefs(dir: string = templatesDir): CompileRefs {
  return refsOf(loadMessageTemplates(dir), loadSegments(dir));
}
