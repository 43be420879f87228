import { TZDate } from '@date-fns/tz';
import { channels, type Channel } from '../../shared/journey/channels';
import { messageStatuses, type MessageStatus } from '../../shared/outbox/status';

/** The Outbox page's filter as the server reads it (server/outbox/filter.ts). */
export interface OutboxFilterInput {
  journeyId?: string;
  externalId?: string;
  status?: MessageStatus;
  channel?: Channel;
  template?: string;
  from?: number;
  to?: number;
}

const day = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight starting `yyyy-mm-dd` in `zone` (the workspace's), as an instant; `plusDays` later for an inclusive end. */
export function startOfDayIn(date: string, zone: string, plusDays = 0): number | undefined {
  const m = day.exec(date);
  if (!m) return undefined;
  return new TZDate(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays, zone).getTime();
}

/**
 * The filter the URL holds (so a view can be shared): journey, contact,
 * status, channel, template, and a day range read in the workspace's zone,
 * the last day included. Unknown values are dropped, not sent.
 */
export function filterFromParams(params: URLSearchParams, zone: string): OutboxFilterInput {
  const f: OutboxFilterInput = {};
  const journey = params.get('journey');
  if (journey) f.journeyId = journey;
  const contact = params.get('contact');
  if (contact) f.externalId = contact;
  const status = params.get('status');
  if (status && (messageStatuses as readonly string[]).includes(status)) f.status = status as MessageStatus;
  const channel = params.get('channel');
  if (channel && (channels as readonly string[]).includes(channel)) f.channel = channel as Channel;
  const template = params.get('template');
  if (template) f.template = template;
  const from = startOfDayIn(params.get('from') ?? '', zone);
  if (from !== undefined) f.from = from;
  const to = startOfDayIn(params.get('to') ?? '', zone, 1);
  if (to !== undefined) f.to = to;
  return f;
}
