import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTrainwireError } from '@trainwire/core';
import { afterEach, describe, expect, it } from 'vitest';
import { SignalingStore } from './SignalingStore.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('SignalingStore', () => {
  it('keeps only hashes, survives reopening, and leaves no temp files', () => {
    dir = mkdtempSync(join(tmpdir(), 'tw-store-'));
    const path = join(dir, 'signaling.json');
    const store = SignalingStore.open(path);
    store.createRoom({ id: 'lab', name: 'Lab' });
    const issued = store.createCredential('lab', 'room-token', 'students');
    const raw = readFileSync(path, 'utf8');
    expect(raw).not.toContain(issued.secret.split('.')[1]);
    expect(readdirSync(dir)).toEqual(['signaling.json']);

    const reopened = SignalingStore.open(path);
    expect(reopened.getRoom('lab')?.name).toBe('Lab');
    expect(reopened.verify(issued.secret, 'lab', 'client')).toMatchObject({ ok: true });
    expect(reopened.verify(issued.secret, 'other', 'client')).toMatchObject({
      ok: false,
      code: 'auth_failed',
    });
    expect(reopened.revokeCredential(issued.id)).toBe(true);
    expect(SignalingStore.open(path).verify(issued.secret, 'lab', 'client')).toMatchObject({
      ok: false,
      code: 'credential_revoked',
    });
  });

  it('refuses a corrupt file with store_corrupt and says what to do', () => {
    dir = mkdtempSync(join(tmpdir(), 'tw-store-'));
    const path = join(dir, 'signaling.json');
    writeFileSync(path, '{"version":1,"rooms":');
    let caught: unknown;
    try {
      SignalingStore.open(path);
    } catch (error) {
      caught = error;
    }
    expect(isTrainwireError(caught, 'store_corrupt')).toBe(true);
    expect(String((caught as Error).message)).toMatch(/backup/);
  });
});
