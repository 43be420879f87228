import { describe, expect, it } from 'vitest';
import { countLines } from './downloadAudience';

describe('countLines: the export progress bar counts rows as bytes arrive', () => {
  it('counts line feeds in a piece, whatever the text around them', () => {
    const enc = new TextEncoder();
    expect(countLines(enc.encode('a,b\r\nc,d\r\n'))).toBe(2);
    expect(countLines(enc.encode('李,"x"\r\n半'))).toBe(1);
    expect(countLines(new Uint8Array())).toBe(0);
  });
});
