import { randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt, memory-hard: N=2^15, r=8 takes 32 MiB and about 60–100 ms a hash on
 * this machine class. The parameters are stored with each hash, so a later,
 * costlier setting still verifies old hashes. Tests pass a cheaper cost.
 */
export interface PasswordCost {
  N: number;
  r: number;
  p: number;
}
export const defaultCost: PasswordCost = { N: 2 ** 15, r: 8, p: 1 };
const keyLength = 32;

const options = ({ N, r, p }: PasswordCost): ScryptOptions => ({ N, r, p, maxmem: 256 * N * r + 1024 * 1024 });

/** `scrypt$N$r$p$salt$hash`, salt and hash base64url. Synchronous: for admin actions inside a transaction. */
export function hashPassword(password: string, cost: PasswordCost = defaultCost): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password.normalize('NFKC'), salt, keyLength, options(cost));
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

function parse(stored: string): { cost: PasswordCost; salt: Buffer; hash: Buffer } | null {
  const [scheme, N, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return null;
  return { cost: { N: Number(N), r: Number(r), p: Number(p) }, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}

/** Does `password` match `stored`? Off the event loop (libuv's pool), compared in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const derived = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFKC'), parsed.salt, parsed.hash.length, options(parsed.cost), (err, key) => (err ? reject(err) : resolve(key))),
  );
  return derived.length === parsed.hash.length && timingSafeEqual(derived, parsed.hash);
}

/** The same check, blocking: for a rare action that must stay inside one synchronous transaction. */
export function verifyPasswordSync(password: string, stored: string): boolean {
  const parsed = parse(stored);
  if (!parsed) return false;
  const derived = scryptSync(password.normalize('NFKC'), parsed.salt, parsed.hash.length, options(parsed.cost));
  return timingSafeEqual(derived, parsed.hash);
}

/** A password people can type from a start-up log: 20 characters of base58-ish, about 115 bits. */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(20);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
