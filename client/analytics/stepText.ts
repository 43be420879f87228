import { msg } from '../i18n/messageIds';
import type { Translate } from '../i18n/useT';

/** The business steps' names (shared/analytics/funnel.ts `businessSteps`, in English there) by event. */
const stepMessages: Record<string, string> = {
  entered: msg('step.entered'),
  sent: msg('step.sent'),
  clicked: msg('step.clicked'),
  app_login: msg('step.app_login'),
  credit_application_started: msg('step.credit_application_started'),
  credit_granted: msg('step.credit_granted'),
  call_outcome: msg('step.call_outcome'),
  loan_drawn: msg('step.loan_drawn'),
};

/** A funnel step's name in the reader's language: a business step's by its event, any other event as named. */
export const stepText = (t: Translate, s: { event: string; label: string }): string => {
  const id = Object.hasOwn(stepMessages, s.event) ? stepMessages[s.event] : undefined;
  return id ? t(id) : s.label;
};
