import { describe, expect, it } from 'vitest';
import { describeDecision, describeReason } from '../../shared/policy/describe';
import { weekdayLabel } from '../format';
import { translatorFor } from './testing';
import { decisionText, reasonText } from './policyReason';
import type { Weekday } from '../../shared/util/time';

const codes = [
  'opted_out:sms',
  'cap:sms:1/24h',
  'cap:all:3/168h',
  'cap:voice:1/72h',
  'cap:push:2/12h',
  'quiet_hours',
  'quiet_hours:21:00-09:00',
  'sleeping',
  'repayment_overdue',
  'rejection_cooldown:30d',
  'calling_hours:mon,tue,wed,thu,fri,sat:0900-2000',
  'calling_hours:mon,wed:0900-2000',
  'global_control',
  'exited:holdout',
  'journey_archived',
  'journey_paused',
  'something_new',
];
const enDay = (d: Weekday) => weekdayLabel(d, 'en');
const zhDay = (d: Weekday) => weekdayLabel(d, 'zh-CN');

describe('policy reasons and decisions in the reader’s language', () => {
  it('say in English what the server says (shared/policy/describe.ts), every code', () => {
    const en = translatorFor('en');
    for (const c of codes.filter((x) => !x.startsWith('exited'))) expect(reasonText(en, c, enDay)).toBe(describeReason(c));
    const until = Date.UTC(2026, 10, 3, 1, 0); // 09:00 in Shanghai
    expect(decisionText(en, { status: 'deferred', reason: 'quiet_hours', until }, 'Asia/Shanghai', enDay)).toBe(describeDecision('deferred', 'quiet_hours', until, 'Asia/Shanghai'));
    expect(decisionText(en, { status: 'suppressed', reason: 'cap:sms:1/24h', until: null }, 'Asia/Shanghai', enDay)).toBe(describeDecision('suppressed', 'cap:sms:1/24h', null, 'Asia/Shanghai'));
  });

  it('say it in Chinese', () => {
    const zh = translatorFor('zh-CN');
    const until = Date.UTC(2026, 10, 3, 1, 0);
    expect(decisionText(zh, { status: 'deferred', reason: 'quiet_hours', until }, 'Asia/Shanghai', zhDay)).toBe('因免打扰时段推迟到 09:00（Asia/Shanghai）');
    expect(decisionText(zh, { status: 'suppressed', reason: 'cap:sms:1/24h', until: null }, 'Asia/Shanghai', zhDay)).toBe('已拦截：短信频次上限 1 次/天');
    expect(reasonText(zh, 'calling_hours:mon,tue,wed,thu,fri,sat:0900-2000', zhDay)).toBe('不在外呼时段内（周一–周六 09:00–20:00）');
    for (const c of codes.slice(0, -2)) expect(reasonText(zh, c, zhDay)).not.toMatch(/[A-Za-z]{4,}/);
  });
});
