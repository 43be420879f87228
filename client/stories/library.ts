import { z } from 'zod';
import { JourneyGraph } from '../../shared/journey/graph';
import { defaultConfig, type NodeKind } from '../../shared/journey/registry';
import { RuleSet } from '../../shared/segments/rules';
import { TemplateMeta, type TemplateVariant } from '../../shared/templates/meta';
import { knownEvents, knownTraits, refsOf, type Catalogue } from '../inspector/catalogue';

/**
 * The shipped library under `templates/` as story fixtures: the real message
 * copy, segments and blueprint journeys, bundled by Vite (the server reads the
 * same files from disk in server/library/loadLibrary.ts, which needs `fs`).
 * Parsed with the shared schemas, so a library file the app would refuse
 * breaks the stories too.
 */

const metaFiles = import.meta.glob<unknown>('../../templates/messages/*/meta.json', { eager: true, import: 'default' });
const copyFiles = import.meta.glob<string>('../../templates/messages/*/*.hbs', { eager: true, query: '?raw', import: 'default' });
const segmentFiles = import.meta.glob<unknown>('../../templates/segments/*.json', { eager: true, import: 'default' });
const blueprintFiles = import.meta.glob<unknown>('../../templates/journeys/*.json', { eager: true, import: 'default' });

/** A template's meta.json with each variant's copy: part (body, title, script, …) → Handlebars source. */
export interface LibraryTemplate extends Omit<TemplateMeta, 'variants'> {
  variants: (TemplateVariant & { parts: Record<string, string> })[];
}

/** What a segment file holds (server/library/loadLibrary.ts has the same shape). */
const SegmentFile = z.object({ key: z.string(), name: z.string(), description: z.string().default(''), rules: RuleSet });
export type LibrarySegment = z.infer<typeof SegmentFile>;

const BlueprintFile = z.object({ key: z.string(), name: z.string(), description: z.string().default(''), graph: JourneyGraph });
export type Blueprint = z.infer<typeof BlueprintFile>;

const byKey = <T extends { key: string }>(a: T, b: T): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

function parseAll<S extends z.ZodType>(files: Record<string, unknown>, schema: S): z.output<S>[] {
  return Object.entries(files).map(([file, raw]) => {
    const r = schema.safeParse(raw);
    if (!r.success) throw new Error(`${file}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return r.data;
  });
}

/** `…/messages/recall_sms/a.body.hbs` → copy of variant `a`, part `body`. */
function copyOf(key: string, variant: string): Record<string, string> {
  const parts: Record<string, string> = {};
  const prefix = `../../templates/messages/${key}/${variant}.`;
  for (const [file, source] of Object.entries(copyFiles)) if (file.startsWith(prefix)) parts[file.slice(prefix.length, -'.hbs'.length)] = source;
  return parts;
}

/** Every message template with its copy, as the server's renderer holds them. */
export const libraryTemplates: LibraryTemplate[] = parseAll(metaFiles, TemplateMeta)
  .map((m) => ({ ...m, variants: m.variants.map((v) => ({ ...v, parts: copyOf(m.key, v.key) })) }))
  .sort(byKey);

export const librarySegments: LibrarySegment[] = parseAll(segmentFiles, SegmentFile).sort(byKey);

export const blueprints: Blueprint[] = parseAll(blueprintFiles, BlueprintFile).sort(byKey);

/** Blueprint 1 (README, e2e): segment entry → holdout → recall SMS → wait for login → robo-call → exit. */
export const BLUEPRINT_1 = 'registered_never_logged_in';

export function blueprint(key: string): Blueprint {
  const b = blueprints.find((x) => x.key === key);
  if (!b) throw new Error(`no blueprint "${key}" under templates/journeys/`);
  return b;
}

/** What the editor may reference, as JourneyPage builds it from templates.list and segments.list. */
export const storyCatalogue: Catalogue = {
  templates: libraryTemplates.map((t) => ({ key: t.key, channel: t.channel, name: t.name, category: t.category, variants: t.variants.map(({ key, name, weight }) => ({ key, name, weight })) })),
  segments: librarySegments.map((s) => ({ key: s.key, name: s.name, description: s.description, rules: s.rules })),
  events: knownEvents,
  traits: knownTraits,
};

/** The catalogue as compile references: unknown templates and segments are errors, as on the real page. */
export const storyRefs = refsOf(storyCatalogue, true);

export interface SampleNode {
  title: string | undefined;
  config: Record<string, unknown>;
}

/**
 * A realistic node of `kind`: the first one in the blueprints (blueprint 1
 * first), else the kind's defaults. Reading the library rather than a list of
 * kinds means a new kind gets a sample without touching the stories.
 */
export function sampleNode(kind: NodeKind): SampleNode {
  const ordered = [blueprint(BLUEPRINT_1), ...blueprints.filter((b) => b.key !== BLUEPRINT_1)];
  for (const b of ordered) {
    const n = b.graph.nodes.find((x) => x.kind === kind);
    if (n) return { title: n.title, config: n.config };
  }
  return { title: undefined, config: defaultConfig(kind) };
}
