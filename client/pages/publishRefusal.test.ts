import { describe, expect, it } from 'vitest';
import { publishRefusal } from './publishRefusal';

describe('publishRefusal', () => {
  it('reads compile errors from a tRPC error shape', () => {
    const error = Object.assign(new Error('The journey has 1 problem'), {
      data: { code: 'BAD_REQUEST', details: { errors: [{ code: 'no_entry', message: 'Add an entry: a segment entry or an event entry.' }] } },
    });
    expect(publishRefusal(error)).toEqual({
      message: 'The journey has 1 problem',
      problems: [{ code: 'no_entry', message: 'Add an entry: a segment entry or an event entry.' }],
    });
  });

  it('keeps just the message when there are no details', () => {
    expect(publishRefusal(new Error('network down'))).toEqual({ message: 'network down', problems: [] });
    expect(publishRefusal('weird')).toEqual({ message: 'Publishing failed.', problems: [] });
  });
});
