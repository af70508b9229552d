import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyFolderFix,
  applyPathFix,
  createPathResolution,
  resolvedInputs,
} from './PathResolution.js';
import { rankCandidates } from './rankCandidates.js';

describe('path resolution', () => {
  it('fixing one file proposes its siblings from the same folder', () => {
    const inputs = {
      labels: '/Users/me/proj/labels.slp',
      video: '/Users/me/proj/videos/a.mp4',
      other: '/elsewhere/b.mp4',
    };
    const start = createPathResolution(inputs, [
      { path: inputs.labels, exists: false },
      { path: inputs.video, exists: false },
      { path: inputs.other, exists: false },
    ]);
    expect(start.unresolved).toBe(3);
    const fixed = applyPathFix(start, 'labels', '/mnt/share/proj/labels.slp');
    expect(resolvedInputs(fixed)).toEqual({
      labels: '/mnt/share/proj/labels.slp',
      video: '/mnt/share/proj/videos/a.mp4',
    });
    expect(fixed.entries.find((e) => e.role === 'video')?.status).toBe('proposed');
    expect(fixed.unresolved).toBe(1);
  });

  it('maps Windows client paths to POSIX worker paths', () => {
    const inputs = { a: 'C:\\data\\run1\\a.slp', b: 'C:\\data\\run1\\b.mp4' };
    const start = createPathResolution(inputs, []);
    const fixed = applyPathFix(start, 'a', '/srv/data/run1/a.slp');
    expect(resolvedInputs(fixed)).toEqual({ a: '/srv/data/run1/a.slp', b: '/srv/data/run1/b.mp4' });
  });

  it('a chosen folder resolves every missing file of a name it holds', () => {
    const inputs = { a: '/x/a.mp4', b: '/y/b.mp4', c: '/z/c.mp4' };
    const start = createPathResolution(inputs, []);
    const fixed = applyFolderFix(start, '/mnt/videos/', [{ name: 'a.mp4' }, { name: 'b.mp4' }]);
    expect(resolvedInputs(fixed)).toEqual({ a: '/mnt/videos/a.mp4', b: '/mnt/videos/b.mp4' });
    expect(fixed.unresolved).toBe(1);
  });

  it('ranks candidates by name, then size', () => {
    const ranked = rankCandidates({ path: '/u/Labels.slp', size: 100 }, [
      { path: '/m/other.slp', size: 100 },
      { path: '/m/labels.slp', size: 100 },
      { path: '/m/a/Labels.slp', size: 50 },
      { path: '/m/b/Labels.slp', size: 100 },
    ]);
    expect(ranked.map((r) => r.path)).toEqual([
      '/m/b/Labels.slp',
      '/m/a/Labels.slp',
      '/m/labels.slp',
      '/m/other.slp',
    ]);
    expect(ranked[0]?.match).toBe('name+size');
  });

  it('property: a fix maps the fixed file exactly, and a folder holding every name resolves everything', () => {
    const segment = fc.stringMatching(/^[a-z0-9_.-]{1,8}$/).filter((s) => s !== '.' && s !== '..');
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        fc.uniqueArray(segment, { minLength: 1, maxLength: 6 }),
        (clientDir, workerDir, names) => {
          const inputs = Object.fromEntries(
            names.map((n, i) => [`r${i}`, `/${clientDir.join('/')}/${n}`]),
          );
          const start = createPathResolution(inputs, []);
          const target = `/${workerDir.join('/')}/${names[0]}`;
          const fixed = applyPathFix(start, 'r0', target);
          expect(resolvedInputs(fixed).r0).toBe(target);
          for (const [role, path] of Object.entries(resolvedInputs(fixed))) {
            expect(path.endsWith(inputs[role]!.split('/').pop()!)).toBe(true);
          }
          const all = applyFolderFix(
            start,
            '/w',
            names.map((name) => ({ name })),
          );
          expect(all.unresolved).toBe(0);
        },
      ),
    );
  });
});
