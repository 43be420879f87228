import { kindDef, type NodeKind } from '../../shared/journey/registry';
import type { Port } from '../../shared/journey/kind';

export type ParsedNode = { ok: true; config: Record<string, unknown>; summary: string; ports: Port[] } | { ok: false; error: string };

/** A node's config parsed with its kind's schema, with the registry's summary and ports. */
export function parseNodeConfig(kind: NodeKind, config: unknown): ParsedNode {
  const def = kindDef(kind);
  const parsed = def.schema.safeParse(config);
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? 'invalid config' };
  const data = parsed.data as Record<string, unknown>;
  return { ok: true, config: data, summary: def.summary(data), ports: def.ports(data) };
}

/**
 * The label drawn on an edge leaving `port`: the registry's port label, else the
 * port id itself for a config that doesn't parse (`next` stays unlabeled).
 */
export function portLabel(kind: NodeKind, config: unknown, port: string): string {
  const parsed = parseNodeConfig(kind, config);
  const found = parsed.ok ? parsed.ports.find((p) => p.id === port) : undefined;
  if (found) return found.label;
  return port === 'next' ? '' : port;
}
