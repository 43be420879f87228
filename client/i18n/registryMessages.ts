import type { PaletteGroup } from '../../shared/journey/kind';
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
} satisfies Record<Channel, string>;
