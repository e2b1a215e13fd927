/**
 * The generator's random numbers: a seeded Faker for the rare draws (dirty records) and, over
 * the very same random sequence, the few cheap draws the hot path makes per event. Faker's own
 * helpers re-check their options on every call and `faker.string.uuid()` spends one random
 * number per hex digit; at millions of draws a run, that was most of the generator's time.
 */
import { Faker, en, generateMersenne32Randomizer, type Randomizer } from '@faker-js/faker';

export interface RandomDraws {
  /** Uniform in [0, 1). */
  readonly uniform: () => number;
  /** Uniform in [min, max). */
  readonly between: (min: number, max: number) => number;
  /** A whole number in [min, max], both included. */
  readonly int: (min: number, max: number) => number;
  /** True with probability `probability`. */
  readonly chance: (probability: number) => boolean;
  /** One element of a non-empty list, each equally likely. */
  readonly pick: <T>(items: readonly T[]) => T;
  /** A random (version 4, RFC 9562) UUID in lower-case hex. */
  readonly uuid: () => string;
}

/** Two lower-case hex digits for every byte value. */
const HEX_BYTE = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** The four bytes of a 32-bit word, most significant first, as hex. */
const hexWord = (word: number): string =>
  HEX_BYTE[word >>> 24]! + HEX_BYTE[(word >>> 16) & 0xff]! + HEX_BYTE[(word >>> 8) & 0xff]! + HEX_BYTE[word & 0xff]!;

/** The two bytes of a 16-bit group as hex. */
const hexGroup = (group: number): string => HEX_BYTE[group >>> 8]! + HEX_BYTE[group & 0xff]!;

export const randomDraws = (randomizer: Randomizer): RandomDraws => {
  const uniform = (): number => randomizer.next();
  /** 32 random bits: one output of the 32-bit twister, which `uniform` scales by 2^-32. */
  const word = (): number => Math.floor(uniform() * 0x1_0000_0000);
  return {
    uniform,
    between: (min, max) => min + uniform() * (max - min),
    int: (min, max) => min + Math.floor(uniform() * (max - min + 1)),
    chance: (probability) => uniform() < probability,
    pick: (items) => items[Math.floor(uniform() * items.length)]!,
    uuid: () => {
      const [a, b, c, d] = [word(), word(), word(), word()];
      // RFC 9562 §5.4: the version (0b0100) in the top bits of the third group, the variant (0b10) in those of the fourth.
      const version = hexGroup((b & 0x0fff) | 0x4000);
      const variant = hexGroup(((c >>> 16) & 0x3fff) | 0x8000);
      return `${hexWord(a)}-${hexGroup(b >>> 16)}-${version}-${variant}-${hexGroup(c & 0xffff)}${hexWord(d)}`;
    },
  };
};

/**
 * A Faker seeded with `seed` and the fast draws that share its random sequence. Faker's 32-bit
 * Mersenne Twister takes one step per draw where its default 53-bit one takes two; 32 bits are
 * ample for every range drawn here (the widest, a millisecond in a day, has 86.4 million values).
 */
export const seededRandom = (seed: number): { readonly faker: Faker; readonly draws: RandomDraws } => {
  const randomizer = generateMersenne32Randomizer(seed);
  return { faker: new Faker({ locale: [en], randomizer }), draws: randomDraws(randomizer) };
};
