import { describe, expect, it } from 'vitest';
import { createIntl } from 'react-intl';
import { aGraph, smsThenCallGraph } from '../../shared/fixtures/builders';
import { compile } from '../../shared/journey/compile';
import type { JourneyGraph } from '../../shared/journey/graph';
import type { Located } from '../../shared/journey/errors';
import type { Channel } from '../../shared/journey/channels';
import { catalogues } from './catalogues';
import { problemText } from './problemText';

const en = createIntl({ locale: 'en', messages: catalogues.en });
const zh = createIntl({ locale: 'zh-CN', messages: catalogues['zh-CN'] });

function errorsOf(graph: unknown, refs = { templates: new Map<string, Channel>([['recall_sms', 'sms']]), segments: new Set<string>() }): Located[] {
  const r = compile(graph, refs);
  if (r.ok) throw new Error('expected compile errors');
  return r.errors;
}

function broken(edit: (g: JourneyGraph) => void): JourneyGraph {
  const g = structuredClone(smsThenCallGraph());
  edit(g);
  return g;
}

// many codes at once: a second entry, a bad config, unknown refs, a port wired twice, an orphan, a loop without a wait…
const samples: Located[] = [
  ...errorsOf(
    broken((g) => {
      g.nodes.push({ id: 'entry2', kind: 'trigger.event', position: { x: 0, y: 0 }, config: { event: 'signup' } });
      g.nodes.push({ id: 'orphan', kind: 'exit', position: { x: 0, y: 0 }, config: {} });
      g.edges.push({ id: 'again', source: 'sms', sourcePort: 'next', target: 'done' });
      g.edges.push({ id: 'odd', source: 'wait', sourcePort: 'clicked', target: 'done' });
      g.edges.push({ id: 'to_nowhere', source: 'call', sourcePort: 'next', target: 'ghost' });
      const call = g.nodes.find((n) => n.id === 'call');
      if (call) call.config = { channel: 'voice', template: 'recall_sms' };
      g.edges = g.edges.filter((e) => e.sourcePort !== 'timeout');
    }),
  ),
  ...errorsOf(broken((g) => (g.nodes.find((n) => n.kind === 'wait.event')!.config = { event: 'app_login', timeout: { amount: 0, unit: 'days' } }))),
  ...errorsOf(broken((g) => (g.nodes.find((n) => n.id === 'call')!.config = { channel: 'voice', template: 'nope' }))),
  ...errorsOf(broken((g) => (g.nodes.find((n) => n.id === 'call')!.config = { channel: 'voice' }))),
  ...errorsOf(aGraph().node('done', 'exit').build()),
  ...errorsOf(
    aGraph()
      .node('entry', 'trigger.event', { event: 'signup' })
      .node('sms', 'send', { template: 'recall_sms' })
      .node('tag', 'action.setTrait', { trait: 'n', value: true })
      .then('entry', 'sms')
      .then('sms', 'tag')
      .then('tag', 'sms')
      .build(),
  ),
  ...errorsOf(
    aGraph()
      .node('entry', 'trigger.event', { event: 'signup' })
      .node('sms', 'send', { template: 'recall_sms' })
      .node('wait', 'wait.duration', { amount: 3, unit: 'days' })
      .then('entry', 'sms')
      .then('sms', 'wait')
      .then('wait', 'sms')
      .build(),
  ),
  ...errorsOf(aGraph().node('entry', 'trigger.segment', { segment: 'lapsed' }).node('done', 'exit').then('entry', 'done').build()),
  ...errorsOf(aGraph().node('entry', 'trigger.segment', {}).node('done', 'exit').then('entry', 'done').build()),
];

describe('compile errors in the reader’s language', () => {
  it('the samples cover most codes', () => {
    expect(new Set(samples.map((p) => p.code)).size).toBeGreaterThanOrEqual(14);
  });

  it('in English, every error reads exactly as the compiler words it', () => {
    for (const p of samples) expect(problemText(en, p), p.code).toBe(p.message);
  });

  it('in English, the short form beside a field reads as the compiler’s detail', () => {
    for (const p of samples.filter((x) => x.detail !== undefined)) expect(problemText(en, p, 'detail'), p.code).toBe(p.detail);
  });

  it('in Chinese, every error is worded from its code and params, channels named in Chinese', () => {
    for (const p of samples) {
      const text = problemText(zh, p);
      expect(text, p.code).not.toBe(p.message);
      expect(text, p.code).toMatch(/[\u4e00-\u9fff]/);
    }
    const loop = samples.find((p) => p.code === 'unbounded_send_loop');
    expect(loop && problemText(zh, loop)).toContain('无限制地发送短信');
    const mismatch = samples.find((p) => p.code === 'template_channel_mismatch');
    expect(mismatch && problemText(zh, mismatch)).toContain('模板“recall_sms”用于短信，而不是语音外呼');
  });

  it('an error without its params (an older server) keeps the message it came with', () => {
    expect(problemText(zh, { code: 'unreachable_node', nodeId: 'x', message: '"X" can never be reached from the entry.' })).toBe('"X" can never be reached from the entry.');
  });
});

describe('a node named as the page shows it', () => {
  it('replaces the compiler’s English kind name of an untitled node', () => {
    const p = samples.find((x) => x.code === 'unreachable_node');
    if (!p?.nodeId) throw new Error('no sample');
    expect(problemText(zh, p, 'full', (id) => (id === p.nodeId ? '退出' : undefined))).toBe('从入口永远无法到达“退出”。');
  });
});

describe('a fixed port in a problem', () => {
  it('is worded by its message id (the compiler sends it as portKey), so "timeout" reads 超时', () => {
    const unwired = errorsOf(broken((g) => (g.edges = g.edges.filter((e) => e.sourcePort !== 'timeout')))).find((p) => p.code === 'unwired_port');
    expect(unwired?.params).toMatchObject({ port: 'timeout', portKey: 'port.timeout' });
    if (!unwired) throw new Error('expected an unwired port');
    expect(problemText(zh, unwired)).toContain('“超时”');
    expect(problemText(zh, unwired)).not.toContain('timeout');
  });
});
