import { inEnglish } from './noticeText';
import { describe, expect, it } from 'vitest';
import { aGraph, smsThenCallGraph } from '../../shared/fixtures/builders';
import type { JourneyFlowNode } from '../mapping/flowTypes';
import { NODE_HEIGHT, NODE_WIDTH } from '../mapping/layout';
import { deleteInOneStep, explainRefusal } from '../canvas/JourneyCanvas';
import { createEditorStore, type EditorStore } from './createEditorStore';

const graphOf = (store: EditorStore) => store.getState().toGraph();
const undo = (store: EditorStore) => store.getState().undo();
const steps = (store: EditorStore) => store.temporal.getState().pastStates.length;
const node = (store: EditorStore, id: string) => store.getState().nodes.find((n) => n.id === id) as JourneyFlowNode;

/** entry → wait for event, whose event port leads to done and whose timeout port is free */
const halfWiredWait = () =>
  aGraph()
    .node('entry', 'trigger.event', { event: 'signup' })
    .node('wait', 'wait.event', { event: 'app_login', timeout: { amount: 3, unit: 'days' } }, 'Logged in?')
    .node('done', 'exit')
    .then('entry', 'wait')
    .then('wait', 'done', 'event')
    .build();

const overlap = (a: JourneyFlowNode, b: JourneyFlowNode) =>
  a.position.x < b.position.x + NODE_WIDTH && b.position.x < a.position.x + NODE_WIDTH && a.position.y < b.position.y + NODE_HEIGHT && b.position.y < a.position.y + NODE_HEIGHT;

describe('undo: one step per user action', () => {
  it('deleting a node with its edges (as React Flow asks it on Delete) is one step, and undo brings all back', async () => {
    const store = createEditorStore({ graph: smsThenCallGraph() });
    const original = graphOf(store);
    const wait = node(store, 'wait');
    const edges = store.getState().edges.filter((e) => e.source === 'wait' || e.target === 'wait');
    // React Flow removes edges and nodes as two changes unless onBeforeDelete takes over and says no
    await expect(deleteInOneStep(store)({ nodes: [wait], edges })).resolves.toBe(false);
    expect(graphOf(store).nodes.map((n) => n.id)).not.toContain('wait');
    expect(graphOf(store).edges.some((e) => e.source === 'wait' || e.target === 'wait')).toBe(false);
    expect(steps(store)).toBe(1);
    undo(store);
    expect(graphOf(store)).toEqual(original);
  });

  it('typing a title is one step per field edit, not per keystroke; leaving the field starts a new one', () => {
    const store = createEditorStore({ graph: smsThenCallGraph() });
    const s = store.getState();
    for (const typed of ['R', 'Re', 'Rec', 'Recall']) s.updateTitle('sms', typed);
    expect(steps(store)).toBe(1);
    s.endFieldEdit();
    for (const typed of ['Recall ', 'Recall S', 'Recall SMS']) s.updateTitle('sms', typed);
    expect(steps(store)).toBe(2);
    undo(store);
    expect(node(store, 'sms').data.title).toBe('Recall');
    undo(store);
    expect(node(store, 'sms').data.title).toBeUndefined();
  });

  it('typing in one config field is one step; another field, or another node, is the next', () => {
    const store = createEditorStore({ graph: smsThenCallGraph() });
    const s = store.getState();
    const config = (id: string) => node(store, id).data.config;
    for (const event of ['a', 'ap', 'app', 'app_']) s.updateConfig('wait', { ...config('wait'), event });
    expect(steps(store)).toBe(1);
    for (const amount of [1, 14]) s.updateConfig('wait', { ...config('wait'), timeout: { amount, unit: 'days' } });
    expect(steps(store)).toBe(2);
    for (const template of ['x', 'xy']) s.updateConfig('call', { ...config('call'), template });
    expect(steps(store)).toBe(3);
    undo(store);
    undo(store);
    expect(config('wait')).toMatchObject({ event: 'app_', timeout: { amount: 3 } });
    undo(store);
    expect(graphOf(store)).toEqual(smsThenCallGraph());
  });

  it('a change that is not typing (a case added, an item removed) is a step of its own even in the same field', () => {
    const graph = aGraph()
      .node('t', 'trigger.event', { event: 'x' })
      .node('s', 'split.random', {
        arms: [
          { key: 'a', label: 'A', weight: 50 },
          { key: 'b', label: 'B', weight: 50 },
        ],
      })
      .build();
    const store = createEditorStore({ graph });
    const arms = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, label: `K${i}`, weight: 10 }));
    store.getState().updateConfig('s', { ...node(store, 's').data.config, arms: arms(3) });
    store.getState().updateConfig('s', { ...node(store, 's').data.config, arms: arms(4) });
    expect(steps(store)).toBe(2);
    // typing an arm's label, though, is one step
    for (const label of ['C', 'Ca', 'Car']) store.getState().updateConfig('s', { ...node(store, 's').data.config, arms: arms(4).map((a, i) => (i === 0 ? { ...a, label } : a)) });
    expect(steps(store)).toBe(3);
  });

  it('typing in the journey settings is one step per field', () => {
    const store = createEditorStore({ graph: smsThenCallGraph() });
    const s = store.getState();
    const goal = store.getState().settings.goals[0];
    if (!goal) throw new Error('the fixture has a goal');
    for (const windowDays of [1, 14]) s.updateSettings({ ...store.getState().settings, goals: [{ ...goal, windowDays }] });
    expect(steps(store)).toBe(1);
    undo(store);
    expect(store.getState().settings.goals[0]?.windowDays).toBe(goal.windowDays);
  });

  it('any other edit between two keystrokes in the same field splits them', () => {
    const store = createEditorStore({ graph: smsThenCallGraph() });
    const s = store.getState();
    s.updateTitle('sms', 'A');
    s.addNode('exit', { x: 900, y: 900 });
    s.updateTitle('sms', 'AB');
    s.updateTitle('sms', 'ABC');
    expect(steps(store)).toBe(3);
  });
});

