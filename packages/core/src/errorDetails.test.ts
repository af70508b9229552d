import { describe, expect, it } from 'vitest';
import { detailsOf, typedError } from './errorDetails.js';

describe('detailsOf: each error code with its details typed, checked once', () => {
  it('gives a refused config its issues, and nothing for another code or a bad shape', () => {
    const issue = { path: 'epochs', severity: 'error', code: 'too_small', message: 'at least 1' };
    const error = { code: 'config_invalid', message: 'm', details: { issues: [issue] } };
    expect(detailsOf(error, 'config_invalid')?.issues).toEqual([issue]);
    expect(detailsOf({ ...error, code: 'trainer_failed' }, 'config_invalid')).toBeUndefined();
    expect(
      detailsOf({ ...error, details: { issues: [{ path: 1 }] } }, 'config_invalid'),
    ).toBeUndefined();
    expect(detailsOf(null, 'config_invalid')).toBeUndefined();
  });

  it('says where an ended job left off, and what an interrupted upload had sent', () => {
    const ended = {
      code: 'worker_stopped',
      message: 'm',
      details: { epoch: 6, lastCheckpoint: '/runs/j/last.json', resumeCommand: 'trainwire …' },
    };
    expect(detailsOf(ended, 'job_ended')).toEqual(ended.details);
    expect(detailsOf({ ...ended, details: { epoch: 'six' } }, 'job_ended')).toBeUndefined();
    const upload = {
      code: 'transport_closed',
      message: 'm',
      details: { resumable: true, file: 'a.bin', bytes: 10, total: 40 },
    };
    expect(detailsOf(upload, 'upload_interrupted')?.bytes).toBe(10);
    expect(detailsOf(ended, 'upload_interrupted')).toBeUndefined();
  });
});

describe('typedError: a discriminated union over the wire codes', () => {
  it('types the details by code, and leaves a shape of another version undefined', () => {
    const denied = typedError({
      code: 'path_denied',
      message: 'm',
      details: { path: '/etc/passwd', reason: 'outside the folders this worker shares' },
    });
    // No cast: the code narrows the details.
    if (denied?.code !== 'path_denied') throw new Error('expected path_denied');
    expect(denied.details.reason).toContain('outside');
    const owner = typedError({
      code: 'not_owner',
      message: 'm',
      details: { jobId: 'j1', ownerCredentialId: null },
    });
    expect(owner?.code === 'not_owner' && owner.details.ownerCredentialId).toBeNull();
    expect(typedError({ code: 'not_found', message: 'm', details: { path: 7 } })).toBeUndefined();
    expect(typedError({ code: 'worker_busy', message: 'm' })).toBeUndefined();
  });
});
