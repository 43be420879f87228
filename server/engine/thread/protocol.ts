import type { Channel } from '../../../shared/journey/channels';
import type { ProvidersConfig } from '../../channels/config';
import type { SandboxBehaviour } from '../../channels/sandbox';
import type { DispatcherOptions } from '../dispatcher';
import type { EngineTick } from '..';
import type { WriteGate } from '../../db/writeGate';
import type { ProviderOutcome } from '../../obs/metrics';
import type { EnginePriority } from './priority';
import type { ThreadPriority } from '../../threadPriority';

/**
 * What the engine thread is started with: only data (a worker receives a
 * structured clone), so providers come as their config, and the living demo's
 * behaviour model as its seed and channels, built again on the thread.
 */
export interface EngineThreadConfig {
  databasePath: string;
  providers: ProvidersConfig;
  sandbox: Partial<Record<Channel, SandboxBehaviour>>;
  dispatcher?: Partial<DispatcherOptions>;
  /** the living demo's simulated people answer these channels */
  demo?: { seed: number; channels: Channel[] };
  publicUrl: string;
  /** the API thread's write announcements (server/db/writeGate.ts) */
  writeGate?: WriteGate;
  /** the id of the server's ownership of the database (outbox/ownership.ts), which the thread's leases carry */
  owner?: string;
  /** the thread's share of the CPU against the API's (priority.ts; default normal) */
  priority?: EnginePriority;
}

/** One configured provider's send, timed on the thread and counted in /metrics on the main thread (prom-client lives there). */
export type ProviderCall = [channel: Channel, elapsedSeconds: number, outcome: ProviderOutcome];

/** One take of the write lock on the thread (db/writeGate.ts), counted in /metrics on the main thread like a provider call. */
export type LockTake = [waitMs: number, holdMs: number];

export type ToThread = { type: 'tick'; id: number; now: number } | { type: 'invalidate' } | { type: 'publicUrl'; url: string } | { type: 'disowned' } | { type: 'stop' };

export type FromThread =
  | { type: 'ready'; priority: ThreadPriority }
  | { type: 'tick'; id: number; report: EngineTick | null; providerCalls: ProviderCall[]; lockTakes: LockTake[] }
  | { type: 'tick'; id: number; error: string }
  | { type: 'stopped' };
