import type { Channel } from '../../shared/journey/channels';
import { channelLabels } from '../../shared/journey/channels';
import { describeDecision, describeReason } from '../../shared/policy/describe';
import { loopLimitReason } from '../../shared/journey/loops';
import { assertNever } from '../../shared/util/assertNever';
import { when } from './explain';

/**
 * What a trace line says, as data (issue 18): the client words each code in
 * the reader's language (client/trace/traceText.ts); the English below is the
 * line's `text` for the API and the logs. Instants are epoch ms, worded in the
 * contact's zone.
 */
export type TraceSay =
  | { code: 'enters'; at: number }
  | { code: 'enters_in_segment'; at: number; segment: string }
  | { code: 'enters_not_in_segment'; at: number; segment: string }
  | { code: 'enters_segment_gone'; at: number; segment: string }
  | { code: 'enters_as_if'; at: number; event: string | null }
  | { code: 'taken_as_sent' }
  | { code: 'recorded_event'; event: string; at: number }
  | { code: 'wait_ends'; at: number }
  | { code: 'left'; reason: string | null }
  | { code: 'still_waiting'; event: string | null; until: number | null }
  | { code: 'stopped'; node: string }
  /** label/labelKey: the registry's label for the port (a fixed port's message id; a case or arm as the operator named it) */
  | { code: 'leaves_by'; port: string; label: string; labelKey?: string }
  | { code: 'holdout' }
  | { code: 'sent'; channel: Channel; template: string; category: string }
  | { code: 'withheld'; channel: Channel; template: string; decision: 'deferred' | 'suppressed'; reason: string; until: number | null }
  | { code: 'waits_until'; at: number }
  | { code: 'waits_for_message' }
  | { code: 'waits_for'; event: string; until: number | null }
  /** value: the trait's new value as JSON */
  | { code: 'sets_trait'; trait: string; value: string }
  | { code: 'exits'; reason: string }
  | { code: 'reaches_branch'; node: string; at: number }
  | { code: 'reaches'; node: string };

/** One condition and what the contact's data held for it (values as JSON, null: no value). */
export type ConditionWhy =
  | { code: 'trait'; trait: string; op: string; value: string | null; saw: string | null; held: boolean }
  | { code: 'event'; did: boolean; event: string; filtered: boolean; days: number; count: number; last: number | null; held: boolean }
  | { code: 'registered'; min: number; max: number; daysAgo: number | null; held: boolean };

/** Why a line went as it did, as data: a rule set's match, its conditions (indented under a branch's case), a policy verdict. */
export type TraceWhy =
  | { code: 'match'; match: 'all' | 'any' }
  | { code: 'no_conditions' }
  | { code: 'case'; label: string; match: 'all' | 'any' }
  | (ConditionWhy & { indent?: boolean })
  | { code: 'policy_allowed' }
  | { code: 'held_by'; reason: string }
  | { code: 'withheld_by'; reason: string };

function exitWords(reason: string): string {
  if (reason.startsWith('exit_criteria:')) return `exit criterion ${reason.slice('exit_criteria:'.length)}`;
  if (reason === 'port_unwired') return 'a port with nothing after it';
  if (reason === loopLimitReason) return 'passed the loop limit';
  return reason;
}

/** A line in English, its times in `tz`. */
export function sayEnglish(s: TraceSay, tz: string): string {
  switch (s.code) {
    case 'enters':
      return `Enters at ${when(s.at, tz)}`;
    case 'enters_in_segment':
      return `Enters at ${when(s.at, tz)}: in segment ${s.segment} then`;
    case 'enters_not_in_segment':
      return `Enters at ${when(s.at, tz)} for the trace, though not in segment ${s.segment} then: the schedule would not enrol them`;
    case 'enters_segment_gone':
      return `Enters at ${when(s.at, tz)}; segment ${s.segment} no longer exists`;
    case 'enters_as_if':
      return `Enters at ${when(s.at, tz)}, as if they did ${s.event ?? 'the trigger event'} then`;
    case 'taken_as_sent':
      return 'The message is taken as sent at once: the run goes on by "next"';
    case 'recorded_event':
      return `Recorded event ${s.event} at ${when(s.at, tz)}`;
    case 'wait_ends':
      return `The wait ends at ${when(s.at, tz)}`;
    case 'left':
      return `Left the journey: ${s.reason ?? 'exit'}`;
    case 'still_waiting': {
      const until = s.until === null ? '' : ` until ${when(s.until, tz)}`;
      return s.event ? `Still waiting for ${s.event}${until} at the end of the trace` : `Still waiting${until} at the end of the trace`;
    }
    case 'stopped':
      return `Stopped at ${s.node}`;
    case 'leaves_by':
      return `Leaves by "${s.port}"`;
    case 'holdout':
      return 'In the holdout: gets nothing from here, counted to measure uplift';
    case 'sent':
      return `Sent: ${channelLabels[s.channel]} ${s.template} (${s.category})`;
    case 'withheld':
      return `${channelLabels[s.channel]} ${s.template} ${describeDecision(s.decision, s.reason, s.until, tz)}`;
    case 'waits_until':
      return `Waits until ${when(s.at, tz)}`;
    case 'waits_for_message':
      return 'Waits for the message’s outcome';
    case 'waits_for':
      return `Waits for ${s.event}${s.until === null ? '' : `, at most until ${when(s.until, tz)}`}`;
    case 'sets_trait':
      return `Sets ${s.trait} = ${s.value}`;
    case 'exits':
      return `Exits: ${exitWords(s.reason)}`;
    case 'reaches_branch':
      return `Reaches ${s.node}: conditions evaluated at ${when(s.at, tz)}`;
    case 'reaches':
      return `Reaches ${s.node}`;
    default:
      return assertNever(s, 'trace line');
  }
}

/** A reason in English, its times in `tz`. */
export function whyEnglish(w: TraceWhy, tz: string): string {
  const yes = (held: boolean) => (held ? 'yes' : 'no');
  const pad = 'indent' in w && w.indent ? '  ' : '';
  switch (w.code) {
    case 'match':
      return `match ${w.match}`;
    case 'no_conditions':
      return 'no conditions: everyone matches';
    case 'case':
      return `case ${w.label} (match ${w.match}):`;
    case 'trait':
      return `${pad}trait ${w.trait} ${w.op}${w.value === null ? '' : ` ${w.value}`}: saw ${w.saw ?? 'no value'} → ${yes(w.held)}`;
    case 'event': {
      const saw = w.count === 0 || w.last === null ? 'none' : `${w.count}, the last at ${when(w.last, tz)}`;
      return `${pad}${w.did ? 'did' : 'did not do'} ${w.event}${w.filtered ? ' (filtered)' : ''} in the last ${w.days} days: saw ${saw} → ${yes(w.held)}`;
    }
    case 'registered':
      return `${pad}registered ${w.min}–${w.max} days ago: saw ${w.daysAgo === null ? 'no registration time' : `${w.daysAgo} days ago`} → ${yes(w.held)}`;
    case 'policy_allowed':
      return 'the contact policy allowed it: no cap reached, outside quiet hours, not opted out';
    case 'held_by':
      return `held by ${describeReason(w.reason)}; the node waits and asks the policy again then`;
    case 'withheld_by':
      return `withheld: ${describeReason(w.reason)}; the contact goes on without it`;
    default:
      return assertNever(w, 'trace reason');
  }
}
