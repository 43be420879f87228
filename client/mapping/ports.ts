import { kindDef, type NodeKind } from '../../shared/journey/registry';
import type { Port } from '../../shared/journey/kind';
import type { Translate } from '../i18n/useT';
import type { z } from 'zod';

/** A config that does not parse keeps its first zod issue, for the reader's language (client/i18n/serverText.ts zodIssueText); `error` is its English. */
export type ParsedNode = { ok: true; config: Record<string, unknown>; summary: string; ports: Port[] } | { ok: false; error: string; issue?: z.core.$ZodIssue };

/** A node's config parsed with its kind's schema, with the registry's summary and ports. */
export function parseNodeConfig(kind: NodeKind, config: unknown): ParsedNode {
  const def = kindDef(kind);
  const parsed = def.schema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return issue ? { ok: false, error: issue.message, issue } : { ok: false, error: 'invalid config' };
  }
  const data = parsed.data as Record<string, unknown>;
  return { ok: true, config: data, summary: def.summary(data), ports: def.ports(data) };
}

/**
 * The label drawn on an edge leaving `port`: the registry's port label, else the
 * port id itself for a config that doesn't parse (`next` stays unlabeled).
 */
export function portLabel(kind: NodeKind, config: unknown, port: string): { label: string; labelKey?: string } {
  const parsed = parseNodeConfig(kind, config);
  const found = parsed.ok ? parsed.ports.find((p) => p.id === port) : undefined;
  if (found) return found.labelKey ? { label: found.label, labelKey: found.labelKey } : { label: found.label };
  return { label: port === 'next' ? '' : port };
}

/** A port's label in the reader's language: a fixed port's by its message id, a port the user named (a branch case, a split arm) as named. */
export const portText = (t: Translate, p: { label: string; labelKey?: string | undefined }): string => (p.labelKey ? t(p.labelKey) : p.label);
