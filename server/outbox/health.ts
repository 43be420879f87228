import type { Db } from '../db/client';
import type { Channel } from '../../shared/journey/channels';
import type { ChannelHealthState } from '../db/schema';
import { MINUTE } from '../../shared/util/time';

export interface HealthOptions {
  /** the recent window the error rate is taken over */
  windowMs: number;
  /** its resolution */
  bucketMs: number;
  /** fewer answers than this in the window say nothing about a healthy channel */
  minAttempts: number;
  /** failing at or above this share of failed attempts … */
  failingRate: number;
  /** … and recovered at or below this one (apart, so a channel near the line does not flap) */
  recoveredRate: number;
  /** counts are written at most this often per channel; a change of state at once */
  writeEveryMs: number;
}

export const defaultHealthOptions: HealthOptions = { windowMs: 5 * MINUTE, bucketMs: 10_000, minAttempts: 10, failingRate: 0.5, recoveredRate: 0.2, writeEveryMs: 10_000 };

interface Track {
  buckets: Map<number, { attempts: number; failures: number }>;
  attempts: number;
  failures: number;
  lastBucket: number;
  state: ChannelHealthState;
  since: number;
  lastError: string | null;
  writtenAt: number;
}

/** Whether a window of `attempts` with `failures` moves a channel out of `state`, and where to. */
export function nextHealthState(state: ChannelHealthState, attempts: number, failures: number, o: Pick<HealthOptions, 'minAttempts' | 'failingRate' | 'recoveredRate'>): ChannelHealthState {
  const rate = attempts === 0 ? 0 : failures / attempts;
  if (state === 'healthy') return attempts >= o.minAttempts && rate >= o.failingRate ? 'failing' : 'healthy';
  // back to healthy on evidence: a few good answers and few bad ones (an idle failing channel stays failing)
  const good = attempts - failures;
  return attempts > 0 && rate <= o.recoveredRate && (good >= 3 || failures === 0) ? 'healthy' : 'failing';
}

const pct = (f: number, a: number) => `${a === 0 ? 0 : Math.round((100 * f) / a)}%`;

/**
 * Each channel's error rate over a recent window of provider answers (by the
 * engine's clock), and its state: healthy → failing → recovered (healthy
 * again). One log line per change of state, never per message. The state and
 * the counts go to `channel_health`, where the API reads them (whatever
 * thread or process runs the engine), and a restart starts from the state stored.
 */
export function createChannelHealth(db: Db, log: (line: string) => void, options: Partial<HealthOptions> = {}) {
  const o = { ...defaultHealthOptions, ...options };
  const c = db.$client;
  const write = c.prepare(
    `insert into channel_health (channel, state, attempts, failures, last_error, since, updated_at) values (@channel, @state, @attempts, @failures, @lastError, @since, @now)
     on conflict (channel) do update set state = excluded.state, attempts = excluded.attempts, failures = excluded.failures, last_error = excluded.last_error, since = excluded.since, updated_at = excluded.updated_at`,
  );
  const stored = new Map(
    c
      .prepare<[], { channel: Channel; state: ChannelHealthState; since: number; last_error: string | null }>('select channel, state, since, last_error from channel_health')
      .all()
      .map((r) => [r.channel, r]),
  );
  const tracks = new Map<Channel, Track>();
  const track = (channel: Channel): Track => {
    let t = tracks.get(channel);
    if (!t) {
      const s = stored.get(channel);
      t = { buckets: new Map(), attempts: 0, failures: 0, lastBucket: 0, state: s?.state ?? 'healthy', since: s?.since ?? 0, lastError: s?.last_error ?? null, writtenAt: Number.NEGATIVE_INFINITY };
      tracks.set(channel, t);
    }
    return t;
  };
  const windowBuckets = Math.max(1, Math.ceil(o.windowMs / o.bucketMs));

  return {
    /** One provider answer (a failure with its error), at `now`. */
    record(channel: Channel, failed: boolean, error: string | null, now: number): void {
      const t = track(channel);
      const b = Math.floor(now / o.bucketMs);
      if (b !== t.lastBucket) {
        t.lastBucket = b;
        for (const [k, v] of t.buckets)
          if (k <= b - windowBuckets || k > b) {
            t.attempts -= v.attempts;
            t.failures -= v.failures;
            t.buckets.delete(k);
          }
      }
      let bucket = t.buckets.get(b);
      if (!bucket) t.buckets.set(b, (bucket = { attempts: 0, failures: 0 }));
      bucket.attempts++;
      t.attempts++;
      if (failed) {
        bucket.failures++;
        t.failures++;
        t.lastError = error;
      }
      const next = nextHealthState(t.state, t.attempts, t.failures, o);
      const changed = next !== t.state;
      if (changed) {
        const was = t.since;
        t.state = next;
        t.since = now;
        const window = `${t.failures} of ${t.attempts} attempts failed (${pct(t.failures, t.attempts)}) in the last ${Math.round(o.windowMs / MINUTE)} min`;
        log(
          next === 'failing'
            ? `channel ${channel} failing: ${window}; last error: ${t.lastError ?? 'none'}`
            : `channel ${channel} recovered${was > 0 ? ` after ${Math.max(1, Math.round((now - was) / MINUTE))} min` : ''}: ${window}`,
        );
      }
      if (changed || now - t.writtenAt >= o.writeEveryMs) {
        t.writtenAt = now;
        write.run({ channel, state: t.state, attempts: t.attempts, failures: t.failures, lastError: t.lastError, since: t.since, now });
      }
    },

    /** The state as this engine sees it (tests; the API reads the table). */
    state: (channel: Channel): ChannelHealthState => track(channel).state,
  };
}

export type ChannelHealth = ReturnType<typeof createChannelHealth>;
