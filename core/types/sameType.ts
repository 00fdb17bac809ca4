// Types only: a compile-time check, no runtime code.

/**
 * True when each of `A` and `B` is assignable to the other. A type written out for the public
 * API beside the zod schema that checks it is held to the schema's inferred type with
 * `type _Check = Assert<SameType<Written, z.output<typeof Schema>>>`: the build fails when a
 * member is added, removed or retyped on one side only. (Readonly modifiers are not compared.)
 */
export type SameType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** Compiles only for `true`; see `SameType`. */
export type Assert<T extends true> = T;
