import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { smsCostPer10k, smsStats } from './sms';

const basicChars = Array.from('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà');
const extensionChars = Array.from('\f^{}\\[~]|€');

describe('smsStats: GSM-7', () => {
  it('empty text is GSM-7 with no parts', () => {
    expect(smsStats('')).toEqual({ encoding: 'GSM-7', length: 0, units: 0, parts: 0, perPart: 160, remainingInPart: 160 });
  });

  it('the basic set is the 127 printable characters of GSM 03.38, one septet each', () => {
    expect(basicChars).toHaveLength(127);
    const s = smsStats(basicChars.join(''));
    expect(s).toMatchObject({ encoding: 'GSM-7', length: 127, units: 127, parts: 1, remainingInPart: 33 });
  });

  it('a plain English reminder fits one message', () => {
    const text = 'Your credit line of up to 5,000 is still waiting. Check it in 1 minute: https://m.orangecredit.example/limit Reply T to opt out';
    expect(smsStats(text)).toMatchObject({ encoding: 'GSM-7', length: text.length, units: text.length, parts: 1, perPart: 160 });
  });

  it('160 septets is one message, 161 is two parts of 153', () => {
    expect(smsStats('a'.repeat(160))).toMatchObject({ units: 160, parts: 1, perPart: 160, remainingInPart: 0 });
    expect(smsStats('a'.repeat(161))).toMatchObject({ units: 161, parts: 2, perPart: 153, remainingInPart: 153 - 8 });
  });

  it('concatenated parts hold 153 septets each', () => {
    expect(smsStats('a'.repeat(306)).parts).toBe(2);
    expect(smsStats('a'.repeat(307)).parts).toBe(3);
    expect(smsStats('a'.repeat(459))).toMatchObject({ parts: 3, remainingInPart: 0 });
    expect(smsStats('a'.repeat(460)).parts).toBe(4);
  });

  it.each(extensionChars)('extension character %j costs 2 septets but stays GSM-7', (c) => {
    expect(smsStats(c)).toMatchObject({ encoding: 'GSM-7', length: 1, units: 2, parts: 1 });
  });

  it('€ forces the extension table, not UCS-2', () => {
    expect(smsStats('Only €5 today')).toMatchObject({ encoding: 'GSM-7', length: 13, units: 14, parts: 1 });
  });

  it('extension characters at the 160/161 boundary', () => {
    // 158 basic + one € = 160 septets: still one message
    expect(smsStats(`${'a'.repeat(158)}€`)).toMatchObject({ length: 159, units: 160, parts: 1, remainingInPart: 0 });
    // 159 basic + one € = 161 septets: split
    expect(smsStats(`${'a'.repeat(159)}€`)).toMatchObject({ length: 160, units: 161, parts: 2 });
    // 80 braces = 160 septets in 80 characters
    expect(smsStats('{'.repeat(80))).toMatchObject({ length: 80, units: 160, parts: 1 });
    expect(smsStats('{'.repeat(81))).toMatchObject({ length: 81, units: 162, parts: 2 });
  });

  it('never splits an escape sequence across parts', () => {
    // 152 basic + € would end the first part at 154 septets: the € moves to part 2
    const text = `${'a'.repeat(152)}€${'a'.repeat(152)}`;
    expect(smsStats(text)).toMatchObject({ units: 306, parts: 3, perPart: 153, remainingInPart: 153 - 1 });
    // without the straddle, 306 septets is exactly two parts
    expect(smsStats(`${'a'.repeat(151)}€${'a'.repeat(153)}`)).toMatchObject({ units: 306, parts: 2, remainingInPart: 0 });
  });
});

