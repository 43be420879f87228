import { z } from 'zod';
import { nodeKinds, type NodeKind } from '../../shared/journey/registry';
import { JourneySettings } from '../../shared/journey/settings';
import { RuleSet } from '../../shared/segments/rules';

/**
 * The part of JSON Schema the inspector reads. The forms are generated from
 * the registry's zod schemas through zod's own `toJSONSchema`; `ui` (set with
 * `.meta({ ui })` next to the field in shared/) asks for a richer widget
 * where a plain input is not enough.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  default?: unknown;
  title?: string;
  description?: string;
  /** message ids of the title and description (set with `.meta({ titleKey, descriptionKey })` in shared/) */
  titleKey?: string;
  descriptionKey?: string;
  ui?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

const toSchema = (s: z.ZodType): JsonSchema => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

const byKind = new Map<NodeKind, JsonSchema>();

/** The form schema of a node kind's config (computed once per kind). */
export function kindSchema(kind: NodeKind): JsonSchema {
  let s = byKind.get(kind);
  if (!s) {
    s = toSchema(nodeKinds[kind].schema);
    byKind.set(kind, s);
  }
  return s;
}

let settings: JsonSchema | null = null;
/** The form schema of a journey's settings. */
export const settingsSchema = (): JsonSchema => (settings ??= toSchema(JourneySettings));

let rules: JsonSchema | null = null;
/** The form schema of a segment's rules. */
export const ruleSetSchema = (): JsonSchema => (rules ??= toSchema(RuleSet));

/** The types a schema allows, as a list. */
export function typesOf(s: JsonSchema): string[] {
  if (Array.isArray(s.type)) return s.type;
  return s.type ? [s.type] : [];
}

/** For `x | null` (zod's nullable): the non-null member, else null. */
export function nullableInner(s: JsonSchema): JsonSchema | null {
  const members = s.anyOf ?? s.oneOf;
  if (!members || members.length !== 2) return null;
  const nonNull = members.filter((m) => !(typesOf(m).length === 1 && typesOf(m)[0] === 'null'));
  if (nonNull.length !== 1) return null;
  const inner = nonNull[0];
  return {
    ...inner,
    title: s.title ?? inner?.title,
    description: s.description ?? inner?.description,
    titleKey: s.titleKey ?? inner?.titleKey,
    descriptionKey: s.descriptionKey ?? inner?.descriptionKey,
  };
}

/** The property every member of a union pins with `const` (e.g. `type`, `policy`), or null. */
export function discriminator(s: JsonSchema): string | null {
  const members = s.oneOf ?? s.anyOf;
  if (!members?.length) return null;
  const first = members[0]?.properties ?? {};
  for (const key of Object.keys(first)) if (members.every((m) => m.properties?.[key]?.const !== undefined)) return key;
  return null;
}

/** A value to start a new field, array item or union member with: the schema's default, else the simplest valid shape. */
export function buildDefault(s: JsonSchema): unknown {
  if (s.default !== undefined) return structuredClone(s.default);
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0];
  if (nullableInner(s)) return null;
  const members = s.oneOf ?? s.anyOf;
  if (members?.[0]) return buildDefault(members[0]);
  const types = typesOf(s);
  if (types.includes('object') || s.properties) {
    const out: Record<string, unknown> = {};
    for (const [key, prop] of Object.entries(s.properties ?? {})) if (s.required?.includes(key) || prop.default !== undefined || prop.const !== undefined) out[key] = buildDefault(prop);
    return out;
  }
  if (types.includes('array')) return Array.from({ length: s.minItems ?? 0 }, () => buildDefault(s.items ?? {}));
  if (types.includes('string')) return '';
  if (types.includes('integer') || types.includes('number')) return s.minimum ?? 0;
  if (types.includes('boolean')) return false;
  return null;
}

/** "withinDays" → "Within days", "newest_first" → "Newest first". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
