import { hashKey } from './key-material';

/** Whether a token's SHA-256 is the ADMIN_TOKEN's, compared in constant time. */
export async function isAdminToken(tokenHash: string, adminToken: string | undefined): Promise<boolean> {
  return !!adminToken && sameDigest(tokenHash, await hashKey(adminToken));
}

/** Compares two hex digests without an early exit, so timing says nothing about where they differ. */
function sameDigest(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
