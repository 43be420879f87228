import { describe, expect, it } from 'vitest';
import { aGraph, compiled, JourneyDriver, metricsOf } from '../../fixtures/builders';
import { defaultConfig, nodeKinds } from '../registry';

const T0 = Date.parse('2026-03-02T02:00:00Z');

describe('trigger.segment', () => {
  it('defaults to no segment, daily at 10:00, newest first', () => {
    expect(defaultConfig('trigger.segment')).toEqual({ segment: '', schedule: { every: 'day', at: '10:00' }, order: 'newest_first' });
  });

  it.each([
    [{ schedule: { every: 'minute' } }, 'schedule.every'],
    [{ schedule: { at: '7:30' } }, 'schedule.at'],
    [{ order: 'random' }, 'order'],
  ])('rejects %j', (config, field) => {
    const r = nodeKinds['trigger.segment'].schema.safeParse(config);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });

  it('is an entry with one "next" port', () => {
    expect(nodeKinds['trigger.segment'].role).toBe('entry');
    expect(nodeKinds['trigger.segment'].ports(defaultConfig('trigger.segment')).map((p) => p.id)).toEqual(['next']);
  });

  it('requires a segment, and a known one when the catalogue is given', () => {
    const check = (segment: string, segments?: Set<string>) => nodeKinds['trigger.segment'].check?.(nodeKinds['trigger.segment'].schema.parse({ segment }), segments ? { segments } : {}) ?? [];
    expect(check('').map((i) => [i.code, i.field])).toEqual([['invalid_config', 'segment']]);
    expect(check('lapsed', new Set(['new'])).map((i) => [i.code, i.field])).toEqual([['unknown_segment', 'segment']]);
    expect(check('lapsed', new Set(['lapsed']))).toEqual([]);
  });
});

describe('trigger.event', () => {
  it('defaults to a placeholder event with no filter', () => {
    expect(defaultConfig('trigger.event')).toEqual({ event: 'event_name', filter: [] });
  });

  it('rejects a blank event name', () => {
    const r = nodeKinds['trigger.event'].schema.safeParse({ event: ' ' });
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['event']);
  });

  it('is an entry with one "next" port, and the machine records its event for ingest routing', () => {
    expect(nodeKinds['trigger.event'].role).toBe('entry');
    const m = compiled(aGraph().node('entry', 'trigger.event', { event: 'credit_application_started' }).node('done', 'exit').then('entry', 'done').build());
    expect(m.triggerEvent).toBe('credit_application_started');
  });

  it('start moves the run from the entry, counting entry and edge', () => {
    const m = compiled(aGraph().node('entry', 'trigger.event', { event: 'signup' }).node('done', 'exit').then('entry', 'done').build());
    const d = new JourneyDriver(m, { now: T0 });
    const r = d.start();
    expect(metricsOf(r.effects, 'entered').map((e) => e.nodeId)).toEqual(['entry', 'done']);
    expect(metricsOf(r.effects, 'edge')).toEqual([{ type: 'metric', metric: 'edge', nodeId: 'entry', port: 'next' }]);
    expect(d.run).toMatchObject({ status: 'exited', nodeId: 'done', visit: 2 });
  });
});
