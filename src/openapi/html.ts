const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in HTML content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Text safe in HTML element content (not in attributes): quotes stay as they are, so JSON stays readable in the source. */
function escapeContent(text: string): string {
  return text.replace(/[&<>]/g, (c) => ENTITIES[c]!);
}

/** Escaped text with `code` spans: the one piece of markdown the descriptions use. */
export function prose(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** The anchor of a named schema in the docs page. */
export function schemaAnchor(name: string): string {
  return `schema-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

const REF = /"\$ref": "#\/components\/schemas\/([A-Za-z0-9_.-]+)"/g;

/** JSON for a `<pre>`: indented and escaped, with references to named schemas as links. */
export function jsonHtml(value: unknown): string {
  return escapeContent(JSON.stringify(value, null, 2)).replace(
    REF,
    (_, name: string) => `"$ref": "<a href="#${schemaAnchor(name)}">#/components/schemas/${name}</a>"`,
  );
}
