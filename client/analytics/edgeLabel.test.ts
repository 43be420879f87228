import { describe, expect, it } from 'vitest';
import { edgeLabel } from './edgeLabel';

describe('edge label with the overlay on', () => {
  it('reads the port, the count and the share of the source node’s entrants', () => {
    expect(edgeLabel('Send 95%', 1234, 1300)).toBe('Send 95% · 1,234 · 94.9%');
    expect(edgeLabel(undefined, 900, 950)).toBe('900 · 94.7%');
  });
  it('gives no rate when nobody entered the source (no division by zero)', () => {
    expect(edgeLabel('timeout', 0, 0)).toBe('timeout · 0');
    expect(edgeLabel('timeout', 3, undefined)).toBe('timeout · 3');
  });
});
