import { describe, expect, it } from 'vitest';
import { normalizePhone, phoneSpellings } from './phone';

describe('phone numbers', () => {
  it('one spelling per number: punctuation out, a leading + kept', () => {
    expect(normalizePhone(' +86 138-0000-0001 ')).toBe('+8613800000001');
    expect(normalizePhone('+1 (212) 555.0100')).toBe('+12125550100');
    expect(normalizePhone('13800000001')).toBe('13800000001');
  });

  it('leaves what is not a phone number as it was, trimmed', () => {
    expect(normalizePhone(' call me ')).toBe('call me');
    expect(normalizePhone('12')).toBe('12');
  });

  it('a gateway may drop or add the +', () => {
    expect(phoneSpellings('+8613800000001')).toEqual(['+8613800000001', '8613800000001']);
    expect(phoneSpellings('8613800000001')).toEqual(['8613800000001', '+8613800000001']);
  });
});
