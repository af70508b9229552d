import { describe, expect, it } from 'vitest';
import { confirmProposed } from './confirmProposed.js';
import { mapInputPaths } from './mapInputPaths.js';
import { applyPathFix, createPathResolution } from './PathResolution.js';
import { suggestFixes } from './suggestFixes.js';

const missing = createPathResolution(
  { labels: '/Users/me/proj/labels.slp', video: '/Users/me/proj/v.mp4' },
  [
    {
      path: '/Users/me/proj/labels.slp',
      exists: false,
      candidates: [{ path: '/srv/data/labels.slp', size: 10 }],
    },
    { path: '/Users/me/proj/v.mp4', exists: false, candidates: [] },
  ],
);

describe('suggestFixes', () => {
  it('offers the best candidate of each missing input and the folder rewrite it implies', () => {
    const { best, mapping } = suggestFixes(missing);
    expect(best.map((b) => [b.role, b.candidate.path])).toEqual([
      ['labels', '/srv/data/labels.slp'],
    ]);
    expect(mapping).toEqual({ from: '/Users/me/proj', to: '/srv/data' });
  });

  it('no rewrite when the names differ or the folder is the same; nothing for no resolution', () => {
    const renamed = createPathResolution({ a: '/x/a.slp' }, [
      { path: '/x/a.slp', exists: false, candidates: [{ path: '/x/A.slp', size: 1 }] },
    ]);
    expect(suggestFixes(renamed).mapping).toBeUndefined();
    expect(suggestFixes(undefined)).toEqual({ best: [], mapping: undefined });
  });
});

describe('mapInputPaths', () => {
  it('rewrites by the longest whole-folder prefix', () => {
    expect(
      mapInputPaths(
        { a: '/Users/me/x.slp', b: '/Users/me/deep/y.slp', c: '/Users/meg/z.slp' },
        { '/Users/me': '/srv', '/Users/me/deep': '/fast' },
      ),
    ).toEqual({ a: '/srv/x.slp', b: '/fast/y.slp', c: '/Users/meg/z.slp' });
  });
});

describe('confirmProposed', () => {
  it("asks the worker about the siblings a fix proposed, and counts what's left", async () => {
    const fixed = applyPathFix(missing, 'labels', '/srv/data/labels.slp');
    expect(fixed.entries.find((e) => e.role === 'video')?.status).toBe('proposed');
    const asked: string[][] = [];
    const confirmed = await confirmProposed(fixed, async (paths) => {
      asked.push(paths);
      return paths.map((path) => ({ path, exists: false }));
    });
    expect(asked).toEqual([['/srv/data/v.mp4']]);
    expect(confirmed.entries.find((e) => e.role === 'video')?.status).toBe('missing');
    expect(confirmed.unresolved).toBe(1);
  });
});
