import { createHash, randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { approvalRequests, journeys, journeyVersions, users, type ApprovalKind, type ApprovalStatus } from '../db/schema';
import { JourneyGraph } from '../../shared/journey/graph';
import { diffGraphs, summarizeChanges, type GraphChange } from '../../shared/journey/diff';
import { hasRole } from '../../shared/auth/roles';
import { TemplateDraft } from '../../shared/templates/draft';
import type { TemplateStore, TemplateVersion } from '../templates/store';
import type { JourneyService } from './journeys';
import type { TemplateService } from './templates';
import type { User } from './users';
import { notFound, refuse } from './errors';
import { listParam, serverMessageText, type ParamsOf, type ServerMessage } from '../../shared/i18n/serverMessages';

export interface ApprovalDeps {
  db: Db;
  /** when people asked and decided: wall-clock time, like sessions and the audit log, even under a fake journey clock */
  wallNow: () => number;
  /** is four-eyes on for this workspace? */
  enabled: () => boolean;
  journeys: JourneyService;
  templates: TemplateService;
  templateStore: TemplateStore;
}

/** One copy change a template request makes: a variant's part before and after (null: the variant is new or gone). */
export interface CopyChange {
  variant: string;
  part: string;
  before: string | null;
  after: string | null;
}

/** What approval performs, and what it changes as shown to the approver (taken when the request is filed). */
type Payload =
  /**
   * `enrolNow`: the operator's choice to enrol a segment entry at once too (absent on requests made before it existed: no).
   * `changes` in English; `graphs`, the live version and the draft compared, so a client words the changes in its language
   * (absent on requests made before it existed: the English lines are shown).
   */
  | { kind: 'journey.publish'; changes: string[]; enrolNow?: boolean; graphs?: { before: JourneyGraph | null; after: JourneyGraph } }
  | { kind: 'template.version'; draft: TemplateDraft; changes: CopyChange[] }
  | { kind: 'template.promote'; variant: string; changes: CopyChange[] };

/** What `summary` says, as data: a journey's changes by kind (the client counts and words them), a template's number of copy changes, a promoted variant. */
export type SummaryOf =
  | { kind: 'journey.publish'; first: boolean; enrolNow: boolean; changes: ({ type: Exclude<GraphChange['type'], 'settingsChanged'> } | SettingsChange)[] }
  | { kind: 'template.version'; changes: number }
  | { kind: 'template.promote'; variant: string };
type SettingsChange = Extract<GraphChange, { type: 'settingsChanged' }>;

function summaryOf(p: Payload): SummaryOf | null {
  switch (p.kind) {
    case 'journey.publish':
      if (!p.graphs) return null;
      return {
        kind: p.kind,
        first: p.graphs.before === null,
        enrolNow: p.enrolNow === true,
        changes: diffGraphs(p.graphs.before, p.graphs.after).map((c) => (c.type === 'settingsChanged' ? c : { type: c.type })),
      };
    case 'template.version':
      return { kind: p.kind, changes: p.changes.length };
    case 'template.promote':
      return { kind: p.kind, variant: p.variant };
  }
}

const sha = (v: unknown): string => createHash('sha256').update(JSON.stringify(v)).digest('base64url');

/** Per variant and part, the copy that differs between two versions of a template. */
export function copyChanges(before: Pick<TemplateVersion, 'variants'> | null, after: Pick<TemplateVersion, 'variants'>): CopyChange[] {
  const out: CopyChange[] = [];
  const keys = new Set([...(before?.variants ?? []).map((v) => v.key), ...after.variants.map((v) => v.key)]);
  for (const key of keys) {
    const b = before?.variants.find((v) => v.key === key);
    const a = after.variants.find((v) => v.key === key);
    for (const part of new Set([...Object.keys(b?.parts ?? {}), ...Object.keys(a?.parts ?? {})])) {
      const pb = b?.parts[part] ?? null;
      const pa = a?.parts[part] ?? null;
      if (pb !== pa) out.push({ variant: key, part, before: pb, after: pa });
    }
    if (b && a && b.weight !== a.weight) out.push({ variant: key, part: 'weight', before: `${b.weight}%`, after: `${a.weight}%` });
  }
  return out;
}

/**
 * Four-eyes approval: publishing a journey, a new version of a template a live
 * journey sends, and promoting an A/B winner become requests that someone else
 * with the approver role decides. A request remembers what its object looked
 * like (`base`); once that changes the request is stale and cannot be approved.
 * Approval performs the change in the caller's transaction (the audited one).
 */
export function createApprovalService({ db, wallNow, enabled, journeys: journeyService, templates, templateStore }: ApprovalDeps) {
  const journeyRow = (id: string) => {
    const j = db.select({ id: journeys.id, name: journeys.name, draft: journeys.draft, status: journeys.status }).from(journeys).where(eq(journeys.id, id)).get();
    if (!j) throw notFound('journey', id);
    return j;
  };
  const currentTemplate = (key: string): TemplateVersion => {
    const v = templateStore.current(key);
    if (!v) throw notFound('template', key);
    return v;
  };
  const liveGraph = (journeyId: string): JourneyGraph | null => {
    const v = db.select({ graph: journeyVersions.graph }).from(journeyVersions).where(eq(journeyVersions.journeyId, journeyId)).orderBy(desc(journeyVersions.version)).limit(1).get();
    return v ? JourneyGraph.parse(v.graph) : null;
  };

  /** What the object looks like now, in the form its request's `base` was taken. */
  const baseNow = (kind: ApprovalKind, objectId: string): string => (kind === 'journey.publish' ? sha(journeyRow(objectId).draft) : `v${templateStore.current(objectId)?.version ?? 0}`);

  const staleReason = (r: { kind: ApprovalKind; objectId: string; base: string; status: ApprovalStatus }): ParamsOf<'request_stale'>['reason'] | null => {
    if (r.status !== 'pending') return null;
    try {
      if (baseNow(r.kind, r.objectId) === r.base) return null;
    } catch {
      return 'gone';
    }
    return r.kind === 'journey.publish' ? 'draft_changed' : 'template_newer';
  };

  const file = (kind: ApprovalKind, objectType: string, objectId: string, objectName: string, payload: Payload, summary: string, user: User): { request: { id: string } } => {
    const base = baseNow(kind, objectId);
    // asking again for the same change returns the open request instead of a second one
    const open = db
      .select({ id: approvalRequests.id, payload: approvalRequests.payload, base: approvalRequests.base })
      .from(approvalRequests)
      .where(and(eq(approvalRequests.kind, kind), eq(approvalRequests.objectId, objectId), eq(approvalRequests.status, 'pending')))
      .all()
      .find((r) => r.base === base && sha(r.payload) === sha(payload));
    if (open) return { request: { id: open.id } };
    const id = randomUUID();
    db.insert(approvalRequests).values({ id, kind, objectType, objectId, objectName, payload, base, summary, requestedBy: user.id, requestedAt: wallNow() }).run();
    return { request: { id } };
  };

  const perform = (r: { kind: ApprovalKind; objectId: string; payload: unknown }, requester: string): unknown => {
    const p = r.payload as Payload;
    switch (p.kind) {
      case 'journey.publish':
        return journeyService.publish(r.objectId, requester, { enrolNow: p.enrolNow === true });
      case 'template.version':
        return templates.save(p.draft, requester);
      case 'template.promote':
        return templates.promote(r.objectId, p.variant, requester);
    }
  };

  const nameOf = (id: string | null) => (id ? (db.select({ id: users.id, displayName: users.displayName }).from(users).where(eq(users.id, id)).get() ?? { id, displayName: '(deleted user)' }) : null);

  const view = (r: typeof approvalRequests.$inferSelect) => {
    const stale = staleReason(r);
    return {
      id: r.id,
      kind: r.kind,
      objectType: r.objectType,
      objectId: r.objectId,
      objectName: r.objectName,
      requestedBy: nameOf(r.requestedBy) ?? { id: r.requestedBy, displayName: '' },
      requestedAt: r.requestedAt,
      status: r.status,
      decidedBy: nameOf(r.decidedBy),
      decidedAt: r.decidedAt,
      comment: r.comment,
      stale: stale !== null,
      staleReason: stale === null ? null : serverMessageText('stale_reason', { reason: stale, base: r.base }),
      /** the reason by its code, for the client to word */
      staleMessage: stale === null ? null : ({ code: 'stale_reason', params: { reason: stale, base: r.base } } satisfies ServerMessage),
      summary: r.summary,
      /** the summary as data, for a client to word in its own language (null: a request made before it existed; `summary` says it) */
      summaryOf: summaryOf(r.payload as Payload),
      result: r.result ?? null,
    };
  };

  const row = (id: string) => {
    const r = db.select().from(approvalRequests).where(eq(approvalRequests.id, id)).get();
    if (!r) throw notFound('approval_request', id);
    return r;
  };

  const decide = (id: string, user: User, status: 'approved' | 'rejected', comment: string | null) => {
    const r = row(id);
    if (r.status !== 'pending') throw refuse('CONFLICT', 'request_already_decided', { status: r.status });
    if (r.requestedBy === user.id) throw refuse('FORBIDDEN', 'own_request', {});
    if (!hasRole(user.roles, 'approver')) throw refuse('FORBIDDEN', 'approver_role_needed', {});
    let result: unknown = null;
    if (status === 'approved') {
      const stale = staleReason(r);
      if (stale) throw refuse('CONFLICT', 'request_stale', { reason: stale, base: r.base });
      result = perform(r, nameOf(r.requestedBy)?.displayName ?? 'unknown');
    }
    db.update(approvalRequests).set({ status, decidedBy: user.id, decidedAt: wallNow(), comment, result }).where(eq(approvalRequests.id, id)).run();
    return { id, status, result };
  };

  return {
    enabled,

    /**
     * Publish now (four-eyes off) or file a request; either way a draft with errors, or with no change
     * since the last version, is refused first. The "also enrol now" choice travels with the request.
     */
    publishJourney(id: string, user: User, { enrolNow = false }: { enrolNow?: boolean } = {}): { version: number } | { request: { id: string } } {
      if (!enabled()) return journeyService.publish(id, user.displayName, { enrolNow });
      journeyService.assertPublishable(id);
      const j = journeyRow(id);
      const live = liveGraph(id);
      const draft = JourneyGraph.parse(j.draft);
      const changes = diffGraphs(live, draft);
      const summary = (live ? summarizeChanges(changes) : 'first version') + (enrolNow ? '; also enrols now' : '');
      const payload: Payload = { kind: 'journey.publish', changes: live ? changes.map((c) => c.message) : ['First version: everything goes live'], enrolNow, graphs: { before: live, after: draft } };
      return file('journey.publish', 'journey', id, j.name, payload, summary, user);
    },

    /**
     * Save a template; a new version of one a live journey sends waits for approval when four-eyes is on.
     * Only an admin marks a template transactional: refused before anything is saved or any request filed.
     */
    saveTemplate(draft: TemplateDraft, user: User) {
      templates.assertMayCategorise(draft, user.roles);
      if (!enabled() || !templateStore.current(draft.key) || !usedLive(draft.key)) return templates.save(draft, user.displayName);
      const { warnings, changed } = templates.validate(draft);
      if (!changed) return templates.save(draft, user.displayName);
      const changes = copyChanges(currentTemplate(draft.key), draft);
      const n = changes.length;
      const filed = file('template.version', 'template', draft.key, draft.name, { kind: 'template.version', draft, changes }, `${n} change${n === 1 ? '' : 's'} to the copy`, user);
      return { ...filed, version: null, created: false, warnings };
    },

    promoteVariant(key: string, variant: string, user: User): { version: number } | { request: { id: string } } {
      if (!enabled()) return templates.promote(key, variant, user.displayName);
      const v = currentTemplate(key);
      if (!v.variants.some((x) => x.key === variant)) throw refuse('NOT_FOUND', 'template_no_variant', { key, variant, variants: listParam(v.variants.map((x) => x.key)) });
      const changes = copyChanges(v, { variants: v.variants.map((x) => ({ ...x, weight: x.key === variant ? 100 : 0 })) });
      return file('template.promote', 'template', key, v.name, { kind: 'template.promote', variant, changes }, `promote variant ${variant} to 100%`, user);
    },

    list(f: { status?: ApprovalStatus | undefined; limit?: number | undefined }) {
      const rows = db
        .select()
        .from(approvalRequests)
        .where(f.status ? eq(approvalRequests.status, f.status) : undefined)
        .orderBy(desc(approvalRequests.requestedAt))
        .limit(f.limit ?? 200)
        .all();
      return rows.map(view);
    },

    /** One request with what it changes: the graph changes for a journey (and whether it also enrols now; null for a template), the copy per variant for a template. */
    get(id: string) {
      const r = row(id);
      const p = r.payload as Payload;
      return { ...view(r), changes: p.changes, enrolNow: p.kind === 'journey.publish' ? p.enrolNow === true : null, graphs: p.kind === 'journey.publish' ? (p.graphs ?? null) : null };
    },

    approve: (id: string, user: User, comment: string | null) => decide(id, user, 'approved', comment),
    reject: (id: string, user: User, comment: string) => decide(id, user, 'rejected', comment),

    /** The requester takes a pending request back. */
    withdraw(id: string, user: User) {
      const r = row(id);
      if (r.requestedBy !== user.id) throw refuse('FORBIDDEN', 'requester_only_withdraw', {});
      if (r.status !== 'pending') throw refuse('CONFLICT', 'request_already_decided', { status: r.status });
      db.update(approvalRequests).set({ status: 'withdrawn', decidedBy: user.id, decidedAt: wallNow() }).where(eq(approvalRequests.id, id)).run();
      return { id, status: 'withdrawn' as const };
    },

    /** counted in SQL through approval_requests_status, not by loading the ids */
    pendingCount: (): number =>
      db
        .select({ n: sql<number>`count(*)` })
        .from(approvalRequests)
        .where(eq(approvalRequests.status, 'pending'))
        .get()?.n ?? 0,
  };

  /** Does a live or paused journey's running version send this template? */
  function usedLive(key: string): boolean {
    const live = db
      .select({ id: journeys.id })
      .from(journeys)
      .where(inArray(journeys.status, ['live', 'paused']))
      .all();
    return live.some(({ id }) => liveGraph(id)?.nodes.some((n) => n.kind === 'send' && (n.config as { template?: string }).template === key) ?? false);
  }
}

export type ApprovalService = ReturnType<typeof createApprovalService>;
