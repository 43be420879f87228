import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../db/client';
import { createChannelHealth, defaultHealthOptions, nextHealthState } from './health';
import { MINUTE } from '../../shared/util/time';

const T0 = Date.UTC(2026, 10, 2, 4, 0);

describe('nextHealthState', () => {
  const o = defaultHealthOptions;
  it('a healthy channel fails at half its answers failing, once there are enough of them to say so', () => {
    expect(nextHealthState('healthy', 9, 9, o)).toBe('healthy');
    expect(nextHealthState('healthy', 10, 4, o)).toBe('healthy');
    expect(nextHealthState('healthy', 10, 5, o)).toBe('failing');
  });
  it('a failing channel recovers on evidence only: few failures among a few good answers; idle, it stays failing', () => {
    expect(nextHealthState('failing', 0, 0, o)).toBe('failing');
    expect(nextHealthState('failing', 10, 3, o)).toBe('failing');
    expect(nextHealthState('failing', 10, 2, o)).toBe('healthy');
    expect(nextHealthState('failing', 1, 0, o)).toBe('healthy');
  });
});

describe('channel health', () => {
  let db: Db;
  let lines: string[];
  beforeEach(() => {
    db = openDatabase(':memory:');
    lines = [];
  });
  afterEach(() => db.$client.close());
  const row = (channel: string) => db.$client.prepare('select state, attempts, failures, last_error, since from channel_health where channel = ?').get(channel);

  it('logs one line per change of state (healthy → failing → recovered), never one per message, and stores it for the API', () => {
    const h = createChannelHealth(db, (l) => lines.push(l));
    for (let i = 0; i < 40; i++) h.record('sms', true, 'HTTP 503', T0 + i * 1000);
    expect(lines).toEqual(['channel sms failing: 10 of 10 attempts failed (100%) in the last 5 min; last error: HTTP 503']);
    expect(row('sms')).toMatchObject({ state: 'failing', last_error: 'HTTP 503', since: T0 + 9000 });
    // the push channel is another matter
    for (let i = 0; i < 40; i++) h.record('push', false, null, T0 + i * 1000);
    expect(h.state('push')).toBe('healthy');
    // the vendor is back: after the window moves past the failures, good answers recover it, once
    for (let i = 0; i < 20; i++) h.record('sms', false, null, T0 + 6 * MINUTE + i * 1000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^channel sms recovered after 6 min: 0 of 1 attempts failed/);
    expect(row('sms')).toMatchObject({ state: 'healthy' });
  });

  it('a restart starts from the stored state: a failing channel is not announced again', () => {
    const h = createChannelHealth(db, (l) => lines.push(l));
    for (let i = 0; i < 10; i++) h.record('voice', true, 'timeout', T0 + i);
    const again = createChannelHealth(db, (l) => lines.push(l));
    for (let i = 0; i < 10; i++) again.record('voice', true, 'timeout', T0 + MINUTE + i);
    expect(lines).toHaveLength(1);
    expect(again.state('voice')).toBe('failing');
  });
});
