import { describe, expect, it } from 'vitest';
import type { Locale } from '../../shared/i18n/locales';
import type { TraceSay, TraceWhy } from '../../server/trace/lines';
import { shortDateTimeIn, weekdayLabel } from '../format';
import { translatorFor } from '../i18n/testing';
import { sayText, whyText, type TraceWords } from './traceText';

const S = Date.UTC(2026, 10, 2, 0, 0);
const tz = 'Asia/Shanghai';
const words = (locale: Locale): TraceWords => ({ tz, time: (at) => shortDateTimeIn(at, tz, locale), weekday: (d) => weekdayLabel(d, locale) });
const say = (locale: Locale, s: TraceSay) => sayText(translatorFor(locale), s, words(locale));
const why = (locale: Locale, r: TraceWhy) => whyText(translatorFor(locale), r, words(locale));

/** One of each line and each reason, with the data a trace holds (event, segment, template and node names are the workspace's). */
const lines: TraceSay[] = [
  { code: 'enters', at: S },
  { code: 'enters_in_segment', at: S, segment: 'seg_a' },
  { code: 'enters_not_in_segment', at: S, segment: 'seg_a' },
  { code: 'enters_segment_gone', at: S, segment: 'seg_a' },
  { code: 'enters_as_if', at: S, event: 'credit_rejected' },
  { code: 'enters_as_if', at: S, event: null },
  { code: 'taken_as_sent' },
  { code: 'recorded_event', event: 'app_login', at: S },
  { code: 'wait_ends', at: S },
  { code: 'left', reason: 'exit_criteria:loan_drawn' },
  { code: 'left', reason: null },
  { code: 'still_waiting', event: 'app_login', until: S },
  { code: 'still_waiting', event: null, until: null },
  { code: 'stopped', node: '节点' },
  { code: 'leaves_by', port: 'timeout', label: 'timeout', labelKey: 'port.timeout' },
  { code: 'holdout' },
  { code: 'sent', channel: 'sms', template: 'recall_sms', category: 'marketing' },
  { code: 'withheld', channel: 'sms', template: 'recall_sms', decision: 'deferred', reason: 'quiet_hours', until: S + 3_600_000 },
  { code: 'withheld', channel: 'sms', template: 'recall_sms', decision: 'suppressed', reason: 'opted_out:sms', until: null },
  { code: 'waits_until', at: S },
  { code: 'waits_for_message' },
  { code: 'waits_for', event: 'app_login', until: S },
  { code: 'sets_trait', trait: 'vip_tier', value: '"gold"' },
  { code: 'exits', reason: 'port_unwired' },
  { code: 'reaches_branch', node: '额度判断', at: S },
  { code: 'reaches', node: '额度判断' },
];
const reasons: TraceWhy[] = [
  { code: 'match', match: 'all' },
  { code: 'no_conditions' },
  { code: 'case', label: '大额', match: 'any' },
  { code: 'trait', trait: 'credit_limit', op: 'gte', value: '5000', saw: '8000', held: true },
  { code: 'trait', trait: 'credit_limit', op: 'exists', value: null, saw: null, held: false },
  { code: 'event', did: true, event: 'app_login', filtered: true, days: 3, count: 2, last: S, held: true },
  { code: 'event', did: false, event: 'app_login', filtered: false, days: 1, count: 0, last: null, held: true },
  { code: 'registered', min: 0, max: 7, daysAgo: 2, held: true },
  { code: 'registered', min: 0, max: 7, daysAgo: null, held: false },
  { code: 'policy_allowed' },
  { code: 'held_by', reason: 'cap:sms:1/24h' },
  { code: 'withheld_by', reason: 'opted_out:sms' },
];

/** Latin words left once the data's own names are taken out (SMS is an acronym both languages use). */
const english = (text: string) => (text.replace(/\b\w*_\w*\b|"gold"|SMS|Asia\/Shanghai/g, '').match(/[A-Za-z]{3,}/g) ?? []).join(' ');

describe('trace lines in the reader’s language (issue 18)', () => {
  it('words every line and every reason in Chinese, by its code and params', () => {
    for (const s of lines) expect(english(say('zh-CN', s)), JSON.stringify(s)).toBe('');
    for (const r of reasons) expect(english(why('zh-CN', r)), JSON.stringify(r)).toBe('');
  });

  it('says what the server says, in either language', () => {
    expect(why('zh-CN', { code: 'trait', trait: 'limit', op: 'gte', value: '5000', saw: '8000', held: true })).toBe('属性 limit 大于等于 5000：实际为 8000 → 是');
    expect(why('en', { code: 'event', did: true, event: 'app_login', filtered: false, days: 3, count: 2, last: S, held: true })).toMatch(
      /^did app_login in the last 3 days: saw 2, the last at .+ → yes$/,
    );
    expect(say('zh-CN', { code: 'withheld', channel: 'sms', template: 'recall_sms', decision: 'suppressed', reason: 'opted_out:sms', until: null })).toBe('短信 recall_sms：已拦截：已退订短信');
    expect(say('zh-CN', { code: 'leaves_by', port: 'timeout', label: 'timeout', labelKey: 'port.timeout' })).toBe('从“超时”离开');
    expect(say('en', { code: 'left', reason: 'exit_criteria:loan_drawn' })).toContain('loan_drawn');
  });
});
