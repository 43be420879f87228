import { describe, expect, it } from 'vitest';
import { exitReasonText } from './exitReason';
import { translatorFor } from './testing';

describe('why a run left, in words', () => {
  it('reads the engine’s codes as sentences, in English and Chinese, and an exit node’s own reason as written', () => {
    const en = translatorFor('en');
    const zh = translatorFor('zh-CN');
    expect(exitReasonText(en, 'exit_criteria:loan_drawn')).toBe('met the exit criterion loan_drawn');
    expect(exitReasonText(en, 'loop_limit')).toBe('passed the loop limit');
    expect(exitReasonText(en, 'holdout')).toBe('held out (gets no messages)');
    expect(exitReasonText(zh, 'loop_limit')).toBe('超过循环次数上限');
    expect(exitReasonText(en, 'recalled')).toBe('recalled');
  });
});
