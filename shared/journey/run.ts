import type { Channel, MessageCategory } from './channels';
import type { Profile, ProfileEvent } from '../segments/evaluate';
import type { KeyedRng } from '../util/hash';
import type { CompiledJourney } from './machine';
import type { RunStatus } from './runStatus';
import type { SettledStatus } from '../outbox/status';

export type { RunStatus } from './runStatus';

/** One contact's position in one journey version. Plain data: stored as a row. */
export interface Run {
  id: string;
  contactId: string;
  nodeId: string;
  status: RunStatus;
  /** Bumped on every node arrival; (id, nodeId, visit) keys a message so it is never sent twice. */
  visit: number;
  /** epoch ms when a timer input is due, or null */
  wakeAt: number | null;
  /** name of the event a `wait.event` node waits for, `awaitingMessage` while a send node waits for its message's outcome, or null */
  waitingFor: string | null;
  enteredAt: number;
  nodeEnteredAt: number;
  exitReason: string | null;
  /**
   * Passes through each node with a loop limit (`maxVisits`) in this entry,
   * keyed by node id; absent until the run first reaches one. Re-entry starts it again.
   */
  laps?: Readonly<Record<string, number>> | null;
}

/**
 * What `waitingFor` holds while a send node with its `failed` port connected
 * waits for its message's outcome. Were an event ever named so, nothing would
 * go wrong: an event input finds no rule for it at a send node, and a wake for
 * a message finds no message at a wait node.
 */
export const awaitingMessage = '@message';

/**
 * - start: a fresh run (or one entered again) moves from its entry;
 * - timer: its wake time came;
 * - event: an event it waits for, or one that may end it (exit criteria);
 * - message: the message it waits for at a send node settled (the outbox's final word).
 */
export type StepInput = { type: 'start' } | { type: 'timer' } | { type: 'event'; event: ProfileEvent } | { type: 'message'; status: SettledStatus };

export type PolicyVerdict = { decision: 'allow' } | { decision: 'defer'; until: number; reason: string } | { decision: 'suppress'; reason: string };

export interface PolicyRequest {
  channel: Channel;
  category: MessageCategory;
  nodeId: string;
}

/**
 * Contact policy (caps, quiet hours, opt-outs) as a verdict function. The
 * runner builds it from the ledger for the batch; tests pass a plain closure.
 */
export type PolicyCheck = (req: PolicyRequest) => PolicyVerdict;

/** Everything `step` may consult besides the run and the input. No clock, no RNG, no I/O of its own. */
export interface StepContext {
  machine: CompiledJourney;
  /** epoch ms: the injected clock's reading */
  now: number;
  rng: KeyedRng;
  profile: Profile;
  policy: PolicyCheck;
  /**
   * A template's category as an admin marked it: transactional is a property
   * of the template, and a node cannot relax it. Throws a `JourneyFault` for a
   * template that does not exist. Absent: every template is marketing, the
   * strict reading (caps and quiet hours apply).
   */
  templateCategory?: (template: string) => MessageCategory;
}

export const allowAll: PolicyCheck = () => ({ decision: 'allow' });

/** A fresh run at the machine's entry node; `step(run, {type: 'start'}, ctx)` moves it. */
export function newRun(machine: CompiledJourney, id: string, contactId: string, now: number): Run {
  return {
    id,
    contactId,
    nodeId: machine.entry,
    status: 'active',
    visit: 1,
    wakeAt: null,
    waitingFor: null,
    enteredAt: now,
    nodeEnteredAt: now,
    exitReason: null,
  };
}
