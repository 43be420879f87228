import { describe, expect, it } from 'vitest';
import { OVERLAY_SPREAD, spreadNodes, unspreadChanges } from './overlaySpread';

const nodes = [
  { id: 'a', position: { x: 10, y: 100 } },
  { id: 'b', position: { x: 10, y: 240 } },
];

describe('the canvas spreads nodes apart while the numbers show', () => {
  it('moves each node down from the top one by the factor, and leaves x and the saved nodes alone', () => {
    const shown = spreadNodes(nodes, true, 100);
    expect(shown.map((n) => n.position)).toEqual([
      { x: 10, y: 100 },
      { x: 10, y: 100 + 140 * OVERLAY_SPREAD },
    ]);
    expect(nodes[1]?.position.y).toBe(240);
    expect(spreadNodes(nodes, false, 100)).toBe(nodes);
  });

  it('saves a node dragged on the spread canvas where it would be without the spread', () => {
    const [change] = unspreadChanges([{ type: 'position', id: 'b', position: { x: 50, y: 100 + 200 * OVERLAY_SPREAD } }], true, 100);
    expect(change).toEqual({ type: 'position', id: 'b', position: { x: 50, y: 300 } });
    const select = { type: 'select' as const, id: 'a', selected: true };
    expect(unspreadChanges([select], true, 100)).toEqual([select]);
  });
});
