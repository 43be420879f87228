import { describe, expect, it } from 'vitest';
import { safeNext, signInUrl } from './session';

describe('sign-in redirects', () => {
  it('come back to where the visitor was', () => {
    expect(signInUrl({ pathname: '/journeys/j1', search: '?tab=x', hash: '' })).toBe('/sign-in?next=%2Fjourneys%2Fj1%3Ftab%3Dx');
    expect(signInUrl({ pathname: '/', search: '', hash: '' })).toBe('/sign-in');
  });

  it('only ever to a path on this site', () => {
    expect(safeNext('/approvals/r1')).toBe('/approvals/r1');
    for (const bad of [null, '', 'https://evil.example', '//evil.example', '/\\evil.example', '/sign-in?next=/x']) expect(safeNext(bad)).toBe('/');
  });
});
