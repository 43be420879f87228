import { describe, expect, it } from 'vitest';
import { describeGroup, errorLabel, failingLine, resultLine, selectedGroup } from './deadLetters';
import { translatorFor } from '../i18n/testing';

const t = translatorFor('en');
const zh = translatorFor('zh-CN');

describe('dead letters, in words', () => {
  it('names a group by channel, count and error, and one without an error as such', () => {
    expect(describeGroup(t, { channel: 'sms', error: 'HTTP 503', count: 1200 })).toBe('1,200 SMS messages failing with HTTP 503');
    expect(describeGroup(t, { channel: 'voice', error: null, count: 1 })).toBe('1 Robo-call message failing with (no error recorded)');
    expect(errorLabel(t, null)).toBe('(no error recorded)');
  });

  it('reads the selected group from the URL: a known channel, an error or none', () => {
    expect(selectedGroup(new URLSearchParams('channel=sms&error=HTTP%20503'))).toEqual({ channel: 'sms', error: 'HTTP 503' });
    expect(selectedGroup(new URLSearchParams('channel=sms&error='))).toEqual({ channel: 'sms', error: null });
    expect(selectedGroup(new URLSearchParams('channel=fax'))).toBeNull();
    expect(selectedGroup(new URLSearchParams(''))).toBeNull();
  });

  it('says what a re-drive or discard did, and when it did nothing', () => {
    expect(resultLine(t, 'redriven', 3)).toBe('3 messages back in the queue; they go on the next tick, under the same key.');
    expect(resultLine(t, 'discarded', 1)).toBe('1 message discarded: marked failed, never sent.');
    expect(resultLine(t, 'redriven', 0)).toMatch(/^Nothing changed/);
  });

  it('says the same in Chinese', () => {
    expect(describeGroup(zh, { channel: 'sms', error: 'HTTP 503', count: 1200 })).toBe('1,200 条短信发送失败，错误：HTTP 503');
    expect(resultLine(zh, 'discarded', 2)).toBe('已丢弃 2 条消息：标记为失败，永不发送。');
  });

  it('puts a failing channel in one sentence for the banner', () => {
    const line = failingLine(t, { channel: 'sms', state: 'failing', attempts: 120, failures: 104, errorRate: 104 / 120, lastError: 'HTTP 503', since: 0 }, () => '10:04');
    expect(line).toBe(
      'SMS is failing since 10:04: 86.7% of the last 120 attempts failed (last error: HTTP 503). Messages are retried; those still failing after the retry horizon become dead letters.',
    );
  });
});
