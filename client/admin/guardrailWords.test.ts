import { describe, expect, it } from 'vitest';
import { guardrailWords } from './GuardrailsFields';
import { defaultGuardrails } from '../../shared/policy/guardrails';
import { translatorFor } from '../i18n/testing';
import { weekdayLabel } from '../format';

const en = translatorFor('en');
const enDay = (d: Parameters<typeof weekdayLabel>[0]) => weekdayLabel(d, 'en');

describe('guardrailWords: the lending guardrails as Settings reads them', () => {
  it('says each default rule in words', () => {
    expect(guardrailWords(en, defaultGuardrails(), enDay)).toEqual([
      'no marketing for 30 days after "credit_rejected" (journeys entered by that event are exempt)',
      'no marketing while the trait "loan_status" is "overdue" (transactional messages still go)',
      'at most 2 marketing robo-calls per contact per 7 days',
      "robo-calls only Mon, Tue, Wed, Thu, Fri, Sat from 09:00 to 20:00 in the contact's time zone (reminders too)",
      'sleeping: 3 journeys finished or 5 marketing messages in 30 days with no event since; no marketing to them unless a journey includes sleeping contacts',
    ]);
  });

  it('says when a rule is off, and lists calling days in week order', () => {
    const g = defaultGuardrails();
    const words = guardrailWords(
      en,
      {
        ...g,
        rejectionCooldown: { ...g.rejectionCooldown, enabled: false },
        sleeping: { ...g.sleeping, enabled: false },
        robocalls: { ...g.robocalls, days: ['fri', 'mon'] },
      },
      enDay,
    );
    expect(words[0]).toBe('no cooldown after a credit rejection');
    expect(words[3]).toMatch(/^robo-calls only Mon, Fri from/);
    expect(words[4]).toBe('no contact is marked sleeping');
  });

  it('reads in Chinese, with the weekdays as Intl names them', () => {
    const words = guardrailWords(translatorFor('zh-CN'), defaultGuardrails(), (d) => weekdayLabel(d, 'zh-CN'));
    expect(words[0]).toBe('“credit_rejected”后 30 天内不营销（由该事件进入的旅程除外）');
    expect(words[3]).toBe('语音外呼仅在周一、周二、周三、周四、周五、周六的 09:00 到 20:00（联系人所在时区，提醒类同样适用）');
  });
});
