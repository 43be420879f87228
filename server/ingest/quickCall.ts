import { MAX_DEPTH, timestamp, type Call } from './calls';
import { cleanText, nestsDeeper } from '../../shared/util/cleanInput';

/**
 * The common SDK call, a track, checked by hand: zod costs several
 * microseconds a call, a third of a 500-call batch's time before it reaches
 * the database. It accepts exactly what `Call` accepts and returns what
 * `Call.parse` would (tests hold it to that); anything it is not sure of (a
 * number for an id, an odd key, a call that zod would refuse) is left to zod,
 * by returning undefined, so a refusal is still zod's 400 naming the field.
 */
export function quickTrack(body: unknown, type: Call['type'] | null): Call | undefined {
  if (!isObject(body)) return undefined;
  if ((type ?? body.type) !== 'track') return undefined;
  const userId = id(body, 'userId');
  const anonymousId = id(body, 'anonymousId');
  const messageId = text(body, 'messageId');
  const event = text(body, 'event');
  if (userId === false || anonymousId === false || messageId === false || event === false || event === undefined) return undefined;
  if (!(userId || anonymousId)) return undefined;
  const out: Record<string, unknown> = { type: 'track', event };
  if ('userId' in body) out.userId = userId;
  if ('anonymousId' in body) out.anonymousId = anonymousId;
  if (messageId !== undefined) out.messageId = messageId;
  for (const key of ['timestamp', 'sentAt', 'originalTimestamp'] as const) {
    if (!(key in body)) continue;
    const v = body[key];
    if (typeof v !== 'string' || !timestamp.safeParse(v).success) return undefined;
    out[key] = v;
  }
  for (const key of ['properties', 'context', 'integrations', '_metadata'] as const) {
    if (!(key in body)) continue;
    const v = record(body[key], key === 'properties');
    if (v === undefined) return undefined;
    out[key] = v;
  }
  return out as Call;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An id as zod's `id` makes it, trimmed; undefined when absent, null when null, false when zod must judge (a number, or not valid). */
function id(body: Record<string, unknown>, key: string): string | null | undefined | false {
  if (!(key in body)) return undefined;
  const v = body[key];
  if (v === null) return null;
  return typeof v === 'string' ? trimmed(v) : false;
}

/** A required-when-present name (messageId, event): trimmed, 1 to 200 characters, clean; false when zod must judge. */
function text(body: Record<string, unknown>, key: string): string | undefined | false {
  if (!(key in body)) return undefined;
  const v = body[key];
  return typeof v === 'string' ? trimmed(v) : false;
}

function trimmed(v: string): string | false {
  const t = v.trim();
  return t.length >= 1 && t.length <= 200 && cleanText(t) ? t : false;
}

/**
 * A JSON object as zod's `json` (and, for properties, `keyed`) records return
 * it: a copy with the same keys and values. One with an own __proto__ key
 * (which zod drops, and which copied would set the copy's prototype) goes to zod.
 */
function record(v: unknown, keysAreNames: boolean): Record<string, unknown> | undefined {
  if (!isObject(v) || Object.getPrototypeOf(v) !== Object.prototype) return undefined;
  if (Object.hasOwn(v, '__proto__')) return undefined;
  if (nestsDeeper(v, MAX_DEPTH)) return undefined;
  const copy: Record<string, unknown> = {};
  for (const k in v) {
    if (keysAreNames && !cleanText(k)) return undefined;
    copy[k] = v[k];
  }
  return copy;
}
