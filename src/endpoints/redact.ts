import { isExternal, type EndpointConfig, type ServedEntity } from './schema';

/**
 * Origin URLs may carry credentials (`http://user:secret@host`, `?token=…`). Reads
 * never show them: the user info and every query value become `***`. A redacted URL
 * sent back unchanged in an update stands for the stored one (see `restoreOrigins`).
 */
const MASK = '***';
/** `scheme://user[:password]@` anywhere in a text (error details quote URLs). */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;

export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactText(url);
  }
  if (!parsed.username && !parsed.password && !parsed.search) return url;
  if (parsed.username || parsed.password) {
    parsed.username = MASK;
    parsed.password = '';
  }
  for (const name of new Set(parsed.searchParams.keys())) parsed.searchParams.set(name, MASK);
  // URLSearchParams percent-encodes the mask; keep it readable.
  return parsed.toString().replaceAll(encodeURIComponent(MASK), MASK);
}

export function redactText(text: string): string {
  return text.replace(USERINFO, `$1${MASK}@`);
}

export function redactEntities(entities: ServedEntity[]): ServedEntity[] {
  // External models name their secrets by reference (`{{secrets/NAME}}`), never inline: nothing to redact.
  return entities.map((e) =>
    isExternal(e) ? e : { ...e, origins: e.origins.map((o) => ({ ...o, url: redactUrl(o.url) })) },
  );
}

export function redactConfig<T extends EndpointConfig>(config: T): T {
  return { ...config, served_entities: redactEntities(config.served_entities) };
}

/**
 * An update may send back origin URLs as reads show them: each redacted form of a
 * stored URL (any version) is put back to the stored URL. Returns the URLs that
 * still carry the mask but match nothing stored (the caller refuses those).
 */
export function restoreOrigins(
  entities: ServedEntity[],
  stored: EndpointConfig[],
): { entities: ServedEntity[]; unmatched: string[] } {
  const byRedacted = new Map<string, string>();
  for (const config of stored) {
    for (const entity of config.served_entities)
      if (!isExternal(entity)) for (const o of entity.origins) byRedacted.set(redactUrl(o.url), o.url);
  }
  const unmatched: string[] = [];
  const restored = entities.map((e): ServedEntity =>
    isExternal(e)
      ? e
      : {
          ...e,
          origins: e.origins.map((o) => {
            const original = byRedacted.get(o.url);
            if (original !== undefined) return { ...o, url: original };
            if (o.url.includes(MASK) || o.url.includes(encodeURIComponent(MASK))) unmatched.push(o.url);
            return o;
          }),
        },
  );
  return { entities: restored, unmatched };
}
