import { refText } from '../i18n/messageRef';
import { translatorFor } from '../i18n/testing';
import { inEnglish } from './noticeText';
import { describe, expect, it } from 'vitest';
import { aGraph, smsThenCallGraph } from '../../shared/fixtures/builders';
import { createEditorStore } from './createEditorStore';

describe('editor store', () => {
  it('loads a graph and gives it back unchanged', () => {
    const graph = smsThenCallGraph();
    const store = createEditorStore({ graph, problems: [] });
    expect(store.getState().nodes).toHaveLength(5);
    expect(store.getState().toGraph()).toEqual(graph);
  });

  it('lays out a graph whose nodes all sit at one spot', () => {
    const graph = aGraph().node('a', 'trigger.event').node('b', 'exit').then('a', 'b').build();
    for (const n of graph.nodes) n.position = { x: 0, y: 0 };
    const store = createEditorStore({ graph, problems: [] });
    const [a, b] = store.getState().nodes;
    expect(a && b && b.position.y > a.position.y).toBe(true);
  });

  it('read-only: accepts measuring and selecting, ignores moving and deleting', () => {
    const store = createEditorStore({ graph: smsThenCallGraph(), problems: [], readOnly: true });
    const { onNodesChange } = store.getState();
    onNodesChange([{ type: 'position', id: 'sms', position: { x: 999, y: 999 } }]);
    onNodesChange([{ type: 'remove', id: 'sms' }]);
    onNodesChange([{ type: 'select', id: 'sms', selected: true }]);
    onNodesChange([{ type: 'dimensions', id: 'sms', dimensions: { width: 260, height: 110 } }]);
    const sms = store.getState().nodes.find((n) => n.id === 'sms');
    expect(sms).toMatchObject({ position: { x: 0, y: 140 }, selected: true, measured: { width: 260, height: 110 } });
    expect(store.getState().nodes).toHaveLength(5);
  });

  it('selects exactly one node', () => {
    const store = createEditorStore({ graph: smsThenCallGraph(), problems: [] });
    store.getState().selectNode('wait');
    store.getState().selectNode('call');
    expect(
      store
        .getState()
        .nodes.filter((n) => n.selected)
        .map((n) => n.id),
    ).toEqual(['call']);
  });

  it('indexes problems by node so each node reads only its own', () => {
    const store = createEditorStore();
    store.getState().setProblems([
      { code: 'no_entry', message: 'Add an entry.' },
      { code: 'unwired_port', nodeId: 'wait', field: 'ports.timeout', message: 'timeout not connected' },
      { code: 'invalid_config', nodeId: 'wait', field: 'config.event', message: 'name the event' },
    ]);
    expect(Object.fromEntries(Object.entries(store.getState().problemsByNode).map(([k, ps]) => [k, ps.map((p) => p.message)]))).toEqual({ wait: ['timeout not connected', 'name the event'] });
  });
});

const graphOf = (store: ReturnType<typeof createEditorStore>) => store.getState().toGraph();
const undo = (store: ReturnType<typeof createEditorStore>) => store.getState().undo();
const redo = (store: ReturnType<typeof createEditorStore>) => store.getState().redo();

