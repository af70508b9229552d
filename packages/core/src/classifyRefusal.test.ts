import { describe, expect, it } from 'vitest';
import { classifyRefusal } from './classifyRefusal.js';

describe('classifyRefusal', () => {
  it('sorts the codes a start can be turned down with', () => {
    expect(
      [
        'unknown_profile',
        'config_invalid',
        'paths_missing',
        'path_denied',
        'unknown_model',
        'unknown_artifact',
      ].map(classifyRefusal),
    ).toEqual(['usage', 'usage', 'usage', 'usage', 'usage', 'usage']);
    expect(['worker_busy', 'submit_refused', 'no_space'].map(classifyRefusal)).toEqual([
      'busy',
      'busy',
      'busy',
    ]);
    expect(
      ['request_timeout', 'transport_closed', 'signaling_unreachable'].map(classifyRefusal),
    ).toEqual(['connection', 'connection', 'connection']);
    expect(classifyRefusal('trainer_failed')).toBe('other');
  });
});
