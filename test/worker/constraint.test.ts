import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { brokenConstraint, isUniqueViolation } from '../../src/lib/constraint';

/** The error D1 raises for `sql` (bound to `values`), or a failure if it raises none. */
async function d1Error(sql: string, ...values: unknown[]): Promise<unknown> {
  try {
    await env.DB.prepare(sql)
      .bind(...values)
      .run();
  } catch (err) {
    return err;
  }
  throw new Error(`expected D1 to refuse: ${sql}`);
}

describe('the constraint a failed D1 write broke (lib/constraint.ts), read from D1 itself', () => {
  it('names a unique constraint and its column', async () => {
    const id = `dup-${crypto.randomUUID()}`;
    await env.DB.prepare('INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)').bind(id, id, 'now').run();
    const err = await d1Error('INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)', id, `${id}-other`, 'now');
    expect(brokenConstraint(err)).toEqual({ kind: 'unique', columns: ['tenants.id'] });
    expect(isUniqueViolation(err)).toBe(true);
    expect(isUniqueViolation(err, 'tenants.id')).toBe(true);
    expect(isUniqueViolation(err, 'endpoints.name')).toBe(false);
    expect(isUniqueViolation(err, 'endpoints.name', 'tenants.id')).toBe(true);

    // Both of a tenant's unique columns taken: SQLite names the index it checks first.
    const both = await d1Error('INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)', id, id, 'now');
    expect(isUniqueViolation(both, 'tenants.id', 'tenants.name')).toBe(true);
  });

  it('tells a foreign key and a check from a unique constraint, and other errors from all of them', async () => {
    const fk = await d1Error(
      "INSERT INTO api_keys (id, hash, prefix, description, endpoints, concurrency_limit, status, created_at, tenant_id) VALUES (?, ?, 'p', '', NULL, 1, 'active', 'now', ?)",
      `key-${crypto.randomUUID()}`,
      crypto.randomUUID(),
      `no-such-tenant-${crypto.randomUUID()}`,
    );
    expect(brokenConstraint(fk)?.kind).toBe('foreign_key');
    expect(isUniqueViolation(fk)).toBe(false);

    const check = await d1Error(
      "INSERT INTO api_keys (id, hash, prefix, description, endpoints, concurrency_limit, status, created_at, tenant_id) VALUES (?, ?, 'p', '', NULL, 0, 'active', 'now', 'default')",
      `key-${crypto.randomUUID()}`,
      crypto.randomUUID(),
    );
    expect(brokenConstraint(check)?.kind).toBe('check');

    const syntax = await d1Error('SELEC 1');
    expect(brokenConstraint(syntax)).toBeNull();
    expect(isUniqueViolation(syntax)).toBe(false);
  });
});
