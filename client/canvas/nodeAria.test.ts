import { describe, expect, it } from 'vitest';
import { toFlow } from '../mapping/toFlow';
import { translatorFor } from '../i18n/testing';
import { smsThenCallGraph } from '../../shared/fixtures/builders';
import type { JourneyFlowNode } from '../mapping/flowTypes';
import { edgeInLanguage, nodesInLanguage } from './nodeAria';

describe('the canvas in the reader’s language', () => {
  const flow = toFlow(smsThenCallGraph());
  const zh = translatorFor('zh-CN');

  it('names each node "<kind>: <title>" in Chinese; an untitled node by its kind', () => {
    const named = nodesInLanguage(flow.nodes, zh, new WeakMap());
    const wait = named.find((n) => n.data.kind === 'wait.event');
    expect(wait?.ariaLabel).toMatch(/^等待事件：/);
    const untitled = { ...flow.nodes[0], data: { ...flow.nodes[0]?.data, title: undefined } } as JourneyFlowNode;
    const [n] = nodesInLanguage([untitled], zh, new WeakMap());
    expect(n?.ariaLabel).not.toMatch(/[A-Za-z]{3}/);
  });

  it('leaves a node whose name already reads so as it is, and words each node object once', () => {
    const en = translatorFor('en');
    expect(nodesInLanguage(flow.nodes, en, new WeakMap())).toEqual(flow.nodes);
    const cache = new WeakMap<JourneyFlowNode, JourneyFlowNode>();
    const first = nodesInLanguage(flow.nodes, zh, cache);
    const again = nodesInLanguage(flow.nodes, zh, cache);
    first.forEach((n, i) => expect(again[i]).toBe(n));
  });

  it('words a fixed port’s edge label (timeout, failed) and keeps a label the user named', () => {
    const timeout = flow.edges.find((e) => e.sourceHandle === 'timeout');
    if (!timeout) throw new Error('the fixture waits for a login or a timeout');
    expect(timeout.labelKey).toBe('port.timeout');
    const names: Record<string, string> = { [timeout.source]: '登录了吗？', [timeout.target]: '语音外呼' };
    const shown = edgeInLanguage(timeout, zh, (id) => names[id]);
    expect(shown.label).toBe('超时');
    // its accessible name by the nodes' names, not React Flow's "Edge from <id> to <id>"
    expect(shown.ariaLabel).toBe('从“登录了吗？”（超时）到“语音外呼”的连线');
    const named = { ...timeout, label: 'Android', labelKey: undefined } as never;
    expect(edgeInLanguage(named, zh, (id) => names[id]).label).toBe('Android');
  });
});
