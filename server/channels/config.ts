import { z } from 'zod';
import { Channel, channels } from '../../shared/journey/channels';
import type { ChannelProvider } from './provider';
import { createWebhookProvider } from './webhook';
import { SandboxBehaviour } from './sandbox';

/**
 * Which provider serves each channel. Absent channels use the sandbox with its
 * default behaviour. Given as JSON in CHANNEL_PROVIDERS, e.g.
 * `{"webhook":{"type":"webhook","url":"https://partner.example/offers","secret":"…"},
 *   "sms":{"type":"sandbox","delivered":0.9}}`.
 */
export const ProviderConfig = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sandbox') }).extend(SandboxBehaviour.shape),
  z.object({
    type: z.literal('webhook'),
    url: z.url({ error: 'url must be an http(s) URL' }),
    secret: z.string().min(16, 'secret must be at least 16 characters'),
    timeoutMs: z.number().int().min(100).max(60_000).optional(),
    /** requests open at once; also the most a crash can send twice (default 32) */
    maxInFlight: z.number().int().min(1).max(1000).optional(),
    /** how long a failing message is retried before it is a dead letter (default 1440 = 24 h) */
    retryHorizonMinutes: z
      .number()
      .int()
      .min(1)
      .max(30 * 24 * 60)
      .optional(),
  }),
]);
export type ProviderConfig = z.infer<typeof ProviderConfig>;
export const ProvidersConfig = z.partialRecord(Channel, ProviderConfig);
export type ProvidersConfig = z.infer<typeof ProvidersConfig>;

/** Parse CHANNEL_PROVIDERS; a bad value fails start-up with the field it names. */
export function providersFromEnv(raw: string | undefined): ProvidersConfig {
  if (!raw?.trim()) return {};
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new Error(`CHANNEL_PROVIDERS is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const r = ProvidersConfig.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`CHANNEL_PROVIDERS.${(i?.path ?? []).join('.')}: ${i?.message ?? 'invalid'} (channels: ${channels.join(', ')})`);
  }
  return r.data;
}

/** The webhook providers of a config; sandbox entries become behaviours the engine's sandbox uses. */
export function buildProviders(config: ProvidersConfig): { providers: Partial<Record<Channel, ChannelProvider>>; sandbox: Partial<Record<Channel, SandboxBehaviour>> } {
  const providers: Partial<Record<Channel, ChannelProvider>> = {};
  const sandbox: Partial<Record<Channel, SandboxBehaviour>> = {};
  for (const ch of channels) {
    const c = config[ch];
    if (!c) continue;
    if (c.type === 'webhook')
      providers[ch] = createWebhookProvider({
        url: c.url,
        secret: c.secret,
        ...(c.timeoutMs ? { timeoutMs: c.timeoutMs } : {}),
        ...(c.maxInFlight ? { maxInFlight: c.maxInFlight } : {}),
        ...(c.retryHorizonMinutes ? { retryHorizonMs: c.retryHorizonMinutes * 60_000 } : {}),
      });
    else {
      const { type: _type, ...behaviour } = c;
      sandbox[ch] = behaviour;
    }
  }
  return { providers, sandbox };
}
