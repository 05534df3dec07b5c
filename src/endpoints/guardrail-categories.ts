/**
 * Llama Guard 3's hazard categories (the MLCommons taxonomy), by code. The guard
 * is shown the configured subset under these codes and answers with them.
 */
export const GUARD_CATEGORIES = {
  S1: 'Violent Crimes',
  S2: 'Non-Violent Crimes',
  S3: 'Sex-Related Crimes',
  S4: 'Child Sexual Exploitation',
  S5: 'Defamation',
  S6: 'Specialized Advice',
  S7: 'Privacy',
  S8: 'Intellectual Property',
  S9: 'Indiscriminate Weapons',
  S10: 'Hate',
  S11: 'Suicide & Self-Harm',
  S12: 'Sexual Content',
  S13: 'Elections',
  S14: 'Code Interpreter Abuse',
} as const;

export type GuardCategory = keyof typeof GUARD_CATEGORIES;

export const CATEGORY_CODES = Object.keys(GUARD_CATEGORIES) as [GuardCategory, ...GuardCategory[]];
