import { describe, expect, it } from 'vitest';
import { diffGraphs, summarizeChanges } from '../../shared/journey/diff';
import { smsThenCallGraph } from '../../shared/fixtures/builders';
import { translatorFor } from '../i18n/testing';
import { approvalSummary } from './approvalSummary';

const before = smsThenCallGraph();
const after = structuredClone(before);
after.nodes = after.nodes.filter((n) => n.kind !== 'exit' || n.id !== after.nodes.find((x) => x.kind === 'exit')?.id);
const changes = diffGraphs(before, after).map((c) => (c.type === 'settingsChanged' ? c : { type: c.type }));

describe('an approval request’s summary in the reader’s language', () => {
  it('says in English what the server stored, from the data beside it', () => {
    const en = translatorFor('en');
    expect(approvalSummary(en, { summary: '', summaryOf: { kind: 'journey.publish', first: false, enrolNow: false, changes } })).toBe(summarizeChanges(diffGraphs(before, after)));
    expect(approvalSummary(en, { summary: '', summaryOf: { kind: 'journey.publish', first: true, enrolNow: true, changes: [] } })).toBe('first version; also enrols now');
    expect(approvalSummary(en, { summary: '', summaryOf: { kind: 'template.version', changes: 2 } })).toBe('2 changes to the copy');
    expect(approvalSummary(en, { summary: '', summaryOf: { kind: 'template.promote', variant: 'b' } })).toBe('promote variant B to 100%');
  });

  it('says it in Chinese, and keeps an older request’s stored English', () => {
    const zh = translatorFor('zh-CN');
    expect(approvalSummary(zh, { summary: '', summaryOf: { kind: 'journey.publish', first: false, enrolNow: true, changes } })).toBe('删除 1 个节点；并立即纳入');
    expect(approvalSummary(zh, { summary: 'promote variant b to 100%', summaryOf: null })).toBe('promote variant b to 100%');
  });
});
