import type { Db } from '../db/client';
import type { Clock } from '../clock';
import type { EngineSettings } from '../engine/runner';
import { createContactLoader, policyFor, type ContactState } from '../engine/batchContext';
import { createTemplateCategories } from '../engine/templateCategories';
import { entryRules, relevantEvents } from '../backtest/candidates';
import { step } from '../../shared/journey/step';
import { awaitingMessage, newRun, type PolicyVerdict, type Run, type StepInput } from '../../shared/journey/run';
import type { CompiledJourney, MachineNode } from '../../shared/journey/machine';
import { kindDef, type ConfigOf } from '../../shared/journey/registry';
import type { Effect } from '../../shared/journey/effects';
import type { Channel } from '../../shared/journey/channels';
import { matchesFilters, type Profile, type ProfileEvent } from '../../shared/segments/evaluate';
import { seededRng } from '../../shared/util/hash';
import { DAY } from '../../shared/util/time';
import { explainCondition, explainRules } from './explain';
import { sayEnglish, whyEnglish, type TraceSay, type TraceWhy } from './lines';

/** What one line of a trace is about. */
export type TraceStepKind = 'entry' | 'event' | 'timer' | 'node' | 'port' | 'branch' | 'split' | 'send' | 'deferred' | 'suppressed' | 'wait' | 'trait' | 'exit' | 'end';

export interface TraceStep {
  at: number;
  kind: TraceStepKind;
  nodeId: string | null;
  /** the node's title on the canvas */
  node: string | null;
  /** what happened, in English (for the API and logs) */
  text: string;
  /** what happened, as data: the client words it in the reader's language */
  say: TraceSay;
  /** why, in English: the conditions a branch evaluated with the values it saw, a policy's reason */
  details: string[];
  /** why, as data (one per detail) */
  why: TraceWhy[];
  /** after the server's now: no recorded event can change it yet, timers only */
  projected: boolean;
}

export interface Trace {
  contact: { id: number; externalId: string; timezone: string };
  from: number;
  /** the trace follows recorded events up to `now`, and timers alone up to `until` */
  now: number;
  until: number;
  steps: TraceStep[];
  /** where the run was left */
  end: { status: Run['status']; nodeId: string; wakeAt: number | null; waitingFor: string | null; exitReason: string | null };
}

export interface TraceDeps {
  db: Db;
  clock: Clock;
  settings: () => EngineSettings;
  /** a segment's rules by key (undefined: no such segment) */
  segmentRules: (key: string) => unknown;
}

/** How far past now timers alone are followed, and how many inputs a trace steps at most. */
export const traceLimits = { projectDays: 90, maxInputs: 500 } as const;

/**
 * "Trace one contact": the draft's compiled machine run for one real contact
 * from `from`, with the engine's own pieces, and nothing written. The pure
 * `step`, the runner's contact loader (profile, opt-outs, the cap ledger of
 * the messages the contact was really sent, the event history branches read),
 * the runner's policy check (caps, quiet hours, opt-outs, as `decide` rules),
 * the template categories and the workspace's seeded RNG: each step sees what
 * the runner would have seen at that moment. Between steps it plays the
 * scheduler and the event router: the contact's recorded events after `from`
 * (the ones the machine waits for or exits on) at their own time, else the
 * run's timer. Recorded data ends at now; past it only timers fire, up to
 * 90 days, each line marked projected.
 *
 * Modelled as the live engine is, with these differences said in the result's
 * words: the contact enters at `from` whatever the entry (the segment's rules
 * are evaluated there and reported); a message that is sent is taken as sent
 * at once (a send node waiting for its outcome goes on by `next`); the run's
 * own earlier sends count against the caps, other journeys' only as they were
 * really sent.
 */
