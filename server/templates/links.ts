import { createHmac } from 'node:crypto';

/**
 * The code of the `index`-th tracked link in message `messageId`: the message
 * id and the index in base 36 (unique by construction, and the same again
 * when a message is rendered for a retry), then a short HMAC so codes cannot
 * be walked to forge clicks on other people's messages.
 */
export function linkCode(secret: string, messageId: number, index: number): string {
  const mac = createHmac('sha256', secret).update(`${messageId}:${index}`).digest('base64url').slice(0, 5);
  return `${messageId.toString(36)}-${index.toString(36)}${mac}`;
}

/** The short URL printed in a message. */
export const shortUrl = (base: string, code: string): string => `${base.replace(/\/+$/, '')}/l/${code}`;
