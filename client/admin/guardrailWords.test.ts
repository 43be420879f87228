import { describe, expect, it } from 'vitest';
import { guardrailWords } from './GuardrailsFields';
import { defaultGuardrails } from '../../shared/policy/guardrails';

describe('guardrailWords: the lending guardrails as Settings reads them', () => {
  it('says each default rule in words', () => {
    expect(guardrailWords(defaultGuardrails())).toEqual([
      'no marketing for 30 days after "credit_rejected" (journeys entered by that event are exempt)',
      'no marketing while the trait "loan_status" is "overdue" (transactional messages still go)',
      'at most 2 marketing robo-calls per contact per 7 days',
      "robo-calls only Mon, Tue, Wed, Thu, Fri, Sat from 09:00 to 20:00 in the contact's time zone (reminders too)",
      'sleeping: 3 journeys finished or 5 marketing messages in 30 days with no event since; no marketing to them unless a journey includes sleeping contacts',
    ]);
  });

  it('says when a rule is off, and lists calling days in week order', () => {
    const g = defaultGuardrails();
    const words = guardrailWords({
      ...g,
      rejectionCooldown: { ...g.rejectionCooldown, enabled: false },
      sleeping: { ...g.sleeping, enabled: false },
      robocalls: { ...g.robocalls, days: ['fri', 'mon'] },
    });
    expect(words[0]).toBe('no cooldown after a credit rejection');
    expect(words[3]).toMatch(/^robo-calls only Mon, Fri from/);
    expect(words[4]).toBe('no contact is marked sleeping');
  });
});
