import type { AnswerFormat } from './answer-formats';
import type { CheckResult } from './check';

/** Why the relay's controller was aborted: the output guard ended the stream. */
export class GuardCut extends Error {
  constructor() {
    super('stream ended by the output guardrail');
  }
}

export interface StageOptions {
  /** Check after this many more answer tokens (content events) than the last check covered. */
  every: number;
  /** The request's controller: aborting it stops the origin (and the pump, which releases the slot). */
  abort: AbortController;
  /** Checks the answer so far (its text by choice index). Rejects only when the client left. */
  check: (texts: Map<number, string>) => Promise<CheckResult>;
  /** What a result does: end the stream with a cut (violation) or a failure frame, add a note, or nothing (pass). */
  onResult: (result: CheckResult) => { cut?: string; fail?: string; note?: string };
}

interface Held {
  frame: string;
  /** Its data lines, joined. */
  data: string;
  /** Answer tokens up to and including this frame: it may go once a check has covered that many. */
  upTo: number;
}

/**
 * The output guard on a stream, between the relay and the client. Frames pass
 * through in order, but a frame carrying answer text is held until a check has
 * covered it: every `every` tokens of accumulated answer a check runs on the
 * whole answer so far (one at a time; the origin keeps streaming meanwhile), and
 * once more when the origin's stream ends. A violation drops what is held, ends
 * the stream in the client's protocol (`content_filter`, then an error event) and
 * aborts the request, so the origin stops and the pump releases the slot.
 */
export function guardStream(
  source: ReadableStream<Uint8Array>,
  format: AnswerFormat,
  opts: StageOptions,
): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const texts = new Map<number, string>();
  let held: Held[] = [];
  let buffer = '';
  let tokens = 0;
  let covered = 0;
  let ending = false;
  let stopped = false;
  let checking: Promise<void> | null = null;
  let out!: TransformStreamDefaultController<Uint8Array>;

  const emit = (text: string) => {
    if (!stopped && text) out.enqueue(encoder.encode(text));
  };
  const release = () => {
    let i = 0;
    for (; i < held.length && held[i]!.upTo <= covered; i++) {
      const { frame, data } = held[i]!;
      emit(frame);
      if (data) format.sent?.(data);
    }
    held = held.slice(i);
  };
  const stop = (frames: string) => {
    emit(frames);
    stopped = true;
    held = [];
    out.terminate();
    if (!opts.abort.signal.aborted) opts.abort.abort(new GuardCut());
  };
  const schedule = () => {
    if (checking || stopped) return;
    if (ending ? covered >= tokens : tokens - covered < opts.every) return;
    const upTo = tokens;
    checking = opts
      .check(new Map(texts))
      .then(
        (result) => {
          if (stopped) return;
          const action = opts.onResult(result);
          if (action.cut !== undefined) return stop(format.cut(action.cut));
          if (action.fail !== undefined) return stop(format.fail(action.fail));
          covered = upTo;
          release();
          if (action.note) emit(`: ${action.note}\n\n`);
        },
        () => {
          stopped = true; // the client left: nothing more to send
        },
      )
      .finally(() => {
        checking = null;
        schedule();
      });
  };
  const take = (frame: string) => {
    if (frame.startsWith(':')) return emit(frame); // keep-alives are not answer, and keep the client's connection alive while frames are held
    const data = frame
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
      .join('\n');
    const added = data ? format.read(data) : [];
    for (const [index, text] of added) texts.set(index, (texts.get(index) ?? '') + text);
    if (added.length) tokens++;
    held.push({ frame, data, upTo: tokens });
  };

  const stage = new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      out = controller;
    },
    transform(chunk) {
      if (stopped) return;
      buffer += decoder.decode(chunk, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        take(buffer.slice(0, end + 2));
        buffer = buffer.slice(end + 2);
      }
      release();
      schedule();
    },
    async flush() {
      if (buffer) take(buffer);
      buffer = '';
      ending = true;
      schedule();
      while (checking) await checking;
      if (!stopped) {
        covered = tokens;
        release();
      }
    },
  });
  return source.pipeThrough(stage);
}
