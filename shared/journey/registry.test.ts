import { describe, expect, it } from 'vitest';
import { defaultConfig, isNodeKind, kindDef, nodeKindNames, nodeKinds, paletteByGroup } from './registry';
import { paletteGroups } from './kind';
import { nodeTitle } from './graph';

describe('the node-kind registry', () => {
  it.each(nodeKindNames)('%s: keyed by its own kind, with defaults its schema accepts', (kind) => {
    const def = kindDef(kind);
    expect(def.kind).toBe(kind);
    const config = defaultConfig(kind);
    expect(def.schema.parse(config)).toEqual(config);
    const ports = def.ports(config).map((p) => p.id);
    expect(new Set(ports).size).toBe(ports.length);
    expect(def.summary(config).length).toBeGreaterThan(0);
    expect(def.palette.label.length).toBeGreaterThan(0);
  });

  it('wait kinds can be woken by a timer; only exits have no ports', () => {
    for (const kind of nodeKindNames) {
      const def = kindDef(kind);
      if (def.role === 'wait') expect(def.onTimer).toBeTypeOf('function');
      expect(def.ports(defaultConfig(kind)).length === 0).toBe(def.role === 'exit');
    }
  });

  it('the palette lists every kind exactly once, in its group', () => {
    const listed = paletteByGroup().flatMap((g) => g.kinds);
    expect([...listed].sort()).toEqual([...nodeKindNames].sort());
    expect(paletteByGroup().map((g) => g.group)).toEqual([...paletteGroups]);
    for (const { group, kinds } of paletteByGroup()) for (const k of kinds) expect(nodeKinds[k].palette.group).toBe(group);
  });

  it('isNodeKind knows the registry and nothing else', () => {
    expect(nodeKindNames.every(isNodeKind)).toBe(true);
    expect(isNodeKind('send.fax')).toBe(false);
    expect(isNodeKind('toString')).toBe(false);
  });

  it('a node shows its title, else its kind’s label', () => {
    expect(nodeTitle({ kind: 'send', title: '  Day-1 SMS ' })).toBe('Day-1 SMS');
    expect(nodeTitle({ kind: 'send', title: '   ' })).toBe(nodeKinds.send.palette.label);
    expect(nodeTitle({ kind: 'exit' })).toBe(nodeKinds.exit.palette.label);
  });
});
