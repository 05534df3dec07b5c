import { responseObject, type ResponseShell } from './response-object';
import type { OutputItem } from './types';

/**
 * Responses stream framing: `event: <type>` and `data: {type, sequence_number, …}`,
 * the sequence numbers counting from 0 across the whole stream.
 */
export class ResponsesEventWriter {
  private sequence = 0;

  frame(type: string, fields: Record<string, unknown>): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.sequence++, ...fields })}\n\n`;
  }

  /**
   * A failure after the stream started: `response.failed` (the response with its
   * `error`), then an `error` event, which the openai SDKs raise as an APIError.
   */
  failure(shell: ResponseShell, output: OutputItem[], message: string, code: string): string {
    const error = { code, message };
    return (
      this.frame('response.failed', {
        response: responseObject(shell, { status: 'failed', output, usage: null, error }),
      }) + this.frame('error', { code, message, param: null })
    );
  }
}