describe('smsStats: UCS-2', () => {
  it('Chinese copy is UCS-2 and counts every character', () => {
    const text = '您最高20,000的额度还在等您';
    expect(smsStats(text)).toEqual({ encoding: 'UCS-2', length: 16, units: 16, parts: 1, perPart: 70, remainingInPart: 54 });
  });

  it('70 characters is one message, 71 is two parts of 67', () => {
    const seventy = '您的借款额度已审批通过'.repeat(7); // 11 × 7 = 77
    expect(seventy).toHaveLength(77);
    expect(smsStats(seventy.slice(0, 70))).toMatchObject({ encoding: 'UCS-2', units: 70, parts: 1, remainingInPart: 0 });
    expect(smsStats(seventy.slice(0, 71))).toMatchObject({ units: 71, parts: 2, perPart: 67, remainingInPart: 63 });
    expect(smsStats('额'.repeat(134)).parts).toBe(2);
    expect(smsStats('额'.repeat(135)).parts).toBe(3);
  });

  it('a full Chinese marketing SMS with a signature and opt-out line', () => {
    const text = '【橙子信用】张先生，您最高¥20,000的额度还在等您，日息低至每千元¥0.2，1分钟即可查看：https://m.orangecredit.example/limit 回T退订';
    const s = smsStats(text);
    expect(s.encoding).toBe('UCS-2');
    expect(s.units).toBe(text.length);
    expect(s.parts).toBe(2);
  });

  it('mixed Latin and Chinese forces UCS-2 for the whole text', () => {
    const text = `${'a'.repeat(100)}中`;
    expect(smsStats(text)).toMatchObject({ encoding: 'UCS-2', length: 101, units: 101, parts: 2 });
    expect(smsStats('a'.repeat(101)).parts).toBe(1);
  });

  it('an emoji is one character but two UTF-16 units', () => {
    expect(smsStats('💰')).toEqual({ encoding: 'UCS-2', length: 1, units: 2, parts: 1, perPart: 70, remainingInPart: 68 });
    expect(smsStats(`${'额'.repeat(68)}💰`)).toMatchObject({ length: 69, units: 70, parts: 1 });
    expect(smsStats(`${'额'.repeat(69)}💰`)).toMatchObject({ length: 70, units: 71, parts: 2 });
  });

  it('never splits a surrogate pair across parts', () => {
    // 66 units, then an emoji would end part 1 at 68: it moves to part 2
    expect(smsStats(`${'额'.repeat(66)}💰${'额'.repeat(66)}`)).toMatchObject({ units: 134, parts: 3, remainingInPart: 66 });
    expect(smsStats(`${'额'.repeat(65)}💰${'额'.repeat(67)}`)).toMatchObject({ units: 134, parts: 2, remainingInPart: 0 });
  });

  it('curly quotes and ç are outside GSM 03.38', () => {
    expect(smsStats('“Hi”').encoding).toBe('UCS-2');
    expect(smsStats('ça va').encoding).toBe('UCS-2');
  });
});

describe('smsStats: properties', () => {
  const anyChar = fc.oneof(fc.constantFrom(...basicChars), fc.constantFrom(...extensionChars), fc.constantFrom('中', '额', '💰', '🎉', '“'));

  it('appending characters never lowers the part count', () => {
    fc.assert(
      fc.property(fc.array(anyChar, { maxLength: 400 }), fc.array(anyChar, { minLength: 1, maxLength: 40 }), (head, tail) => {
        expect(smsStats(head.join('') + tail.join('')).parts).toBeGreaterThanOrEqual(smsStats(head.join('')).parts);
      }),
    );
  });

  it('one character at a time, parts rise by at most one and units match the encoding', () => {
    fc.assert(
      fc.property(fc.array(anyChar, { maxLength: 300 }), (cs) => {
        let prev = smsStats('');
        for (let i = 1; i <= cs.length; i++) {
          const s = smsStats(cs.slice(0, i).join(''));
          expect(s.parts).toBeGreaterThanOrEqual(prev.parts);
          expect(s.parts - prev.parts).toBeLessThanOrEqual(1);
          expect(s.length).toBe(i);
          prev = s;
        }
        const all = cs.join('');
        if (prev.encoding === 'UCS-2') expect(prev.units).toBe(all.length);
        expect(prev.remainingInPart).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('GSM-7 basic text of up to 160 characters is one part', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...basicChars), { minLength: 1, maxLength: 160 }), (cs) => {
        const s = smsStats(cs.join(''));
        expect(s).toMatchObject({ encoding: 'GSM-7', units: cs.length, parts: 1, remainingInPart: 160 - cs.length });
      }),
    );
  });
});

describe('smsCostPer10k', () => {
  it('prices 10,000 sends of a message', () => {
    expect(smsCostPer10k(1, 0.045)).toBe(450);
    expect(smsCostPer10k(2, 0.045)).toBe(900);
    expect(smsCostPer10k(0, 0.045)).toBe(0);
    expect(smsCostPer10k(3, 0.0333)).toBe(999);
  });

  it('rejects nonsense', () => {
    expect(() => smsCostPer10k(-1, 0.05)).toThrow(RangeError);
    expect(() => smsCostPer10k(1.5, 0.05)).toThrow(RangeError);
    expect(() => smsCostPer10k(1, Number.NaN)).toThrow(RangeError);
    expect(() => smsCostPer10k(1, -0.01)).toThrow(RangeError);
  });
});
