import { describe, expect, it } from 'vitest';
import { overlayRange, toCanvas, type Overlay } from './useOverlay';

const node = (n: Partial<Overlay['nodes'][string]>): Overlay['nodes'][string] => ({
  entered: 0,
  waiting: 0,
  exited: 0,
  exitReasons: {},
  queued: 0,
  sent: 0,
  delivered: 0,
  failed: 0,
  suppressed: {},
  deferred: {},
  clicked: 0,
  reached: {},
  converted: 0,
  conversionRate: null,
  holdout: 0,
  ...n,
});

describe('overlay numbers on the canvas', () => {
  it('puts each node’s numbers on it, sends only on message nodes, and each port’s count on the canvas edge leaving by it', () => {
    const o: Overlay = {
      journeyId: 'j',
      versions: [1],
      version: null,
      from: null,
      to: null,
      goal: 'app_login',
      nodes: {
        wait: node({ entered: 900, waiting: 120, reached: { app_login: 90 }, converted: 90, conversionRate: 0.1 }),
        sms: node({ entered: 950, sent: 940, queued: 950, converted: 95, conversionRate: 0.1 }),
      },
      edges: [
        { source: 'wait', port: 'event', count: 300 },
        { source: 'wait', port: 'timeout', count: 480 },
        { source: 'sms', port: 'next', count: 900 },
      ],
    };
    const shown = toCanvas(o, [
      { id: 'e1', source: 'wait', sourceHandle: 'timeout' },
      { id: 'e2', source: 'wait', sourceHandle: 'event' },
      { id: 'e3', source: 'sms', sourceHandle: null },
      { id: 'e4', source: 'call', sourceHandle: 'next' },
    ]);
    expect(shown.edges).toEqual({ e1: 480, e2: 300, e3: 900, e4: 0 });
    expect(shown.nodes.wait).toEqual({ entered: 900, waiting: 120, converted: 90, conversionRate: 0.1 });
    expect(shown.nodes.sms).toMatchObject({ sent: 940 });
  });

  it('an exit node shows no conversion: everyone there has left', () => {
    const o: Overlay = {
      journeyId: 'j',
      versions: [1],
      version: null,
      from: null,
      to: null,
      goal: 'app_login',
      nodes: { done: node({ entered: 40, converted: 0, conversionRate: 0 }), wait: node({ entered: 50, converted: 5, conversionRate: 0.1 }) },
      edges: [],
    };
    const shown = toCanvas(
      o,
      [],
      new Map([
        ['done', 'exit'],
        ['wait', 'wait.event'],
      ]),
    );
    expect(shown.nodes.done).toEqual({ entered: 40, waiting: 0, converted: 0, conversionRate: null, noConversion: true });
    expect(shown.nodes.wait).toEqual({ entered: 50, waiting: 0, converted: 5, conversionRate: 0.1 });
  });
});

describe('overlayRange', () => {
  it('passes only the version and days that are set', () => {
    expect(overlayRange({ on: true, version: undefined, from: undefined, to: undefined })).toEqual({});
    expect(overlayRange({ on: false, version: 3, from: '2026-01-01', to: '2026-01-31' })).toEqual({ version: 3, from: '2026-01-01', to: '2026-01-31' });
  });
});