describe('one edge per output port, on the canvas', () => {
  it('a drag released on a node from an already wired port is refused with the reason, not silently rewired', () => {
    const store = createEditorStore({ graph: smsThenCallGraph() });
    store.getState().addNode('exit', { x: 900, y: 900 });
    const before = graphOf(store).edges;
    const handle = (nodeId: string, type: 'source' | 'target', id: string | null) => ({ nodeId, type, id, x: 0, y: 0, width: 1, height: 1, position: 'bottom' }) as never;
    // React Flow calls onConnectEnd with isValid false (isValidConnection said no) and the handle under the pointer
    explainRefusal(store)({} as MouseEvent, { isValid: false, fromHandle: handle('wait', 'source', 'timeout'), toHandle: handle('exit_1', 'target', null) } as never);
    expect(graphOf(store).edges).toEqual(before);
    expect(inEnglish(store, store.getState().notice?.message)).toMatch(/"timeout" port of "Wait for event" already leads to "Send message"/);
  });
});

describe('pressing a palette kind places the node (no drop point)', () => {
  it('after the selected node: below it, wired from its first free port, selected, in one undo step', () => {
    const store = createEditorStore({ graph: halfWiredWait() });
    store.getState().selectNode('wait');
    const id = store.getState().placeNode('send', { x: 0, y: 0 });
    expect(id).toBe('send_1');
    const wait = node(store, 'wait');
    const sent = node(store, 'send_1');
    expect(graphOf(store).edges).toContainEqual({ id: 'wait-timeout-send_1', source: 'wait', sourcePort: 'timeout', target: 'send_1' });
    expect(sent.position.y).toBeGreaterThan(wait.position.y + NODE_HEIGHT);
    // the timeout port is the right one of two: its branch goes right of the node's middle
    expect(sent.position.x + NODE_WIDTH / 2).toBeGreaterThan(wait.position.x + NODE_WIDTH / 2);
    for (const other of store.getState().nodes) if (other.id !== 'send_1') expect(overlap(sent, other), other.id).toBe(false);
    expect(
      store
        .getState()
        .nodes.filter((n) => n.selected)
        .map((n) => n.id),
    ).toEqual(['send_1']);
    expect(steps(store)).toBe(1);
    undo(store);
    expect(graphOf(store)).toEqual(halfWiredWait());
  });

  it('pressing kinds one after another builds a chain, each below the last', () => {
    const store = createEditorStore({ graph: halfWiredWait() });
    store.getState().selectNode('wait');
    store.getState().placeNode('send', { x: 0, y: 0 });
    store.getState().placeNode('exit', { x: 0, y: 0 });
    expect(graphOf(store).edges).toContainEqual({ id: 'send_1-next-exit_1', source: 'send_1', sourcePort: 'next', target: 'exit_1' });
    expect(node(store, 'exit_1').position.y).toBeGreaterThan(node(store, 'send_1').position.y);
  });

  it('reads the ports from the registry: after a send whose next is wired, the next free port is its optional failed one', () => {
    const store = createEditorStore({ graph: smsThenCallGraph() });
    store.getState().selectNode('call');
    store.getState().placeNode('send', { x: 0, y: 0 });
    expect(graphOf(store).edges).toContainEqual({ id: 'call-failed-send_1', source: 'call', sourcePort: 'failed', target: 'send_1' });
  });

  it('with nothing selected: in free space near the point asked for, overlapping no node', () => {
    const store = createEditorStore({ graph: smsThenCallGraph() });
    const sms = node(store, 'sms');
    // the view's centre falls right on the SMS node
    const id = store.getState().placeNode('send', { x: sms.position.x + NODE_WIDTH / 2, y: sms.position.y });
    const placed = node(store, id ?? '');
    for (const other of store.getState().nodes) if (other.id !== placed.id) expect(overlap(placed, other), other.id).toBe(false);
    expect(graphOf(store).edges).toHaveLength(smsThenCallGraph().edges.length);
  });

  it('after a node with every port wired: below it, not wired, and the notice says so', () => {
    const store = createEditorStore({ graph: smsThenCallGraph() });
    store.getState().selectNode('wait');
    store.getState().placeNode('exit', { x: 0, y: 0 });
    expect(graphOf(store).edges).toHaveLength(smsThenCallGraph().edges.length);
    expect(node(store, 'exit_1').position.y).toBeGreaterThan(node(store, 'wait').position.y);
    expect(inEnglish(store, store.getState().notice?.message)).toMatch(/has no free port/);
  });
});

describe('accessible names', () => {
  it('every canvas node is named "<kind>: <title>" for the element keyboard users land on, and follows its title', () => {
    const store = createEditorStore({ graph: halfWiredWait() });
    expect(node(store, 'wait').ariaLabel).toBe('Wait for event: Logged in?');
    expect(node(store, 'done').ariaLabel).toBe('Exit: Exit');
    store.getState().updateTitle('wait', 'Opened the app?');
    expect(node(store, 'wait').ariaLabel).toBe('Wait for event: Opened the app?');
    store.getState().updateTitle('wait', '');
    expect(node(store, 'wait').ariaLabel).toBe('Wait for event: Wait for event');
  });
});
