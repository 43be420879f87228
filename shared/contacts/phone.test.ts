import { describe, expect, it } from 'vitest';
import { normalizePhone, phoneSpellings } from './phone';

describe('phone numbers', () => {
  it('one spelling per number: punctuation out, a leading + kept', () => {
    expect(normalizePhone(' +86 138-0000-0001 ')).toBe('+8613800000001');
    expect(normalizePhone('+1 (212) 555.0100')).toBe('+12125550100');
    expect(normalizePhone('13800000001')).toBe('13800000001');
    expect(normalizePhone('(010) 1234-5678')).toBe('01012345678');
    expect(normalizePhone('+(86) 138 0000 0001')).toBe('+8613800000001');
  });

  it('leaves what is not a phone number as it was, trimmed', () => {
    expect(normalizePhone(' call me ')).toBe('call me');
    expect(normalizePhone('12')).toBe('12');
    for (const odd of ['-', '( )', '1-2', '12.5', '++86 138 0000', '+-1']) expect(normalizePhone(odd)).toBe(odd);
  });

  it('a gateway may drop or add the +', () => {
    expect(phoneSpellings('+8613800000001')).toEqual(['+8613800000001', '8613800000001']);
    expect(phoneSpellings('8613800000001')).toEqual(['8613800000001', '+8613800000001']);
  });
});
