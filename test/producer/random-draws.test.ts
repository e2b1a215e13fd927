import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { seededRandom } from '../../lambdas/producer/random-draws.js';

/** zod's own RFC 9562 check of a version 4 UUID, not a pattern of ours. */
const uuidV4 = z.uuid({ version: 'v4' });

describe('randomDraws', () => {
  it('makes version 4 UUIDs that zod accepts, all different, for any seed', () => {
    // Prepare / Act / Assess
    fc.assert(
      fc.property(fc.nat(), (seed) => {
        const { draws } = seededRandom(seed);
        const uuids = Array.from({ length: 200 }, () => draws.uuid());
        for (const uuid of uuids) expect(uuidV4.safeParse(uuid).success).toBe(true);
        expect(new Set(uuids).size).toBe(uuids.length);
      }),
      { numRuns: 50 },
    );
  });

  it('spreads every random hex digit of a UUID over all 16 values', () => {
    // Prepare
    const { draws } = seededRandom(1);

    // Act: the digits seen at each of the 32 positions (dashes left out)
    const seen = Array.from({ length: 32 }, () => new Set<string>());
    for (let i = 0; i < 2_000; i++) [...draws.uuid().replaceAll('-', '')].forEach((digit, position) => seen[position]!.add(digit));

    // Assess: fixed the version digit (4) and the variant's two bits (8, 9, a or b); every other digit free
    expect([...seen[12]!]).toEqual(['4']);
    expect([...seen[16]!].sort()).toEqual(['8', '9', 'a', 'b']);
    seen.forEach((digits, position) => position !== 12 && position !== 16 && expect(digits.size).toBe(16));
  });

  it('keeps whole numbers, fractions and picks inside their bounds', () => {
    // Prepare / Act / Assess
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: -1_000, max: 1_000 }), fc.nat({ max: 5_000_000 }), (seed, min, span) => {
        const { draws } = seededRandom(seed);
        const int = draws.int(min, min + span);
        const fraction = draws.between(min, min + span + 1);
        const items = ['a', 'b', 'c'];
        expect(Number.isInteger(int) && int >= min && int <= min + span).toBe(true);
        expect(fraction >= min && fraction < min + span + 1).toBe(true);
        expect(items).toContain(draws.pick(items));
      }),
    );
  });

  it('reaches both ends of an integer range and every element of a list', () => {
    // Prepare
    const { draws } = seededRandom(3);

    // Act
    const ints = new Set(Array.from({ length: 1_000 }, () => draws.int(1, 3)));
    const picks = new Set(Array.from({ length: 1_000 }, () => draws.pick(['x', 'y', 'z', 'w'])));

    // Assess
    expect([...ints].sort()).toEqual([1, 2, 3]);
    expect(picks.size).toBe(4);
  });

  it('repeats itself for a seed, and shares its sequence with the Faker beside it', () => {
    // Prepare
    const first = seededRandom(42);
    const second = seededRandom(42);

    // Act: the same calls, interleaving the fast draws with Faker's own
    const sequence = ({ draws, faker }: ReturnType<typeof seededRandom>) => [draws.uuid(), faker.number.int(1_000_000), draws.uniform(), faker.string.numeric(6)];

    // Assess
    expect(sequence(first)).toEqual(sequence(second));
    expect(seededRandom(43).draws.uuid()).not.toBe(seededRandom(42).draws.uuid());
    // One sequence: a Faker draw moves the fast draws on.
    const moved = seededRandom(42);
    moved.faker.number.int();
    expect(moved.draws.uniform()).not.toBe(seededRandom(42).draws.uniform());
  });
});
