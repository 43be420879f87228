import { describe, expect, it } from 'vitest';
import { requestOf } from './approvalLabels';

describe('requestOf', () => {
  it('finds the request four-eyes filed instead of the change', () => {
    expect(requestOf({ request: { id: 'r1' } })).toEqual({ id: 'r1' });
    expect(requestOf({ request: { id: 'r2' }, version: null, created: false, warnings: [] })).toEqual({ id: 'r2' });
  });
  it('is null when the change happened at once', () => {
    expect(requestOf({ version: 3 })).toBeNull();
    expect(requestOf(undefined)).toBeNull();
  });
});
