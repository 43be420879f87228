import { hash } from 'node:crypto';
import { literalLinkHosts } from '../../shared/templates/linkTargets';

/**
 * The code of the `index`-th tracked link in message `messageId`: the message
 * id and the index in base 36 (unique by construction, and the same again
 * when a message is rendered for a retry, so a resend after a crash prints the
 * links the first send printed), then a short keyed hash so codes cannot be
 * walked to forge clicks on other people's messages. (A secret-prefixed
 * one-shot SHA-256: a quarter of the cost of an HMAC object per message,
 * and forging needs the secret all the same.)
 */
export function linkCode(secret: string, messageId: number, index: number): string {
  const mac = hash('sha256', `${secret}:${messageId}:${index}`, 'base64url').slice(0, 5);
  return `${messageId.toString(36)}-${index.toString(36)}${mac}`;
}

/** The short URL printed in a message. */
export const shortUrl = (base: string, code: string): string => `${base.replace(/\/+$/, '')}/l/${code}`;

/**
 * The hosts the shipped library's copy links to: the link allow-list while an
 * admin has set none, so the demo's links keep working out of the box.
 */
export function libraryLinkHosts(library: readonly { variants: readonly { parts: Record<string, string> }[] }[]): string[] {
  return literalLinkHosts(library.flatMap((t) => t.variants.flatMap((v) => Object.values(v.parts))));
}
