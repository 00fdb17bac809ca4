import type { SoakOptions } from './soakOptions';

/** What a planned workflow is meant to do. */
export type SoakKind = 'permit' | 'deny' | 'tamper';

/** A small seeded generator (mulberry32): the same seed plans the same run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Exactly round(N·fraction) denials and tamperings, shuffled by the seed. */
export function planKinds(options: Pick<SoakOptions, 'workflows' | 'denyFraction' | 'tamperFraction' | 'seed'>): SoakKind[] {
  const deny = Math.round(options.workflows * options.denyFraction);
  const tamper = Math.min(options.workflows - deny, Math.round(options.workflows * options.tamperFraction));
  const kinds: SoakKind[] = [...Array<SoakKind>(deny).fill('deny'), ...Array<SoakKind>(tamper).fill('tamper')];
  while (kinds.length < options.workflows) kinds.push('permit');
  const random = seededRandom(options.seed);
  for (let i = kinds.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  return kinds;
}
