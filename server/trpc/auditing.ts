import type { Services } from '../services';
import { compactDiff } from '../../shared/util/compactDiff';
import { diffGraphs } from '../../shared/journey/diff';
import { JourneyGraph } from '../../shared/journey/graph';

type Input = Record<string, unknown> | undefined;

/**
 * How the audit log describes a procedure's change. `snapshot` reads the object
 * before and after the change, inside its transaction; the row keeps the
 * compact difference. Without one, the row keeps the (redacted) input.
 */
export interface AuditMeta {
  objectType?: string;
  /** default: the input's id or key, else the result's */
  objectId?: (input: Input, result: unknown) => string | null;
  snapshot?: (services: Services, id: string) => unknown;
  /** before, after → what the row keeps (default: compactDiff) */
  diff?: (before: unknown, after: unknown) => unknown;
  /** not synchronous (it awaits the engine or the network): recorded after success, outside a transaction */
  outside?: boolean;
}

const idOf = (v: unknown): string | null => {
  if (!v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  for (const k of ['id', 'key'] as const) if (typeof o[k] === 'string') return o[k];
  const draft = o.draft as Record<string, unknown> | undefined;
  return typeof draft?.key === 'string' ? draft.key : null;
};

export function auditOf(meta: AuditMeta | undefined, services: Services, rawInput: unknown) {
  const input = rawInput as Input;
  // the audit reads the raw input before the schema has checked it (the snapshot is taken first): whatever it is
  // (a number, { ids: null }, an object with a bad toString), it names no object rather than failing the call with a 500
  const id = (result: unknown): string | null => {
    try {
      return meta?.objectId ? meta.objectId(input, result) : (idOf(input) ?? idOf(result));
    } catch {
      return null;
    }
  };
  const read = (objectId: string | null): unknown => {
    if (!meta?.snapshot || objectId === null) return null;
    try {
      return meta.snapshot(services, objectId);
    } catch {
      return null; // not there (yet): a create's before, a bad id's refusal
    }
  };
  return {
    before: () => read(id(undefined)),
    after(before: unknown, result: unknown) {
      const objectId = id(result);
      if (!meta?.snapshot) return { objectType: meta?.objectType ?? null, objectId, diff: undefined };
      const after = read(objectId);
      return { objectType: meta.objectType ?? null, objectId, diff: (meta.diff ?? compactDiff)(before, after) };
    },
  };
}

// ─── what each area's changes look like in the log ───────────────────────────

export const journeyAudit: AuditMeta = {
  objectType: 'journey',
  snapshot: (s, id) => {
    const j = s.journeys.get(id);
    return { name: j.name, description: j.description, status: j.status, version: j.version, draft: j.draft };
  },
  // the draft as the graph changes it made (node added, config changed …), the rest field by field
  diff: (before, after) => {
    type Snap = { draft: JourneyGraph } & Record<string, unknown>;
    const b = before as Snap | null;
    const a = after as Snap | null;
    const { draft: bd, ...bRest } = b ?? { draft: null };
    const { draft: ad, ...aRest } = a ?? { draft: null };
    const graph = ad ? diffGraphs(bd ? JourneyGraph.parse(bd) : null, JourneyGraph.parse(ad)).map((c) => c.message) : [];
    return { ...compactDiff(b ? bRest : null, aRest), ...(graph.length ? { draft: graph.slice(0, 20) } : {}) };
  },
};

/** A copy is a new journey: the row names the copy (from the result) and shows all of it; the input names the original. */
export const journeyCopyAudit: AuditMeta = { ...journeyAudit, objectId: (_input, result) => idOf(result) };

export const templateAudit: AuditMeta = {
  objectType: 'template',
  snapshot: (s, key) => {
    const t = s.templates.get(key);
    return { version: t.version, name: t.name, category: t.category, variants: Object.fromEntries(t.variants.map((v) => [v.key, { weight: v.weight, ...v.parts }])) };
  },
};

export const segmentAudit: AuditMeta = { objectType: 'segment', snapshot: (s, key) => s.segments.get(key) };

export const policyAudit: AuditMeta = { objectType: 'policy', objectId: () => 'workspace', snapshot: (s) => s.workspace.getPolicy() };

/** The workspace's settings as the log may show them: never a key, only its last four characters. */
export const workspaceAudit: AuditMeta = {
  objectType: 'workspace',
  objectId: () => 'workspace',
  snapshot: (s) => {
    const w = s.workspace.settings();
    return { approvals: w.approvals, writeKey: `…${w.writeKey.slice(-4)}`, previousWriteKeyExpiresAt: w.previousWriteKeyExpiresAt, unitPrices: w.unitPrices, locale: w.locale };
  },
};

export const userAudit: AuditMeta = {
  objectType: 'user',
  snapshot: (s, id) => {
    const u = s.users.get(id);
    return { login: u.login, displayName: u.displayName, roles: u.roles, active: u.active };
  },
};

export const approvalAudit: AuditMeta = {
  objectType: 'approval',
  snapshot: (s, id) => {
    const r = s.approvals.get(id);
    return { kind: r.kind, object: `${r.objectType} ${r.objectId}`, status: r.status, comment: r.comment, result: r.result };
  },
};
