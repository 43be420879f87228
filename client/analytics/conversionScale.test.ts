import { describe, expect, it } from 'vitest';
import { conversionBand } from './conversionScale';

describe('conversionBand', () => {
  it('puts each rate in the band its lower bound starts', () => {
    expect(conversionBand(null)).toBe(0);
    expect([0, 0.009, 0.01, 0.049, 0.05, 0.099, 0.1, 0.199, 0.2, 1].map(conversionBand)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });
});
