import { Worker } from 'node:worker_threads';
import type { EngineTick } from '..';
import type { EngineThreadConfig, FromThread, ToThread } from './protocol';
import { recordProviderCall, recordWriteLock } from '../../obs/metrics';
import type { ThreadPriority } from '../../threadPriority';

export interface EngineThread {
  /** what the thread runs under (its `config.priority`, as the platform allowed it) */
  priority: ThreadPriority;
  /** One engine tick on the thread at `now`; null when one was already running there, or once disowned. */
  tick: (now: number) => Promise<EngineTick | null>;
  /** Journeys or templates changed: the thread rebuilds what it keeps of them before its next use. */
  invalidate: () => void;
  setPublicUrl: (url: string) => void;
  /** Another server took the database over: the thread ticks and claims no more. */
  disown: () => void;
  stop: () => Promise<void>;
}

/** Start the engine thread and wait until it has opened the database. */
export async function startEngineThread(config: EngineThreadConfig): Promise<EngineThread> {
  const worker = new Worker(new URL('./bootstrap.mjs', import.meta.url), { workerData: config });
  const post = (m: ToThread) => worker.postMessage(m);
  const pending = new Map<number, { resolve: (r: EngineTick | null) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failed: Error | null = null;
  let stopped: (() => void) | null = null;

  const ready = new Promise<ThreadPriority>((resolve, reject) => {
    worker.on('message', (m: FromThread) => {
      if (m.type === 'ready') resolve(m.priority);
      else if (m.type === 'stopped') stopped?.();
      else {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if ('error' in m) p?.reject(new Error(`engine thread: ${m.error}`));
        else {
          for (const [channel, seconds, outcome] of m.providerCalls) recordProviderCall(channel, seconds, outcome);
          for (const [waitMs, holdMs] of m.lockTakes) recordWriteLock('engine', waitMs, holdMs);
          p?.resolve(m.report);
        }
      }
    });
    worker.on('error', (e) => {
      failed = e;
      reject(e);
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    });
    worker.on('exit', (code) => {
      const e = failed ?? new Error(`the engine thread exited (${code})`);
      reject(e);
      for (const p of pending.values()) p.reject(e);
      pending.clear();
    });
  });
  const priority = await ready;

  return {
    priority,
    tick(now) {
      if (failed) return Promise.reject(failed);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        post({ type: 'tick', id, now });
      });
    },
    invalidate: () => post({ type: 'invalidate' }),
    setPublicUrl: (url) => post({ type: 'publicUrl', url }),
    disown: () => post({ type: 'disowned' }),
    async stop() {
      if (failed) return;
      // a tick in flight finishes first: messages are handled in order
      await Promise.allSettled(
        [...pending.values()].map(
          (p) =>
            new Promise<void>((done) => {
              const { resolve, reject } = p;
              p.resolve = (r) => (resolve(r), done());
              p.reject = (e) => (reject(e), done());
            }),
        ),
      );
      const gone = new Promise<void>((done) => worker.once('exit', () => done()));
      await new Promise<void>((done) => {
        stopped = done;
        post({ type: 'stop' });
      });
      await gone;
    },
  };
}
