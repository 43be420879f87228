import { maskPhone } from '../../shared/auth/roles';
import type { Db } from '../db/client';
import type { ContactStore } from './contacts';
import { describeDecision } from '../../shared/policy/describe';
import { notFound } from './errors';
import type { MessageHistoryEntry } from '../db/schema';

interface ContactFull {
  id: number;
  external_id: string | null;
  anonymous_id: string | null;
  traits: string;
  phone: string | null;
  email: string | null;
  timezone: string | null;
  opt_outs: string;
  registered_at: number | null;
  created_at: number;
  sleeping_since: number | null;
}

/** May the reader see personal data in full? (analysts and admins; see shared/auth/roles.ts) */
export interface Pii {
  pii: boolean;
}

/** Traits as a viewer sees them: any phone-like trait masked. */
export const maskedTraits = (traits: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(traits).map(([k, v]) => [k, /phone|mobile/i.test(k) && typeof v === 'string' ? maskPhone(v) : v]));

/** One contact, everything that happened to them: events, journeys, steps, messages and every policy decision. */
export function createContactQueries(db: Db, contacts: ContactStore, defaultTimezone: () => string) {
  const c = db.$client;
  const byId = c.prepare<[number], ContactFull>('select id, external_id, anonymous_id, traits, phone, email, timezone, opt_outs, registered_at, created_at, sleeping_since from contacts where id = ?');
  const contactRow = (externalId: string): ContactFull => {
    const found = contacts.find(externalId, externalId);
    const row = found ? byId.get(found.id) : undefined;
    if (!row) throw notFound('contact', externalId);
    return row;
  };

  /** One contact; without `pii` (a viewer) phone numbers come masked, in the column and in the traits. */
  const get = (externalId: string, { pii }: Pii = { pii: true }) => {
    const r = contactRow(externalId);
    const contact = {
      id: r.id,
      externalId: r.external_id,
      anonymousId: r.anonymous_id,
      traits: JSON.parse(r.traits) as Record<string, unknown>,
      phone: r.phone,
      email: r.email,
      timezone: r.timezone ?? defaultTimezone(),
      optOuts: JSON.parse(r.opt_outs) as string[],
      registeredAt: r.registered_at,
      createdAt: r.created_at,
      /** a system trait: since when the contact is sleeping (server/sleeping/), or null */
      sleepingSince: r.sleeping_since,
    };
    return pii ? contact : { ...contact, phone: maskPhone(contact.phone), traits: maskedTraits(contact.traits) };
  };

  /**
   * A node as the timeline names it: its title and kind in the version the
   * contact went through (a version is immutable, so each graph is read once).
   * Null for a node the version does not have.
   */
  const versionGraph = c.prepare<[string, number], string>('select graph from journey_versions where journey_id = ? and version = ?').pluck();
  const graphs = new Map<string, Map<string, { title: string | null; kind: string }>>();
  const nodeOf = (journeyId: string, version: number, nodeId: string): { title: string | null; kind: string } | null => {
    const k = `${journeyId}\u0000${version}`;
    let nodes = graphs.get(k);
    if (!nodes) {
      const graph = versionGraph.get(journeyId, version);
      const parsed = graph ? (JSON.parse(graph) as { nodes?: { id: string; kind: string; title?: string }[] }) : {};
      nodes = new Map((parsed.nodes ?? []).map((n) => [n.id, { title: n.title?.trim() || null, kind: n.kind }]));
      graphs.set(k, nodes);
    }
    return nodes.get(nodeId) ?? null;
  };
  const named = <R extends { journey_id: string; version: number; node_id: string }>(r: R) => {
    const n = nodeOf(r.journey_id, r.version, r.node_id);
    return { ...r, node_title: n?.title ?? null, node_kind: n?.kind ?? null };
  };

  const recentTraitKeys = c.prepare<[], { key: string }>(`select distinct j.key from (select traits from contacts order by id desc limit 2000) t, json_each(t.traits) j order by j.key`);
  return {
    get,
    /** Trait names recent contacts carry: what a template may read without a default (for the unknown-variable check). */
    knownTraits: (): string[] => recentTraitKeys.all().map((r) => r.key),
    timeline(externalId: string, limit = 200, pii: Pii = { pii: true }) {
      const contact = get(externalId, pii);
      const id = contact.id;
      const events = c
        .prepare<[number, number], { id: number; name: string; type: string; properties: string; at: number }>(
          'select id, name, type, properties, at from events where contact_id = ? order by at desc, id desc limit ?',
        )
        .all(id, limit)
        .map((e) => {
          const properties = JSON.parse(e.properties) as Record<string, unknown>;
          return { ...e, properties: pii.pii ? properties : maskedTraits(properties) };
        });
      const runs = c
        .prepare<
          [number, number],
          {
            id: number;
            journey_id: string;
            name: string;
            version: number;
            node_id: string;
            status: string;
            entered_at: number;
            exit_reason: string | null;
            exited_at: number | null;
            wake_at: number | null;
            waiting_for: string | null;
          }
        >(
          `select r.id, r.journey_id, j.name, v.version, r.node_id, r.status, r.entered_at, r.exit_reason, r.exited_at, r.wake_at, r.waiting_for
           from runs r join journeys j on j.id = r.journey_id join journey_versions v on v.id = r.version_id where r.contact_id = ? order by r.entered_at desc, r.id desc limit ?`,
        )
        // bounded like the rest: a contact re-entering a journey daily has a run a day
        .all(id, limit)
        .map(named);
      // each run keeps the nodes it entered as [node, visit, at]; the timeline shows one line per node
      const steps = c
        .prepare<[number, number], { run_id: number; journey_id: string; version: number; node_id: string; visit: number; at: number }>(
          `select r.id run_id, r.journey_id, v.version, p.value ->> 0 node_id, p.value ->> 1 visit, p.value ->> 2 at
           from runs r join journey_versions v on v.id = r.version_id, json_each(r.path) p
           where r.contact_id = ? order by p.value ->> 2 desc, r.id desc, p.key desc limit ?`,
        )
        .all(id, limit)
        .map(named);
      const messages = c
        .prepare<
          [number, number],
          {
            id: number;
            journey_id: string;
            version: number;
            node_id: string;
            channel: string;
            template: string;
            variant: string | null;
            status: string;
            reason: string | null;
            body: string | null;
            created_at: number;
            history: string;
          }
        >(
          `select m.id, m.journey_id, m.version, m.node_id, m.channel, m.template, m.variant, m.status, m.reason, m.body, m.created_at, m.history
           from runs r join messages m on m.run_id = r.id where r.contact_id = ? order by m.created_at desc, m.id desc limit ?`,
        )
        .all(id, limit)
        .map(({ history, ...m }) => ({
          ...named(m),
          history: (JSON.parse(history) as MessageHistoryEntry[]).map((h) => {
            const d = h.detail;
            const decision = (h.status === 'deferred' || h.status === 'suppressed') && d?.reason ? describeDecision(h.status, d.reason, d.until ?? null, contact.timezone) : null;
            // `decision` in English for the API; its reason code and `until`, for the client to word
            return { status: h.status, at: h.at, decision, reason: decision === null ? null : (d?.reason ?? null), until: decision === null ? null : (d?.until ?? null), error: d?.error ?? null };
          }),
        }));
      return { contact, events, runs, steps, messages };
    },
  };
}
