import { z } from 'zod';
import { cleanText, cleanTextMessage, nestsDeeper } from '../../shared/util/cleanInput';

/**
 * The Segment HTTP Tracking API's call shapes, so an existing Segment or
 * RudderStack SDK pointed at this host works unchanged. Unknown extra fields
 * are accepted and ignored; `context` is kept with the event.
 */
const name = (max: number) => z.string().max(max).refine(cleanText, cleanTextMessage);
const id = z.union([z.string().trim().min(1).max(200).refine(cleanText, cleanTextMessage), z.number().int().transform(String)]);
/** How deep traits/properties/context may nest: far below where SQLite's JSON functions (1,000 levels) or JSON.stringify's recursion give up with a 500. */
export const MAX_DEPTH = 32;
const json = z.record(z.string(), z.unknown()).refine((v) => !nestsDeeper(v, MAX_DEPTH), `must not nest deeper than ${MAX_DEPTH} levels`);
/** Traits and properties: segment rules and templates read them by key, so keys are names too. */
const keyed = json.refine((v) => Object.keys(v).every(cleanText), `keys ${cleanTextMessage}`);
/** An optional ISO-8601 date-time with an offset (or Z). */
export const timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time' }).optional();

const common = {
  userId: id.optional().nullable(),
  anonymousId: id.optional().nullable(),
  messageId: z.string().trim().min(1).max(200).refine(cleanText, cleanTextMessage).optional(),
  timestamp,
  sentAt: timestamp,
  originalTimestamp: timestamp,
  context: json.optional(),
  integrations: json.optional(),
  _metadata: json.optional(),
};

const hasId = (c: { userId?: string | null; anonymousId?: string | null }) => Boolean(c.userId || c.anonymousId);
const needsId = { message: 'userId or anonymousId is required', path: ['userId'] };

export const IdentifyCall = z.object({ ...common, type: z.literal('identify'), traits: keyed.optional() }).refine(hasId, needsId);
export const TrackCall = z
  .object({
    ...common,
    type: z.literal('track'),
    event: z.string({ error: 'event is required' }).trim().min(1, 'event is required').max(200).refine(cleanText, cleanTextMessage),
    properties: keyed.optional(),
  })
  .refine(hasId, needsId);
export const PageCall = z.object({ ...common, type: z.literal('page'), name: name(200).optional(), category: name(200).optional(), properties: keyed.optional() }).refine(hasId, needsId);
export const ScreenCall = z.object({ ...common, type: z.literal('screen'), name: name(200).optional(), properties: keyed.optional() }).refine(hasId, needsId);
export const AliasCall = z.object({
  ...common,
  type: z.literal('alias'),
  previousId: id,
  userId: id,
});
export const GroupCall = z.object({ ...common, type: z.literal('group'), groupId: id, traits: keyed.optional() }).refine(hasId, needsId);

export const Call = z.discriminatedUnion('type', [IdentifyCall, TrackCall, PageCall, ScreenCall, AliasCall, GroupCall]);
export type Call = z.infer<typeof Call>;
export type CallType = Call['type'];

export const MAX_BATCH_CALLS = 1000;
export const MAX_BODY = '512kb';
/**
 * A /v1/batch of at least this many calls, all tracked events of known
 * contacts that route nowhere (a backend forwarding its app's taps, a backfill), is queued
 * for the engine to index at its next tick (engine/eventInbox.ts); a smaller
 * one is indexed in the request, and shows on the timeline at once.
 */
export const QUEUE_FROM_CALLS = 100;
/** The most events the inbox holds: past it, a big batch is indexed in its request, as a small one is, until the engine catches up. */
export const QUEUE_MAX_EVENTS = 1_000_000;
