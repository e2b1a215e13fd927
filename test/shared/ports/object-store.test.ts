import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertSafeKey } from '../../../lambdas/shared/ports/object-store.js';
import { UNSAFE_KEYS } from '../../support/object-store-contract.js';

const segmentArb = fc.stringMatching(/^[A-Za-z0-9_=+.-]{1,20}$/).filter((segment) => segment !== '.' && segment !== '..');

describe('assertSafeKey', () => {
  it('accepts relative keys made of non-empty segments other than . and ..', () => {
    fc.assert(
      fc.property(fc.array(segmentArb, { minLength: 1, maxLength: 6 }), (segments) => {
        // Act
        const check = () => assertSafeKey(segments.join('/'));

        // Assess
        expect(check).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a key with a . or .. segment anywhere', () => {
    fc.assert(
      fc.property(fc.array(segmentArb, { maxLength: 4 }), fc.array(segmentArb, { maxLength: 4 }), fc.constantFrom('.', '..'), (before, after, dots) => {
        // Act
        const check = () => assertSafeKey([...before, dots, ...after].join('/'));

        // Assess
        expect(check).toThrow(/Unsafe object key/);
      }),
      { numRuns: 300 },
    );
  });

  it.each(UNSAFE_KEYS)('rejects %j', (key) => {
    // Act
    const check = () => assertSafeKey(key);

    // Assess
    expect(check).toThrow(/Unsafe object key/);
  });
});