describe('editing', () => {
  it('adds a node of a kind with its registry defaults, selected, under a readable fresh id', () => {
    const store = createEditorStore({ graph: smsThenCallGraph() });
    const id = store.getState().addNode('send', { x: 10, y: 20 });
    const again = store.getState().addNode('send', { x: 10, y: 200 });
    expect([id, again]).toEqual(['send_1', 'send_2']);
    const node = graphOf(store).nodes.find((n) => n.id === 'send_2');
    expect(node).toMatchObject({ kind: 'send', position: { x: 10, y: 200 }, config: { channel: 'sms', template: '', whenCapped: 'wait' } });
    expect(
      store
        .getState()
        .nodes.filter((n) => n.selected)
        .map((n) => n.id),
    ).toEqual(['send_2']);
  });

  it('wires a free port to a node with its label', () => {
    const store = createEditorStore({ graph: smsThenCallGraph() });
    const s = store.getState();
    s.disconnect('wait', 'timeout');
    s.addNode('exit', { x: 0, y: 900 });
    expect(s.connect({ source: 'wait', sourceHandle: 'timeout', target: 'exit_1', targetHandle: null })).toBe(true);
    const fromTimeout = graphOf(store).edges.filter((e) => e.source === 'wait' && e.sourcePort === 'timeout');
    expect(fromTimeout).toEqual([{ id: 'wait-timeout-exit_1', source: 'wait', sourcePort: 'timeout', target: 'exit_1' }]);
    expect(store.getState().edges.find((e) => e.id === 'wait-timeout-exit_1')?.label).toBe('timeout');
  });

  it('refuses a second edge from a wired port, leaves the first alone and says why in the notice', () => {
    const store = createEditorStore({ graph: smsThenCallGraph() });
    const s = store.getState();
    s.addNode('exit', { x: 0, y: 900 });
    const attempt = { source: 'wait', sourceHandle: 'timeout', target: 'exit_1', targetHandle: null };
    expect(inEnglish(store, s.connectionProblem(attempt))).toMatch(/"timeout" port of "Wait for event" already leads to "Send message"/);
    // the port by its message id, worded in the language shown (issue 18)
    expect(s.connectionProblem(attempt)).toMatchObject({ id: 'connect.portTaken', messages: { port: 'port.timeout' } });
    expect(refText(translatorFor('zh-CN'), s.connectionProblem(attempt) ?? '')).toMatch(/的“超时”端口已经连向/);
    expect(refText(translatorFor('zh-CN'), s.connectionProblem({ source: 'sms', sourceHandle: 'next', target: 'exit_1', targetHandle: null }) ?? '')).toMatch(/的“下一步”端口已经连向/);
    const before = graphOf(store).edges;
    expect(s.connect(attempt)).toBe(false);
    expect(graphOf(store).edges).toEqual(before);
    expect(store.getState().notice?.tone).toBe('refused');
    expect(inEnglish(store, store.getState().notice?.message)).toMatch(/already leads to "Send message": an output port holds one edge/);
    // kept as data, worded when shown: in Chinese the same refusal reads in Chinese
    const notice = store.getState().notice?.message;
    expect(notice && refText(translatorFor('zh-CN'), notice, (id) => ({ wait: '等待登录', call: '外呼' })[id])).toBe(
      '“等待登录”的“超时”端口已经连向“外呼”：一个输出端口只能有一条连线。请先删除那条连线（选中后按 Delete），再重新连接。',
    );
    // the same wire again is not a refusal: it is already there
    expect(s.connect({ source: 'wait', sourceHandle: 'timeout', target: 'call', targetHandle: null })).toBe(true);
    expect(graphOf(store).edges).toEqual(before);
  });

  it('refuses a wire into an entry or back into its own node, and says why', () => {
    const store = createEditorStore({ graph: smsThenCallGraph() });
    const s = store.getState();
    expect(inEnglish(store, s.connectionProblem({ source: 'sms', sourceHandle: 'next', target: 'entry', targetHandle: null }))).toMatch(/entry/);
    expect(inEnglish(store, s.connectionProblem({ source: 'sms', sourceHandle: 'next', target: 'sms', targetHandle: null }))).toMatch(/itself/);
    const before = graphOf(store).edges.length;
    s.connect({ source: 'sms', sourceHandle: 'next', target: 'entry', targetHandle: null });
    expect(graphOf(store).edges).toHaveLength(before);
  });

  it('deletes the selection with its edges', () => {
    const store = createEditorStore({ graph: smsThenCallGraph() });
    store.getState().selectNode('wait');
    store.getState().deleteSelection();
    const g = graphOf(store);
    expect(g.nodes.map((n) => n.id)).not.toContain('wait');
    expect(g.edges.some((e) => e.source === 'wait' || e.target === 'wait')).toBe(false);
  });

  it('relabels a node’s edges when its config renames a port', () => {
    const graph = aGraph()
      .node('t', 'trigger.event', { event: 'x' })
      .node('s', 'split.random', {
        arms: [
          { key: 'a', label: 'A', weight: 50 },
          { key: 'b', label: 'B', weight: 50 },
        ],
      })
      .node('e', 'exit')
      .then('t', 's')
      .then('s', 'e', 'a')
      .then('s', 'e', 'b')
      .build();
    const store = createEditorStore({ graph });
    store.getState().updateConfig('s', {
      arms: [
        { key: 'a', label: 'Caring', weight: 70 },
        { key: 'b', label: 'Offer', weight: 30 },
      ],
      holdout: 0,
    });
    expect(
      store
        .getState()
        .edges.filter((e) => e.source === 's')
        .map((e) => e.label)
        .sort(),
    ).toEqual(['Caring 70%', 'Offer 30%']);
  });

  it('copies and pastes nodes with the edges between them, under new ids, offset', () => {
    const store = createEditorStore({ graph: smsThenCallGraph() });
    const s = store.getState();
    store.setState({ nodes: s.nodes.map((n) => ({ ...n, selected: n.id === 'sms' || n.id === 'wait' })) });
    expect(store.getState().copySelection()).toBe(2);
    expect(store.getState().paste()).toBe(2);
    const g = graphOf(store);
    const pasted = g.nodes.filter((n) => !smsThenCallGraph().nodes.some((o) => o.id === n.id));
    expect(pasted.map((n) => n.id).sort()).toEqual(['send_1', 'wait_event_1']);
    expect(g.edges).toContainEqual({ id: 'send_1-next-wait_event_1', source: 'send_1', sourcePort: 'next', target: 'wait_event_1' });
    const sms = g.nodes.find((n) => n.id === 'sms');
    expect(pasted.find((n) => n.id === 'send_1')?.position).toEqual({ x: (sms?.position.x ?? 0) + 40, y: (sms?.position.y ?? 0) + 40 });
  });

  it('undoes and redoes edits; selecting and measuring are not history', () => {
    const store = createEditorStore({ graph: smsThenCallGraph() });
    const original = graphOf(store);
    store.getState().selectNode('sms');
    store.getState().onNodesChange([{ type: 'dimensions', id: 'sms', dimensions: { width: 240, height: 90 } }]);
    expect(store.temporal.getState().pastStates).toHaveLength(0);
    store.getState().addNode('exit', { x: 0, y: 999 });
    store.getState().updateTitle('sms', 'Recall SMS');
    expect(store.temporal.getState().pastStates).toHaveLength(2);
    undo(store);
    expect(graphOf(store).nodes.find((n) => n.id === 'sms')?.title).toBeUndefined();
    undo(store);
    expect(graphOf(store)).toEqual(original);
    redo(store);
    redo(store);
    expect(graphOf(store).nodes.find((n) => n.id === 'sms')?.title).toBe('Recall SMS');
    expect(graphOf(store).nodes.some((n) => n.id === 'exit_1')).toBe(true);
  });

  it('bumps the revision on edits only, which is what autosave and validation watch', () => {
    const store = createEditorStore({ graph: smsThenCallGraph() });
    const r0 = store.getState().revision;
    store.getState().selectNode('sms');
    store.getState().onNodesChange([{ type: 'select', id: 'wait', selected: true }]);
    expect(store.getState().revision).toBe(r0);
    store.getState().onNodesChange([{ type: 'position', id: 'wait', position: { x: 5, y: 5 } }]);
    expect(store.getState().revision).toBe(r0 + 1);
  });

  it('counts undo and redo as edits, so autosave saves the restored graph', () => {
    const store = createEditorStore({ graph: smsThenCallGraph() });
    store.getState().updateTitle('sms', 'Recall SMS');
    const edited = store.getState().revision;
    undo(store);
    expect(store.getState().revision).toBe(edited + 1);
    expect(store.temporal.getState().futureStates).toHaveLength(1);
    redo(store);
    expect(store.getState().revision).toBe(edited + 2);
    expect(store.temporal.getState().pastStates).toHaveLength(1);
    // nothing left to redo: no change, no revision
    redo(store);
    expect(store.getState().revision).toBe(edited + 2);
  });

  it('does not undo on a read-only (archived) journey', () => {
    const store = createEditorStore({ graph: smsThenCallGraph() });
    store.getState().updateTitle('sms', 'Recall SMS');
    store.getState().setReadOnly(true);
    undo(store);
    expect(graphOf(store).nodes.find((n) => n.id === 'sms')?.title).toBe('Recall SMS');
  });
});
