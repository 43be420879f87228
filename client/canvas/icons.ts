import { Bell, Circle, Clock, GitBranch, Headset, Hourglass, LogOut, Mail, MessageSquare, PhoneCall, Send, Shuffle, Smartphone, Tag, Users, Webhook, Zap, type LucideIcon } from 'lucide-react';
import type { Channel } from '../../shared/journey/channels';

/** The registry names icons by key (palette.icon); this maps keys to drawings. */
const paletteIcons: Record<string, LucideIcon> = {
  users: Users,
  zap: Zap,
  hourglass: Hourglass,
  clock: Clock,
  bell: Bell,
  'git-branch': GitBranch,
  shuffle: Shuffle,
  send: Send,
  tag: Tag,
  'log-out': LogOut,
};

/** The icon for a registry icon key; a neutral dot for a key this map doesn't know yet. */
export function paletteIcon(key: string): LucideIcon {
  return paletteIcons[key] ?? Circle;
}

export const channelIcons: Record<Channel, LucideIcon> = {
  sms: MessageSquare,
  push: Smartphone,
  voice: PhoneCall,
  email: Mail,
  webhook: Webhook,
  agent_call: Headset,
};
