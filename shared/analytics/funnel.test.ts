import { describe, expect, it } from 'vitest';
import { inBusinessOrder, stepLabel } from './funnel';

describe('business funnel order', () => {
  it('orders known steps as the lending funnel runs, unknown events after in their own order, once each', () => {
    expect(inBusinessOrder(['loan_drawn', 'custom_b', 'app_login', 'credit_granted', 'custom_a', 'credit_application_started', 'app_login'])).toEqual([
      'app_login',
      'credit_application_started',
      'credit_granted',
      'loan_drawn',
      'custom_b',
      'custom_a',
    ]);
  });
  it('names steps in words ops use', () => {
    expect(stepLabel('credit_application_started')).toBe('applied');
    expect(stepLabel('custom_a')).toBe('custom_a');
  });
});
