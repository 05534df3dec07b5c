// Sign-in: the user pastes a key; it lives in this tab's sessionStorage (gone when the tab closes) and
// is sent as `Authorization: Bearer`. A platform key (or the admin token) unlocks the management pages;
// an endpoint key the playground only. The playground of a platform session needs an endpoint key of its
// own (the inference API refuses platform keys); it is kept the same way.

import { ApiFailure, json, send } from './api';

export type Role = 'org_admin' | 'tenant_admin' | 'owner' | 'member';

export interface Principal {
  id: string;
  role: Role;
  /** null: every tenant (org admin). */
  tenant: string | null;
}

export interface Session {
  key: string;
  /** 'platform': admin API (a platform key or the admin token); 'endpoint': inference API only. */
  kind: 'platform' | 'endpoint';
  principal: Principal | null;
}

const KEY_ITEM = 'edge-router.console.key';
const PLAYGROUND_KEY_ITEM = 'edge-router.console.playground-key';

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY_ITEM);
}

/** Works out what the key is (one admin call), and keeps it for the tab. Throws ApiFailure for a bad key. */
export async function signIn(key: string): Promise<Session> {
  const trimmed = key.trim();
  if (!trimmed) throw new ApiFailure(401, 'Paste an API key to sign in');
  let session: Session;
  try {
    const principal = await json<Principal>('GET', '/admin/v1/me', { key: trimmed });
    session = { key: trimmed, kind: 'platform', principal };
  } catch (err) {
    if (!(err instanceof ApiFailure) || err.code !== 'endpoint_key_on_admin_api') {
      if (err instanceof ApiFailure && err.status === 401)
        throw new ApiFailure(401, 'Invalid API key', 'invalid_api_key');
      throw err;
    }
    // An endpoint key: check it is live on the inference API.
    await send('GET', '/v1/models', { key: trimmed });
    session = { key: trimmed, kind: 'endpoint', principal: null };
  }
  sessionStorage.setItem(KEY_ITEM, trimmed);
  return session;
}

export function signOut(): void {
  sessionStorage.removeItem(KEY_ITEM);
  sessionStorage.removeItem(PLAYGROUND_KEY_ITEM);
}

/** The key the playground calls the inference API with. */
export function playgroundKey(session: Session): string | null {
  return session.kind === 'endpoint' ? session.key : sessionStorage.getItem(PLAYGROUND_KEY_ITEM);
}

export function setPlaygroundKey(key: string | null): void {
  if (key) sessionStorage.setItem(PLAYGROUND_KEY_ITEM, key);
  else sessionStorage.removeItem(PLAYGROUND_KEY_ITEM);
}

/** `sk-abcd…wxyz`: enough to recognise a key, never enough to use it. */
export function maskKey(key: string): string {
  return key.length <= 12 ? '••••' : `${key.slice(0, 6)}…${key.slice(-4)}`;
}

/** What the principal may do, mirroring the router's policy (the router still checks every call). */
export const can = {
  manageEndpoints: (s: Session) => s.principal !== null && s.principal.role !== 'member',
  manageKeys: (s: Session) => s.principal !== null,
  grantPlatformKeys: (s: Session) =>
    s.principal !== null && (s.principal.tenant === null || s.principal.role === 'tenant_admin'),
  triageModelRequests: (s: Session) =>
    s.principal !== null && (s.principal.tenant === null || s.principal.role === 'tenant_admin'),
  pickTenant: (s: Session) => s.principal !== null && s.principal.tenant === null,
};

export function roleLabel(s: Session): string {
  if (!s.principal) return 'endpoint key';
  const role = s.principal.role.replace('_', ' ');
  return s.principal.tenant ? `${role} · ${s.principal.tenant}` : role;
}
