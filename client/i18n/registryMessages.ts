import type { PaletteGroup } from '../../shared/journey/kind';
import type { MessageStatus } from '../../shared/outbox/status';
import type { Channel } from '../../shared/journey/channels';
import { msg } from './messageIds';

/** The palette's group headings (the registry names groups in English; the kinds carry their own message ids). */
export const paletteGroupMessages = {
  Entry: msg('palette.group.entry'),
  Wait: msg('palette.group.wait'),
  Logic: msg('palette.group.logic'),
  Messages: msg('palette.group.messages'),
  Actions: msg('palette.group.actions'),
} satisfies Record<PaletteGroup, string>;

/** Channel names (shared/journey/channels.ts `channelLabels` holds the English). */
export const channelMessages = {
  sms: msg('channel.sms'),
  push: msg('channel.push'),
  voice: msg('channel.voice'),
  email: msg('channel.email'),
  webhook: msg('channel.webhook'),
  agent_call: msg('channel.agent_call'),
} satisfies Record<Channel, string>;

/** Outbox message statuses (in English, the stored value itself). */
export const messageStatusMessages = {
  deferred: msg('messageStatus.deferred'),
  suppressed: msg('messageStatus.suppressed'),
  queued: msg('messageStatus.queued'),
  held: msg('messageStatus.held'),
  sending: msg('messageStatus.sending'),
  sent: msg('messageStatus.sent'),
  delivered: msg('messageStatus.delivered'),
  failed: msg('messageStatus.failed'),
  dead: msg('messageStatus.dead'),
} satisfies Record<MessageStatus, string>;
