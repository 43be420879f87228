import { describe, expect, it } from 'vitest';
import { aGraph, smsOrCallGraph, smsThenCallGraph } from '../fixtures/builders';
import { compile } from './compile';
import { compileErrorCodes, type CompileErrorCode, type Located } from './errors';
import type { JourneyGraph } from './graph';
import type { CompileRefs } from './kind';
import type { Channel } from './channels';

const refs: CompileRefs = {
  templates: new Map<string, Channel>([
    ['recall_sms', 'sms'],
    ['recall_call', 'voice'],
    ['nudge_push', 'push'],
  ]),
  segments: new Set(['registered_never_logged_in']),
};

/** The canonical flow with one change: `edit` gets a deep copy to break. */
function broken(edit: (g: JourneyGraph) => void): JourneyGraph {
  const g = structuredClone(smsThenCallGraph());
  edit(g);
  return g;
}

function node(g: JourneyGraph, id: string) {
  const n = g.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id} in the fixture`);
  return n;
}

type Where = Pick<Located, 'nodeId' | 'edgeId' | 'field'>;
interface Case {
  input: unknown;
  refs?: CompileRefs;
  /** every error of the code, by location */
  at: Where[];
}

/** One broken graph per error code; `satisfies` makes a new code without a case a type error. */
const cases = {
  invalid_graph: { input: broken((g) => (node(g, 'sms').id = 'sms message')), at: [{ field: 'nodes.1.id' }] },
  invalid_settings: {
    input: { ...smsThenCallGraph(), settings: { goals: [{ event: 'app_login', windowDays: 0 }] } },
    at: [{ field: 'settings.goals.0.windowDays' }],
  },
  duplicate_node_id: { input: broken((g) => g.nodes.push({ ...node(g, 'done') })), at: [{ nodeId: 'done' }] },
  duplicate_edge_id: {
    input: broken((g) => g.edges.push({ id: 'entry-next-sms', source: 'done', sourcePort: 'next', target: 'sms' })),
    at: [{ edgeId: 'entry-next-sms' }],
  },
  no_entry: { input: aGraph().node('done', 'exit').build(), at: [{}] },
  multiple_entries: {
    input: broken((g) => {
      g.nodes.push({ id: 'entry2', kind: 'trigger.event', position: { x: 0, y: 0 }, config: { event: 'signup' } });
      g.edges.push({ id: 'e2', source: 'entry2', sourcePort: 'next', target: 'sms' });
    }),
    at: [{ nodeId: 'entry2' }],
  },
  invalid_config: { input: broken((g) => (node(g, 'wait').config = { event: 'app_login', timeout: { amount: 0, unit: 'days' } })), at: [{ nodeId: 'wait', field: 'config.timeout.amount' }] },
  missing_template: { input: broken((g) => (node(g, 'call').config = { channel: 'voice' })), at: [{ nodeId: 'call', field: 'config.template' }] },
  unknown_template: { input: broken((g) => (node(g, 'call').config = { channel: 'voice', template: 'recall_call_v9' })), refs, at: [{ nodeId: 'call', field: 'config.template' }] },
  template_channel_mismatch: { input: broken((g) => (node(g, 'call').config = { channel: 'voice', template: 'recall_sms' })), refs, at: [{ nodeId: 'call', field: 'config.template' }] },
  unknown_segment: { input: broken((g) => (node(g, 'entry').config = { segment: 'lapsed_borrowers' })), refs, at: [{ nodeId: 'entry', field: 'config.segment' }] },
  dangling_edge: { input: broken((g) => g.edges.push({ id: 'to_nowhere', source: 'call', sourcePort: 'next', target: 'ghost' })), at: [{ edgeId: 'to_nowhere' }] },
  unknown_port: { input: broken((g) => g.edges.push({ id: 'odd', source: 'wait', sourcePort: 'clicked', target: 'done' })), at: [{ edgeId: 'odd', nodeId: 'wait' }] },
  port_wired_twice: { input: broken((g) => g.edges.push({ id: 'again', source: 'sms', sourcePort: 'next', target: 'done' })), at: [{ edgeId: 'again', nodeId: 'sms' }] },
  edge_into_entry: {
    input: broken((g) => {
      g.edges = g.edges.filter((e) => e.source !== 'call');
      g.edges.push({ id: 'back_to_start', source: 'call', sourcePort: 'next', target: 'entry' });
    }),
    at: [{ edgeId: 'back_to_start', nodeId: 'entry' }],
  },
  unwired_port: { input: broken((g) => (g.edges = g.edges.filter((e) => e.sourcePort !== 'timeout'))), at: [{ nodeId: 'wait', field: 'ports.timeout' }] },
  unreachable_node: {
    input: broken((g) => {
      g.nodes.push({ id: 'orphan', kind: 'exit', position: { x: 0, y: 0 }, config: {} });
    }),
    at: [{ nodeId: 'orphan' }],
  },
  cycle_without_wait: {
    input: aGraph()
      .node('entry', 'trigger.event', { event: 'signup' })
      .node('sms', 'send', { template: 'recall_sms' })
      .node('tag', 'action.setTrait', { trait: 'nagged', value: true })
      .then('entry', 'sms')
      .then('sms', 'tag')
      .then('tag', 'sms')
      .build(),
    at: [{ nodeId: 'sms' }, { nodeId: 'tag' }],
  },
  // SMS → wait 3 days → back to the SMS: the edge out of the wait closes the loop
  unbounded_send_loop: {
    input: aGraph()
      .node('entry', 'trigger.event', { event: 'signup' })
      .node('sms', 'send', { template: 'recall_sms' })
      .node('wait', 'wait.duration', { amount: 3, unit: 'days' })
      .then('entry', 'sms')
      .then('sms', 'wait')
      .then('wait', 'sms')
      .build(),
    at: [{ edgeId: 'wait-next-sms' }],
  },
} satisfies Record<CompileErrorCode, Case>;

const where = (e: Located): Where => ({ nodeId: e.nodeId, edgeId: e.edgeId, field: e.field });

describe('compile: one error per code, with its location', () => {
  it('the canonical flow compiles against the catalogues', () => {
    expect(compile(smsThenCallGraph(), refs).ok).toBe(true);
  });

  it('every code has a case', () => {
    expect(Object.keys(cases).sort()).toEqual([...compileErrorCodes].sort());
  });

  it.each(compileErrorCodes)('%s', (code) => {
    const c: Case = cases[code];
    const r = compile(c.input, c.refs);
    if (r.ok) throw new Error(`expected ${code}, but the graph compiled`);
    const mine = r.errors.filter((e) => e.code === code);
    expect(mine.map(where)).toEqual(c.at.map((w) => ({ nodeId: w.nodeId, edgeId: w.edgeId, field: w.field })));
    for (const e of mine) expect(e.message.length).toBeGreaterThan(0);
  });

  it('invalid_graph: an unknown kind and a non-object are located too', () => {
    const r = compile({ nodes: [{ id: 'x', kind: 'send.fax' }], edges: [] });
    expect(!r.ok && r.errors.map((e) => [e.code, e.field])).toEqual([['invalid_graph', 'nodes.0.kind']]);
    const none = compile('not a graph');
    expect(!none.ok && none.errors.map((e) => e.code)).toEqual(['invalid_graph']);
  });

  it('invalid_settings: the entry window compares instants, not strings with different offsets', () => {
    const withEntry = (from: string, until: string) => ({ ...smsThenCallGraph(), settings: { entry: { from, until } } });
    // 01:00 in Shanghai on Dec 1 is 17:00 UTC on Nov 30: before 18:00 UTC
    expect(compile(withEntry('2026-12-01T01:00:00+08:00', '2026-11-30T18:00:00Z')).ok).toBe(true);
    const r = compile(withEntry('2026-11-30T18:00:00Z', '2026-12-01T01:00:00+08:00'));
    expect(!r.ok && r.errors.map((e) => [e.code, e.field])).toEqual([['invalid_settings', 'settings.entry.until']]);
  });

  it('invalid_config: a segment entry with no segment names the field', () => {
    const r = compile(broken((g) => (node(g, 'entry').config = {})));
    expect(!r.ok && r.errors.map((e) => [e.code, e.nodeId, e.field])).toEqual([['invalid_config', 'entry', 'config.segment']]);
  });

  it('a node whose config is invalid is not also blamed for its ports', () => {
    const r = compile(broken((g) => (node(g, 'wait').config = { event: '' })));
    expect(!r.ok && r.errors.map((e) => e.code)).toEqual(['invalid_config']);
  });
});

describe('compile: loops', () => {
  it('a loop through a limited wait compiles: retry the SMS every 3 days, at most 4 times, until the contact logs in', () => {
    const g = aGraph()
      .node('entry', 'trigger.segment', { segment: 'registered_never_logged_in' })
      .node('sms', 'send', { template: 'recall_sms' })
      .node('wait', 'wait.event', { event: 'app_login', timeout: { amount: 3, unit: 'days' }, maxVisits: 3 })
      .node('done', 'exit')
      .then('entry', 'sms')
      .then('sms', 'wait')
      .then('wait', 'done', 'event')
      .then('wait', 'sms', 'timeout')
      .build();
    expect(compile(g, refs).ok).toBe(true);
  });

  it('a wait wired to itself compiles', () => {
    const g = aGraph().node('entry', 'trigger.event', { event: 'x' }).node('tick', 'wait.duration').then('entry', 'tick').then('tick', 'tick').build();
    expect(compile(g).ok).toBe(true);
  });

  it('an instant node wired to itself does not', () => {
    const g = aGraph().node('entry', 'trigger.event', { event: 'x' }).node('tag', 'action.setTrait').then('entry', 'tag').then('tag', 'tag').build();
    const r = compile(g);
    expect(!r.ok && r.errors.map((e) => [e.code, e.nodeId])).toEqual([['cycle_without_wait', 'tag']]);
  });
});

describe('compile: optional ports (a send node’s failed port)', () => {
  it('left unwired, the node compiles as before and its machine has no failed edge', () => {
    const r = compile(smsThenCallGraph(), refs);
    if (!r.ok) throw new Error('expected a machine');
    expect(r.value.nodes.sms?.next).toEqual({ next: 'wait' });
  });

  it('wired, the machine carries the failed edge, after next in port order', () => {
    const r = compile(reordered(smsOrCallGraph()), refs);
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
    expect(r.value.nodes.sms?.next).toEqual({ next: 'sent', failed: 'call' });
    expect(Object.keys(r.value.nodes.sms?.next ?? {})).toEqual(['next', 'failed']);
    // the fallback path counts in the message bound like any branch: the SMS and the call on it
    expect(r.value.maxMessages).toMatchObject({ sms: 1, voice: 1 });
  });

  it('a node that reaches nothing but by its failed port is still reachable, and a required port is still required', () => {
    const g = smsOrCallGraph();
    const r = compile({ ...g, edges: g.edges.filter((e) => !(e.source === 'sms' && e.sourcePort === 'next')) }, refs);
    expect(!r.ok && r.errors.map((e) => [e.code, e.nodeId, e.field])).toEqual([
      ['unwired_port', 'sms', 'ports.next'],
      ['unreachable_node', 'sent', undefined],
    ]);
  });

  it('wired twice, it is a mistake like any port', () => {
    const g = smsOrCallGraph();
    g.edges.push({ id: 'again', source: 'sms', sourcePort: 'failed', target: 'sent' });
    const r = compile(g, refs);
    expect(!r.ok && r.errors.map((e) => [e.code, e.edgeId])).toEqual([['port_wired_twice', 'again']]);
  });

  it('a loop back through the failed port needs a wait like any loop: the send does not count as one', () => {
    const g = aGraph()
      .node('entry', 'trigger.event', { event: 'x' })
      .node('sms', 'send', { template: 'recall_sms' })
      .node('done', 'exit')
      .then('entry', 'sms')
      .then('sms', 'done')
      .then('sms', 'sms', 'failed')
      .build();
    const r = compile(g, refs);
    expect(!r.ok && r.errors.map((e) => [e.code, e.nodeId])).toEqual([['cycle_without_wait', 'sms']]);
  });
});

/** Same graph, nodes and edges in another order and config keys reversed. */
function reordered(g: JourneyGraph): JourneyGraph {
  const reverseKeys = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).reverse());
  return {
    settings: g.settings,
    edges: [...g.edges].reverse(),
    nodes: [...g.nodes].reverse().map((n) => ({ config: reverseKeys(n.config), position: n.position, kind: n.kind, id: n.id })),
  };
}

describe('compile: deterministic', () => {
  it('same graph, deep-equal and byte-equal output', () => {
    const a = compile(smsThenCallGraph(), refs);
    const b = compile(smsThenCallGraph(), refs);
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('the machine does not depend on the order of nodes, edges or config keys', () => {
    const a = compile(smsThenCallGraph(), refs);
    const b = compile(reordered(smsThenCallGraph()), refs);
    expect(b.ok).toBe(true);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('errors are the same set in any input order (their order follows the input)', () => {
    const bad = broken((g) => {
      node(g, 'call').config = { channel: 'voice' };
      g.edges = g.edges.filter((e) => e.sourcePort !== 'timeout');
      g.edges.push({ id: 'odd', source: 'wait', sourcePort: 'clicked', target: 'done' });
    });
    const key = (e: Located) => `${e.code}|${e.nodeId ?? ''}|${e.edgeId ?? ''}|${e.field ?? ''}`;
    const a = compile(bad, refs);
    const b = compile(reordered(bad), refs);
    if (a.ok || b.ok) throw new Error('expected errors');
    expect(a.errors.map(key).sort()).toEqual(b.errors.map(key).sort());
    expect(a.errors.length).toBe(4); // call unreachable + template missing + timeout unwired + unknown port
  });

  it('nodes are keyed in id order and each node’s ports in port order', () => {
    const r = compile(reordered(smsThenCallGraph()), refs);
    if (!r.ok) throw new Error('expected a machine');
    expect(Object.keys(r.value.nodes)).toEqual(['call', 'done', 'entry', 'sms', 'wait']);
    expect(Object.keys(r.value.nodes.wait?.next ?? {})).toEqual(['event', 'timeout']);
    expect(r.value.nodes.wait?.next).toEqual({ event: 'done', timeout: 'call' });
    expect(r.value).toMatchObject({ format: 1, entry: 'entry', triggerEvent: null, awaitedEvents: ['app_login'] });
  });
});

describe('compile: static bound on messages per contact', () => {
  const none = { sms: 0, push: 0, voice: 0, email: 0, webhook: 0, agent_call: 0 };
  const bound = (g: JourneyGraph) => {
    const r = compile(g);
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
    return r.value.maxMessages;
  };

  it('a linear path adds up its sends per channel', () => {
    expect(bound(smsThenCallGraph())).toEqual({ ...none, sms: 1, voice: 1 });
    const g = aGraph()
      .node('entry', 'trigger.event', { event: 'x' })
      .node('s1', 'send', { template: 't' })
      .node('s2', 'send', { template: 't' })
      .node('p', 'send', { channel: 'push', template: 't' })
      .node('done', 'exit')
      .then('entry', 's1')
      .then('s1', 's2')
      .then('s2', 'p')
      .then('p', 'done')
      .build();
    expect(bound(g)).toEqual({ ...none, sms: 2, push: 1 });
  });

  it('a branch takes the larger side, per channel', () => {
    const g = aGraph()
      .node('entry', 'trigger.event', { event: 'x' })
      .node('branch', 'branch.condition', { cases: [{ key: 'android', label: 'Android', conditions: [{ type: 'trait', trait: 'os', op: 'eq', value: 'android' }] }] })
      .node('sms1', 'send', { template: 't' })
      .node('sms2', 'send', { template: 't' })
      .node('sms3', 'send', { template: 't' })
      .node('call', 'send', { channel: 'voice', template: 't' })
      .node('done', 'exit')
      .then('entry', 'branch')
      .then('branch', 'sms1', 'android')
      .then('sms1', 'sms2')
      .then('sms2', 'done')
      .then('branch', 'sms3', 'else')
      .then('sms3', 'call')
      .then('call', 'done')
      .build();
    expect(bound(g)).toEqual({ ...none, sms: 2, voice: 1 });
  });

  const robocallLoop = (maxVisits: number | null) =>
    aGraph()
      .node('entry', 'trigger.event', { event: 'x' })
      .node('push', 'send', { channel: 'push', template: 't' })
      .node('sms', 'send', { template: 't' })
      .node('wait', 'wait.event', { event: 'app_login', maxVisits })
      .node('call', 'send', { channel: 'voice', template: 't' })
      .node('done', 'exit')
      .then('entry', 'push')
      .then('push', 'sms')
      .then('sms', 'wait')
      .then('wait', 'sms', 'timeout')
      .then('wait', 'call', 'event')
      .then('call', 'done')
      .build();

  it('a loop that sends with no limit is refused, on the edge that closes it, naming its nodes and channels', () => {
    const r = compile(robocallLoop(null));
    if (r.ok) throw new Error('expected the unbounded loop to be refused');
    expect(r.errors).toEqual([
      {
        code: 'unbounded_send_loop',
        edgeId: 'wait-timeout-sms',
        message: expect.stringContaining('"Send message" → "Wait for event"') as string,
        params: { nodes: ['sms', 'wait'], channels: ['sms'], loop: '"Send message" → "Wait for event"' },
      },
    ]);
  });

  it('every error carries the facts its message is made of, so the client words it in its own language', () => {
    const r = compile(
      {
        nodes: [
          { id: 'in', kind: 'trigger.event', title: 'Signed up', config: { event: 'signup' }, position: { x: 0, y: 0 } },
          { id: 'in2', kind: 'trigger.event', config: { event: 'login' }, position: { x: 0, y: 0 } },
          { id: 'w', kind: 'wait.duration', title: 'Pause', config: { amount: 0 }, position: { x: 0, y: 0 } },
          { id: 's', kind: 'send', config: { channel: 'sms', template: 'nope' }, position: { x: 0, y: 0 } },
        ],
        edges: [{ id: 'e1', source: 'in', sourcePort: 'nowhere', target: 's' }],
      },
      { templates: new Map() },
    );
    if (r.ok) throw new Error('expected errors');
    const by = (code: string) => r.errors.filter((e) => e.code === code).map((e) => e.params);
    expect(by('multiple_entries')).toEqual([{ node: 'Event entry' }]);
    expect(by('unknown_port')).toEqual([{ node: 'Signed up', port: 'nowhere' }]);
    expect(by('invalid_config')).toEqual([{ node: 'Pause', field: 'amount', detail: 'amount must be at least 1' }]);
    expect(by('unknown_template')).toEqual([{ node: 'Send message', field: 'template', detail: 'Template "nope" does not exist.', template: 'nope' }]);
    expect(by('unreachable_node')).toContainEqual({ node: 'Pause' });
  });

  it('a loop limit bounds the loop: each pass through the limit may send once more, plus the way in', () => {
    // the wait is passed at most 3 times, so the SMS goes at most 4 times: once before the first pass, once after each
    expect(bound(robocallLoop(3))).toEqual({ ...none, sms: 4, push: 1, voice: 1 });
    expect(bound(robocallLoop(1))).toEqual({ ...none, sms: 2, push: 1, voice: 1 });
  });

  it('a robo-call looped back to its own wait needs a limit too: "every three days forever" is refused', () => {
    const everyThreeDays = (maxVisits: number | null) =>
      aGraph()
        .node('entry', 'trigger.segment', { segment: 'registered_never_logged_in' })
        .node('call', 'send', { channel: 'voice', template: 'recall_call' })
        .node('wait', 'wait.duration', { amount: 3, unit: 'days', maxVisits })
        .then('entry', 'call')
        .then('call', 'wait')
        .then('wait', 'call')
        .build();
    const refused = compile(everyThreeDays(null), refs);
    expect(!refused.ok && refused.errors.map((e) => [e.code, e.edgeId, e.params?.channels])).toEqual([['unbounded_send_loop', 'wait-next-call', ['voice']]]);
    const limited = compile(everyThreeDays(5), refs);
    expect(limited.ok && limited.value.maxMessages.voice).toBe(6);
  });

  it('a loop inside a limited loop that can send without passing the limit is still refused', () => {
    const g = aGraph()
      .node('entry', 'trigger.event', { event: 'x' })
      .node('outer', 'wait.duration', { amount: 1, unit: 'days', maxVisits: 2 })
      .node('sms', 'send', { template: 't' })
      .node('inner', 'wait.event', { event: 'app_login' })
      .then('entry', 'outer')
      .then('outer', 'sms')
      .then('sms', 'inner')
      .then('inner', 'sms', 'timeout')
      .then('inner', 'outer', 'event')
      .build();
    const r = compile(g);
    expect(!r.ok && r.errors.map((e) => [e.code, e.edgeId])).toEqual([['unbounded_send_loop', 'inner-timeout-sms']]);
  });

  it('a loop without sends keeps the bound finite', () => {
    const g = aGraph()
      .node('entry', 'trigger.event', { event: 'x' })
      .node('sms', 'send', { template: 't' })
      .node('wait', 'wait.event', { event: 'app_login' })
      .node('done', 'exit')
      .then('entry', 'sms')
      .then('sms', 'wait')
      .then('wait', 'wait', 'timeout')
      .then('wait', 'done', 'event')
      .build();
    expect(bound(g)).toEqual({ ...none, sms: 1 });
  });
});
