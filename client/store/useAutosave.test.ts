import { afterEach, describe, expect, it, vi } from 'vitest';
import { smsThenCallGraph } from '../../shared/fixtures/builders';
import type { JourneyGraph } from '../../shared/journey/graph';
import { createEditorStore } from './createEditorStore';
import { SAVE_TIMEOUT_MS, saveNow } from './useAutosave';

/** A server whose saves answer only when told to, in any order the test likes. */
function aSlowServer() {
  const received: { graph: JourneyGraph; answer: () => void; fail: (e: Error) => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const save = (graph: JourneyGraph) =>
    new Promise<{ updatedAt: number }>((resolve, reject) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const done = () => inFlight--;
      received.push({ graph, answer: () => (done(), resolve({ updatedAt: received.length })), fail: (e) => (done(), reject(e)) });
    });
  return { save, received, maxInFlight: () => maxInFlight };
}

const rename = (store: ReturnType<typeof createEditorStore>, title: string) => store.getState().updateTitle('sms', title);
const titleOf = (g: JourneyGraph) => g.nodes.find((n) => n.id === 'sms')?.title;

describe('saving the draft', () => {
  afterEach(() => vi.useRealTimers());

  it('one save at a time, however long the server takes: a later save waits and sends the newer graph', async () => {
    vi.useFakeTimers();
    const store = createEditorStore({ graph: smsThenCallGraph(), problems: [] });
    const server = aSlowServer();
    rename(store, 'first');
    const first = saveNow(store, server.save);
    await vi.advanceTimersByTimeAsync(0);
    rename(store, 'second');
    const second = saveNow(store, server.save);
    // a slow server: the second save still waits, it never overlaps the first
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.received).toHaveLength(1);
    server.received[0]!.answer();
    await first;
    await vi.advanceTimersByTimeAsync(0);
    expect(server.received).toHaveLength(2);
    server.received[1]!.answer();
    await second;
    expect(server.received.map((r) => titleOf(r.graph))).toEqual(['first', 'second']);
    expect(server.maxInFlight()).toBe(1);
    expect(store.getState()).toMatchObject({ saving: false, savedRevision: store.getState().revision });
  });

  it('a save with nothing new to send sends nothing', async () => {
    const store = createEditorStore({ graph: smsThenCallGraph(), problems: [] });
    const server = aSlowServer();
    rename(store, 'once');
    const a = saveNow(store, server.save);
    const b = saveNow(store, server.save); // queued behind a, which saves the same revision
    await vi.waitFor(() => expect(server.received).toHaveLength(1));
    server.received[0]!.answer();
    await Promise.all([a, b]);
    expect(server.received).toHaveLength(1);
  });

  it('a failed save rejects for its caller and does not block the next one', async () => {
    const store = createEditorStore({ graph: smsThenCallGraph(), problems: [] });
    const server = aSlowServer();
    rename(store, 'lost?');
    const a = saveNow(store, server.save);
    await vi.waitFor(() => expect(server.received).toHaveLength(1));
    server.received[0]!.fail(new Error('journey is archived'));
    await expect(a).rejects.toThrow('journey is archived');
    expect(store.getState().saveError).toBe('journey is archived');
    const b = saveNow(store, server.save);
    await vi.waitFor(() => expect(server.received).toHaveLength(2));
    server.received[1]!.answer();
    await b;
    expect(titleOf(server.received[1]!.graph)).toBe('lost?');
    expect(store.getState()).toMatchObject({ saveError: null, savedRevision: store.getState().revision });
  });

  it('a save the server never answers fails after the timeout, and the next save goes', async () => {
    vi.useFakeTimers();
    const store = createEditorStore({ graph: smsThenCallGraph(), problems: [] });
    const server = aSlowServer();
    rename(store, 'hung');
    const hung = saveNow(store, server.save);
    const check = expect(hung).rejects.toThrow(`did not answer within ${SAVE_TIMEOUT_MS / 1000} s`);
    await vi.advanceTimersByTimeAsync(0);
    rename(store, 'after');
    const next = saveNow(store, server.save);
    await vi.advanceTimersByTimeAsync(SAVE_TIMEOUT_MS - 1);
    expect(server.received).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await check;
    expect(store.getState().saveError).toMatch(/did not answer/);
    await vi.advanceTimersByTimeAsync(0);
    expect(server.received.map((r) => titleOf(r.graph))).toEqual(['hung', 'after']);
    server.received[1]!.answer();
    await next;
    expect(store.getState()).toMatchObject({ saveError: null, savedRevision: store.getState().revision });
  });
});
