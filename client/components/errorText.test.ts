import { describe, expect, it } from 'vitest';
import { errorText } from './errorText';

describe('errorText', () => {
  it('joins schema issues with their paths', () => {
    const e = {
      message: '[{"code":"too_small"}]',
      data: {
        issues: [
          { path: 'password', message: 'a password needs at least 10 characters' },
          { path: '', message: 'bad' },
        ],
      },
    };
    expect(errorText(e)).toBe('password: a password needs at least 10 characters; bad');
  });
  it('is the message otherwise', () => {
    expect(errorText({ message: 'users.create needs the admin role', data: { code: 'FORBIDDEN', issues: null } })).toBe('users.create needs the admin role');
    expect(errorText(null)).toBe('');
  });
});
