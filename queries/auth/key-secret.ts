import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * API key secrets. A key reads `flk_<id>_<secret>`: the id finds its row in
 * fleet.api_keys, the secret (256 random bits) is checked against a salted
 * scrypt hash, so the table alone opens nothing. The prefix lets secret
 * scanners recognise a leaked key.
 */
export const KEY_PREFIX = 'flk_';
const KEY_PATTERN = /^flk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const SCRYPT = { N: 16_384, r: 8, p: 1 } as const;
const HASH_BYTES = 32;

export interface NewKeySecret {
  readonly id: string;
  /** The whole key, shown once. */
  readonly key: string;
  readonly salt: string;
  readonly hash: string;
}

export async function createKeySecret(): Promise<NewKeySecret> {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16).toString('base64');
  return { id, key: `${KEY_PREFIX}${id}_${secret}`, salt, hash: await hashSecret(secret, salt) };
}

/** The id and secret of a presented key, or undefined when it is not shaped like one. */
export function splitKey(key: string): { id: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(key);
  return match ? { id: match[1]!, secret: match[2]! } : undefined;
}

export async function secretMatches(secret: string, salt: string, hash: string): Promise<boolean> {
  const expected = Buffer.from(hash, 'base64');
  const actual = Buffer.from(await hashSecret(secret, salt), 'base64');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A cache key for a presented key that is not the key itself. */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('base64');
}

function hashSecret(secret: string, salt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    scrypt(secret, Buffer.from(salt, 'base64'), HASH_BYTES, SCRYPT, (err, derived) => (err ? reject(err) : resolve(derived.toString('base64'))));
  });
}
