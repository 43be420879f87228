import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './client';
import { attachWriteGate, createWriteGate, enterGate } from './writeGate';
import { useTempDir } from '../testing/tempDir';

describe('the write gate: API writes go before the engine thread’s next transaction', () => {
  const inDir = useTempDir('write-gate');
  const open: Db[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) db.$client.close();
  });
  const two = () => {
    const path = inDir('g.db');
    const api = openDatabase(path);
    const engine = openDatabase(path);
    open.push(api, engine);
    const gate = createWriteGate();
    attachWriteGate(api.$client, gate, 'api');
    attachWriteGate(engine.$client, gate, 'engine', 60);
    const cell = new Int32Array(gate.buffer);
    return { api, engine, cell };
  };

  it('counts an API transaction in while it runs and out after, also when it throws', () => {
    const { api, cell } = two();
    const seen = api.$client.transaction(() => Atomics.load(cell, 0))();
    expect(seen).toBe(1);
    expect(Atomics.load(cell, 0)).toBe(0);
    expect(() =>
      api.$client.transaction(() => {
        throw new Error('no');
      })(),
    ).toThrow('no');
    expect(Atomics.load(cell, 0)).toBe(0);
  });

  it('makes the engine wait while an API write is announced (up to its limit), and not at all otherwise', () => {
    const { api, engine } = two();
    const write = engine.$client.transaction(() => engine.$client.exec('create table if not exists t (x)'));
    let t = performance.now();
    write();
    expect(performance.now() - t).toBeLessThan(30);
    const leave = enterGate(api.$client);
    t = performance.now();
    write();
    expect(performance.now() - t).toBeGreaterThanOrEqual(55);
    leave();
  });
});
