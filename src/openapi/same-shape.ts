/**
 * Compile-time checks that a response schema written for the API description
 * describes what the code really returns: `Assert<SameShape<z.infer<typeof S>, T>>`
 * stops type-checking when a field is added to or removed from either side.
 */
export type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

export type Assert<T extends true> = T;