export function createTracer({ db, clock, settings, segmentRules }: TraceDeps) {
  const load = createContactLoader(db);
  const categories = createTemplateCategories(db);
  const c = db.$client;
  const eventsAfter = c.prepare<[number, string, number, number], { name: string; at: number; properties: string }>(
    `select name, at, properties from events where contact_id = ? and name in (select value from json_each(?)) and at > ? and at <= ? order by at, id`,
  );

  return function trace(machine: CompiledJourney, contact: { id: number; externalId: string }, from: number): Trace {
    const s = settings();
    const now = clock.now();
    const until = Math.max(now, from) + traceLimits.projectDays * DAY;
    const rules = entryRules(machine, segmentRules);
    const relevant = relevantEvents(machine, rules);
    const history = new Map<string, number>(Object.entries(machine.historyEvents));
    for (const cond of rules?.conditions ?? []) if (cond.type === 'event') history.set(cond.event, Math.max(history.get(cond.event) ?? 0, cond.withinDays));
    const rng = seededRng(s.rngSeed);
    const templateCategory = categories();
    const traits: Record<string, unknown> = {};
    /** the run's own sends so far: they take cap slots for its later ones */
    const sent: { channel: Channel; at: number }[] = [];

    /** The contact as the runner would load it at `t`: only what had happened by then. */
    const stateAt = (t: number): ContactState => {
      const loaded = load([contact.id], t, { defaultTimezone: s.timezone, policy: s.policy, history }).get(contact.id);
      if (!loaded) throw new Error(`contact ${contact.id} vanished during the trace`);
      const profile: Profile = {
        traits: { ...loaded.profile.traits, ...traits },
        timezone: loaded.profile.timezone,
        registeredAt: loaded.profile.registeredAt,
        events: loaded.profile.events.filter((e) => e.at <= t),
      };
      return { ...loaded, profile, ledger: [...loaded.ledger.filter((e) => e.at <= t), ...sent] };
    };

    const first = stateAt(from);
    const tz = first.profile.timezone;
    const steps: TraceStep[] = [];
    const title = (id: string | null) => (id === null ? null : (machine.nodes[id]?.title ?? id));
    const add = (at: number, kind: TraceStepKind, nodeId: string | null, say: TraceSay, why: TraceWhy[] = []) =>
      steps.push({ at, kind, nodeId, node: title(nodeId), text: sayEnglish(say, tz), say, details: why.map((w) => whyEnglish(w, tz)), why, projected: at > now });

    // the entry: who the trigger would have let in
    const entry = machine.nodes[machine.entry] as MachineNode;
    if (entry.kind === 'trigger.segment') {
      const segment = (entry.config as ConfigOf<'trigger.segment'>).segment;
      if (rules === null) add(from, 'entry', entry.id, { code: 'enters_segment_gone', at: from, segment });
      else {
        const lines = explainRules(rules, first.profile, from);
        const all = rules.conditions.map((x) => explainCondition(x, first.profile, from).held);
        const matches = rules.conditions.length === 0 || (rules.match === 'all' ? all.every(Boolean) : all.some(Boolean));
        add(from, 'entry', entry.id, { code: matches ? 'enters_in_segment' : 'enters_not_in_segment', at: from, segment }, [{ code: 'match', match: rules.match }, ...lines]);
      }
    } else if (entry.kind === 'trigger.event') add(from, 'entry', entry.id, { code: 'enters_as_if', at: from, event: machine.triggerEvent ?? null });
    else add(from, 'entry', entry.id, { code: 'enters', at: from });

    const waitedOn = new Set([...machine.awaitedEvents, ...machine.settings.exitCriteria.map((x) => x.event)]);
    const recorded: ProfileEvent[] = eventsAfter
      .all(contact.id, JSON.stringify([...relevant.names].filter((n) => waitedOn.has(n))), from, now)
      .map((e) => ({ name: e.name, at: e.at, properties: JSON.parse(e.properties) as Record<string, unknown> }));
    let nextEvent = 0;

    let run = newRun(machine, 'trace', String(contact.id), from);
    let input: StepInput = { type: 'start' };
    let at = from;
    for (let i = 0; i < traceLimits.maxInputs; i++) {
      const state = stateAt(at);
      const verdicts: PolicyVerdict[] = [];
      const check = policyFor(s.policy, state, at, machine);
      const result = step(run, input, {
        machine,
        now: at,
        rng,
        profile: state.profile,
        policy: (req) => {
          const v = check(req);
          verdicts.push(v);
          return v;
        },
        templateCategory,
      });
      describeEffects(result.effects, state.profile, at);
      run = result.run;
      if (run.status !== 'waiting') break;
      // what wakes it next: a recorded event it waits for or exits on, before its timer; else the timer
      while (nextEvent < recorded.length && (recorded[nextEvent] as ProfileEvent).at < at) nextEvent++;
      const ev = recorded.slice(nextEvent).find((e) => e.name === run.waitingFor || machine.settings.exitCriteria.some((x) => x.event === e.name && matchesFilters(e.properties, x.filter)));
      if (run.waitingFor === awaitingMessage) {
        add(at, 'send', run.nodeId, { code: 'taken_as_sent' });
        input = { type: 'message', status: 'sent' };
      } else if (ev && (run.wakeAt === null || ev.at < run.wakeAt)) {
        nextEvent = recorded.indexOf(ev) + 1;
        at = ev.at;
        add(at, 'event', run.nodeId, { code: 'recorded_event', event: ev.name, at });
        input = { type: 'event', event: ev };
      } else if (run.wakeAt !== null && run.wakeAt <= until) {
        at = Math.max(at, run.wakeAt);
        add(at, 'timer', run.nodeId, { code: 'wait_ends', at });
        input = { type: 'timer' };
      } else break;
    }
    const last: TraceSay =
      run.status === 'exited'
        ? { code: 'left', reason: run.exitReason }
        : run.status === 'waiting'
          ? { code: 'still_waiting', event: run.waitingFor, until: run.wakeAt }
          : { code: 'stopped', node: title(run.nodeId) ?? run.nodeId };
    add(Math.min(at, until), 'end', run.nodeId, last);
    return {
      contact: { id: contact.id, externalId: contact.externalId, timezone: tz },
      from,
      now,
      until,
      steps,
      end: { status: run.status, nodeId: run.nodeId, wakeAt: run.wakeAt, waitingFor: run.waitingFor, exitReason: run.exitReason },
    };

    /** One step's effects as lines: arrivals (a branch with its conditions), policy verdicts, waits, traits, the exit. */
    function describeEffects(effects: readonly Effect[], profile: Profile, t: number): void {
      let p = profile;
      for (const e of effects)
        switch (e.type) {
          case 'metric':
            if (e.metric === 'entered') arrived(e.nodeId, p, t);
            else if (e.metric === 'edge' && e.port !== undefined && e.port !== 'next') add(t, 'port', e.nodeId, { code: 'leaves_by', port: e.port, ...portLabelOf(e.nodeId, e.port) });
            else if (e.metric === 'holdout') add(t, 'split', e.nodeId, { code: 'holdout' });
            break;
          case 'send':
            sent.push({ channel: e.channel, at: t });
            add(t, 'send', e.nodeId, { code: 'sent', channel: e.channel, template: e.template, category: e.category }, [{ code: 'policy_allowed' }]);
            break;
          case 'withheld':
            add(t, e.decision, e.nodeId, { code: 'withheld', channel: e.channel, template: e.template, decision: e.decision, reason: e.reason, until: e.until }, [
              { code: e.decision === 'deferred' ? 'held_by' : 'withheld_by', reason: e.reason },
            ]);
            break;
          case 'wakeAt':
            add(t, 'wait', e.nodeId, { code: 'waits_until', at: e.at });
            break;
          case 'waitFor':
            add(t, 'wait', e.nodeId, e.event === awaitingMessage ? { code: 'waits_for_message' } : { code: 'waits_for', event: e.event, until: e.until });
            break;
          case 'setTrait':
            traits[e.trait] = e.value;
            p = { ...p, traits: { ...p.traits, [e.trait]: e.value } };
            add(t, 'trait', e.nodeId, { code: 'sets_trait', trait: e.trait, value: JSON.stringify(e.value) });
            break;
          case 'exit':
            add(t, 'exit', e.nodeId, { code: 'exits', reason: e.reason });
            break;
        }
    }

    /** The port as the canvas labels it (the registry's label and message id). */
    function portLabelOf(nodeId: string, port: string): { label: string; labelKey?: string } {
      const node = machine.nodes[nodeId];
      const found = node
        ? kindDef(node.kind)
            .ports(node.config)
            .find((x) => x.id === port)
        : undefined;
      return found ? (found.labelKey ? { label: found.label, labelKey: found.labelKey } : { label: found.label }) : { label: port };
    }

    function arrived(nodeId: string, p: Profile, t: number): void {
      const node = machine.nodes[nodeId];
      if (!node || node.id === machine.entry) return;
      if (node.kind === 'branch.condition') {
        const cfg = node.config as ConfigOf<'branch.condition'>;
        const why = cfg.cases.flatMap((k): TraceWhy[] => [{ code: 'case', label: k.label, match: k.match }, ...k.conditions.map((x) => ({ ...explainCondition(x, p, t), indent: true }))]);
        add(t, 'branch', nodeId, { code: 'reaches_branch', node: node.title, at: t }, why);
      } else add(t, 'node', nodeId, { code: 'reaches', node: node.title });
    }
  };
}

export type Tracer = ReturnType<typeof createTracer>;
