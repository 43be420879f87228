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
    const store = createEditorStore({ graph: smsThenCallGraph(), problems: [] });
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
    expect(store.getState().nodes.filter((n) => n.selected).map((n) => n.id)).toEqual(['call']);
  });

  it('indexes problems by node so each node reads only its own', () => {
    const store = createEditorStore();
    store.getState().setProblems([
      { code: 'no_entry', message: 'Add an entry.' },
      { code: 'unwired_port', nodeId: 'wait', field: 'ports.timeout', message: 'timeout not connected' },
      { code: 'invalid_config', nodeId: 'wait', field: 'config.event', message: 'name the event' },
    ]);
    expect(store.getState().problemsByNode).toEqual({ wait: ['timeout not connected', 'name the event'] });
  });
});
