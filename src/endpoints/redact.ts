import { isExternal, type EndpointConfig, type ServedEntity } from './schema';

/**
 * Origin URLs may carry credentials (`http://user:secret@host`, `?token=…`). Reads
 * never show them: the user info and every query value become `***`. A redacted URL
 * sent back unchanged in an update stands for the stored one (see `restoreOrigins`).
 */
const MASK = '***';
/** A URL anywhere in a text (error details quote them): a scheme, `://`, then up to whitespace or a quote. */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>`]+/gi;
/** Punctuation that ends a sentence or a list rather than the URL before it. */
const TRAILING = /[.,;:!)\]]+$/;
/** For a URL that does not parse: `scheme://user[:password]@`, and each query value. */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]+@/i;
const QUERY_VALUE = /([?&][^=&#]*=)[^&#]*/g;

export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return maskLoosely(url);
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

/** A URL that `URL` cannot parse, masked by pattern: its user info and every query value. */
function maskLoosely(url: string): string {
  return url.replace(USERINFO, `$1${MASK}@`).replace(QUERY_VALUE, `$1${MASK}`);
}

/** Every URL in a text (an error, a probe's detail) redacted as `redactUrl` does: user info and query values. */
export function redactText(text: string): string {
  return text.replace(URL_IN_TEXT, (match) => {
    const tail = TRAILING.exec(match)?.[0] ?? '';
    return redactUrl(match.slice(0, match.length - tail.length)) + tail;
  });
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
 * stored URL (`storedUrls`: any version's, oldest first) is put back to the stored URL. Returns the URLs that
 * still carry the mask but match nothing stored (the caller refuses those).
 */
export function restoreOrigins(
  entities: ServedEntity[],
  storedUrls: string[],
): { entities: ServedEntity[]; unmatched: string[] } {
  // Two stored URLs with the same redacted form: the later one in `storedUrls` (the newer) is put back.
  const byRedacted = new Map<string, string>();
  for (const url of storedUrls) byRedacted.set(redactUrl(url), url);
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
