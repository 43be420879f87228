import { describe, expect, it } from 'vitest';
import { diffGraphs, summarizeChanges } from '../../shared/journey/diff';
import type { JourneyGraph } from '../../shared/journey/graph';
import { smsThenCallGraph } from '../../shared/fixtures/builders';
import { translatorFor } from '../i18n/testing';
import { changeWords } from './changeText';

const edit = (g: JourneyGraph, f: (g: JourneyGraph) => void): JourneyGraph => {
  const copy = structuredClone(g);
  f(copy);
  return copy;
};

/** the fixture with its robo-call gone, the SMS renamed, a goal set */
const before = smsThenCallGraph();
const after = edit(before, (g) => {
  const call = g.nodes.find((n) => n.kind === 'send' && (n.config as { channel?: string }).channel === 'voice');
  if (!call) throw new Error('the fixture calls');
  g.nodes = g.nodes.filter((n) => n.id !== call.id);
  g.edges = g.edges.filter((e) => e.source !== call.id && e.target !== call.id);
  const sms = g.nodes.find((n) => n.kind === 'send');
  if (sms) sms.title = '召回短信';
  g.settings = { ...g.settings, goals: [{ event: 'app_login', filter: [], windowDays: 3 }] };
});
const changes = diffGraphs(before, after);

describe('what a publish changes, in the reader’s language', () => {
  it('says in English what diffGraphs says, but with curly quotes', () => {
    const en = changeWords(translatorFor('en'), { before, after });
    expect(changes.map((c) => en.line(c))).toEqual(changes.map((c) => c.message.replaceAll(/"([^"]*)"/g, '“$1”')));
    expect(en.summary(changes)).toBe(summarizeChanges(changes));
    expect(en.summary([])).toBe('No changes');
  });

  it('says it in Chinese: kinds, fixed ports, settings and the one-line summary', () => {
    const zh = changeWords(translatorFor('zh-CN'), { before, after });
    const lines = changes.map((c) => zh.line(c));
    expect(lines.some((l) => l.startsWith('删除“') && l.endsWith('（发送消息）'))).toBe(true);
    expect(lines.some((l) => l.startsWith('断开“') && l.includes('（超时）'))).toBe(true);
    expect(lines).toContain('修改设置：目标');
    expect(zh.summary(changes)).toMatch(/^删除 1 个节点，修改 1 个，删除 \d+ 条连线，设置：目标$/);
    expect(lines.join(' ')).not.toMatch(/Removed|Changed|Disconnected|timeout|Send message/);
  });

  it('names a changed config field by its inspector title', () => {
    const longer = edit(before, (g) => {
      const wait = g.nodes.find((n) => n.kind === 'wait.event');
      if (wait) wait.config = { ...wait.config, timeout: { amount: 5, unit: 'days' } };
    });
    const [changed] = diffGraphs(before, longer);
    if (!changed) throw new Error('expected a change');
    const line = changeWords(translatorFor('zh-CN'), { before, after: longer }).line(changed);
    expect(line).toMatch(/^修改“.+”：/);
    expect(line).not.toMatch(/timeout/);
  });
});
