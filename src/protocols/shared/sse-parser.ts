/** One server-sent event: its data lines joined, or a comment (keep-alive). */
export type SseEvent = { kind: 'data'; data: string; event?: string } | { kind: 'comment'; text: string };

/**
 * Incremental SSE parser. Feed it text as it arrives; it returns the events that
 * are complete and holds back only the unfinished tail, so nothing waits longer
 * than the origin made it wait. Accepts `data:x` and `data: x`, LF and CRLF.
 */
export class SseParser {
  private buffer = '';

  push(text: string): SseEvent[] {
    this.buffer += text;
    const events: SseEvent[] = [];
    for (;;) {
      const match = /\r?\n\r?\n/.exec(this.buffer);
      if (!match) break;
      const block = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const event = parseBlock(block);
      if (event) events.push(event);
    }
    return events;
  }

  /** Whatever is left when the stream ends (an event without its blank line). */
  flush(): SseEvent[] {
    const rest = this.buffer;
    this.buffer = '';
    const event = rest.trim() ? parseBlock(rest) : null;
    return event ? [event] : [];
  }
}

function parseBlock(block: string): SseEvent | null {
  const data: string[] = [];
  let event: string | undefined;
  let comment: string | null = null;
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith(':')) {
      comment ??= line.slice(1);
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  }
  if (data.length)
    return event === undefined
      ? { kind: 'data', data: data.join('\n') }
      : { kind: 'data', data: data.join('\n'), event };
  return comment !== null ? { kind: 'comment', text: comment } : null;
}
