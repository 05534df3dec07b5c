import { CATEGORY_CODES, GUARD_CATEGORIES, type GuardCategory } from '../endpoints/guardrail-categories';
import type { Conversation, GuardRole } from './conversation';

/**
 * Llama Guard 3's classification prompt, written out as text for a completions
 * (or TGI generate) call, so the router decides the category list and the role
 * rather than the model server's chat template. The beginning-of-text token is
 * left to the server's tokenizer, which adds it. README "Guardrails" describes
 * the format.
 */
export function guardPrompt(
  conversation: Conversation,
  role: GuardRole,
  categories: readonly GuardCategory[] = CATEGORY_CODES,
): string {
  const list = CATEGORY_CODES.filter((code) => categories.includes(code))
    .map((code) => `${code}: ${GUARD_CATEGORIES[code]}.`)
    .join('\n');
  const turns = conversation.map((t) => `${t.role}: ${t.content}`).join('\n\n');
  return (
    '<|start_header_id|>user<|end_header_id|>\n\n' +
    `Task: Check if there is unsafe content in '${role}' messages in conversations according our safety policy with the below categories.\n\n` +
    `<BEGIN UNSAFE CONTENT CATEGORIES>\n${list}\n<END UNSAFE CONTENT CATEGORIES>\n\n` +
    `<BEGIN CONVERSATION>\n\n${turns}\n\n<END CONVERSATION>\n\n` +
    `Provide your safety assessment for ONLY THE LAST ${role} message in the above conversation:\n` +
    " - First line must read 'safe' or 'unsafe'.\n" +
    ' - If unsafe, a second line must include a comma-separated list of violated categories.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n'
  );
}
