import { useMemo } from 'react';
import type { TraceSay, TraceWhy } from '../../server/trace/lines';
import type { Weekday } from '../../shared/util/time';
import { channelMessages } from '../i18n/registryMessages';
import { decisionText, reasonText } from '../i18n/policyReason';
import { exitReasonText } from '../i18n/exitReason';
import { enumLabel } from '../inspector/enumLabels';
import { portText } from '../mapping/ports';
import { msg } from '../i18n/messageIds';
import { useT, type Translate } from '../i18n/useT';
import { useFormat } from '../i18n/useFormat';

/** What a trace line needs besides the catalogue: an instant in the contact's zone, a weekday's name. */
export interface TraceWords {
  /** the contact's zone */
  tz: string;
  time: (at: number) => string;
  weekday: (d: Weekday) => string;
}

const yes = (b: boolean) => (b ? 'yes' : 'no');
const categoryMessages: Record<string, string> = { marketing: msg('templates.category.marketing'), transactional: msg('templates.category.transactional') };

/** A trace line in the reader's language, from its code and params (server/trace/lines.ts words the same in English for the API). */
export function sayText(t: Translate, s: TraceSay, w: TraceWords): string {
  switch (s.code) {
    case 'enters':
      return t('trace.say.enters', { time: w.time(s.at) });
    case 'enters_in_segment':
      return t('trace.say.enters_in_segment', { time: w.time(s.at), segment: s.segment });
    case 'enters_not_in_segment':
      return t('trace.say.enters_not_in_segment', { time: w.time(s.at), segment: s.segment });
    case 'enters_segment_gone':
      return t('trace.say.enters_segment_gone', { time: w.time(s.at), segment: s.segment });
    case 'enters_as_if':
      return s.event === null ? t('trace.say.enters_as_if_trigger', { time: w.time(s.at) }) : t('trace.say.enters_as_if', { time: w.time(s.at), event: s.event });
    case 'taken_as_sent':
      return t('trace.say.taken_as_sent');
    case 'recorded_event':
      return t('trace.say.recorded_event', { event: s.event, time: w.time(s.at) });
    case 'wait_ends':
      return t('trace.say.wait_ends', { time: w.time(s.at) });
    case 'left':
      return s.reason === null ? t('trace.say.left_unknown') : t('trace.say.left', { why: exitReasonText(t, s.reason) });
    case 'still_waiting':
      return t('trace.say.still_waiting', { hasEvent: yes(s.event !== null), event: s.event ?? '', hasUntil: yes(s.until !== null), until: s.until === null ? '' : w.time(s.until) });
    case 'stopped':
      return t('trace.say.stopped', { node: s.node });
    case 'leaves_by':
      return t('trace.say.leaves_by', { port: portText(t, s) });
    case 'holdout':
      return t('trace.say.holdout');
    case 'sent':
      return t('trace.say.sent', { channel: t(channelMessages[s.channel]), template: s.template, category: categoryMessages[s.category] ? t(categoryMessages[s.category] as string) : s.category });
    case 'withheld':
      return t('trace.say.withheld', {
        channel: t(channelMessages[s.channel]),
        template: s.template,
        decision: decisionText(t, { status: s.decision, reason: s.reason, until: s.until }, w.tz, w.weekday),
      });
    case 'waits_until':
      return t('trace.say.waits_until', { time: w.time(s.at) });
    case 'waits_for_message':
      return t('trace.say.waits_for_message');
    case 'waits_for':
      return t('trace.say.waits_for', { event: s.event, hasUntil: yes(s.until !== null), until: s.until === null ? '' : w.time(s.until) });
    case 'sets_trait':
      return t('trace.say.sets_trait', { trait: s.trait, value: s.value });
    case 'exits':
      return t('trace.say.exits', { why: exitReasonText(t, s.reason) });
    case 'reaches_branch':
      return t('trace.say.reaches_branch', { node: s.node, time: w.time(s.at) });
    case 'reaches':
      return t('trace.say.reaches', { node: s.node });
    default:
      return assertNeverSay(s);
  }
}

/** Why a line went as it did, in the reader's language. */
export function whyText(t: Translate, r: TraceWhy, w: TraceWords): string {
  switch (r.code) {
    case 'match':
      return t('trace.why.match', { match: r.match });
    case 'no_conditions':
      return t('trace.why.no_conditions');
    case 'case':
      return t('trace.why.case', { label: r.label, match: r.match });
    case 'trait':
      return t('trace.why.trait', { trait: r.trait, op: enumLabel(t, r.op), hasValue: yes(r.value !== null), value: r.value ?? '', saw: r.saw ?? t('trace.why.no_value'), held: yes(r.held) });
    case 'event':
      return t('trace.why.event', { did: yes(r.did), event: r.event, filtered: yes(r.filtered), days: r.days, count: r.count, last: r.last === null ? '' : w.time(r.last), held: yes(r.held) });
    case 'registered':
      return t('trace.why.registered', { min: r.min, max: r.max, hasAge: yes(r.daysAgo !== null), daysAgo: r.daysAgo ?? 0, held: yes(r.held) });
    case 'policy_allowed':
      return t('trace.why.policy_allowed');
    case 'held_by':
      return t('trace.why.held_by', { why: reasonText(t, r.reason, w.weekday) });
    case 'withheld_by':
      return t('trace.why.withheld_by', { why: reasonText(t, r.reason, w.weekday) });
    default:
      return assertNeverWhy(r);
  }
}

/** A line from a newer server than this client: its English, as sent. */
const assertNeverSay = (s: never): string => (s as { code: string }).code;
const assertNeverWhy = (r: never): string => (r as { code: string }).code;

/** sayText and whyText in the chosen locale, times in the contact's zone `tz`. */
export function useTraceWords(tz: string) {
  const t = useT();
  const { shortDateTime, weekday } = useFormat();
  return useMemo(() => {
    const w: TraceWords = { tz, time: (at) => shortDateTime(at, tz), weekday };
    return { time: w.time, say: (s: TraceSay) => sayText(t, s, w), why: (r: TraceWhy) => whyText(t, r, w) };
  }, [t, shortDateTime, weekday, tz]);
}
