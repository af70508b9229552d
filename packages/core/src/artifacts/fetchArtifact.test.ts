import { afterEach, describe, expect, it } from 'vitest';
import type { Artifact } from '../schemas/Artifact.js';
import { sha256Hex } from '../testing/ScriptedWorker.js';
import { createScriptedSetup } from '../testing/scriptedSetup.js';
import { ArtifactExporters } from './ArtifactExporters.js';
import { chooseArtifacts } from './chooseArtifacts.js';
import type { DownloadTarget } from './DownloadTarget.js';
import { fetchArtifact } from './fetchArtifact.js';

const MODEL = '/runs/j1/model.json';
const bytes = new TextEncoder().encode('{"weights":[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8]}');

/** A download target in memory: the finished file and the partial one. */
function memoryTarget(initial: { file?: Uint8Array; partial?: Uint8Array } = {}) {
  const state = { ...initial, commits: 0 };
  const target: DownloadTarget = {
    size: async (which) => (which === 'file' ? state.file : state.partial)?.length,
    sha256: async (which) => sha256Hex((which === 'file' ? state.file : state.partial)!),
    openPartial: (offset) => {
      const parts: Uint8Array[] = offset > 0 && state.partial ? [state.partial] : [];
      return {
        write: (chunk) => {
          parts.push(chunk.slice());
        },
        close: async () => {
          state.partial = new Uint8Array(parts.flatMap((p) => [...p]));
        },
        onError: () => undefined,
      };
    },
    removePartial: async () => {
      state.partial = undefined;
    },
    commit: async () => {
      state.file = state.partial;
      state.partial = undefined;
      state.commits++;
    },
  };
  return { target, state };
}

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

async function setup() {
  const ready = await createScriptedSetup({
    worker: { files: { [MODEL]: { size: bytes.length, content: bytes } } },
  });
  disposers.push(ready.dispose);
  const { clock, manager } = ready;
  /**
   * Runs `work` with virtual time moving until it settles; real time passes too, for the
   * hashing (WebCrypto answers on the real clock).
   */
  const settle = async <T>(work: Promise<T>): Promise<T> => {
    let done = false;
    const end = () => {
      done = true;
    };
    work.then(end, end);
    while (!done) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      await clock.tick(1);
    }
    return work;
  };
  return { peer: manager.peerFor(), settle };
}

describe('fetchArtifact', () => {
  it('brings the file back identical, then skips it when the target has it', async () => {
    const { peer, settle } = await setup();
    const { target, state } = memoryTarget();
    expect(await settle(fetchArtifact(peer, MODEL, target))).toEqual({
      bytes: bytes.length,
      skipped: false,
    });
    expect(state.file).toEqual(bytes);
    expect(await settle(fetchArtifact(peer, MODEL, target))).toEqual({ bytes: 0, skipped: true });
    expect(state.commits).toBe(1);
  });

  it('resumes from a partial file: only the rest travels', async () => {
    const { peer, settle } = await setup();
    const { target, state } = memoryTarget({ partial: bytes.slice(0, 20) });
    expect(await settle(fetchArtifact(peer, MODEL, target))).toEqual({
      bytes: bytes.length - 20,
      skipped: false,
    });
    expect(state.file).toEqual(bytes);
  });

  it('a damaged partial file fails the hash check: removed, download_corrupt, nothing committed', async () => {
    const { peer, settle } = await setup();
    const { target, state } = memoryTarget({ partial: new Uint8Array(20).fill(120) });
    await expect(settle(fetchArtifact(peer, MODEL, target))).rejects.toMatchObject({
      code: 'download_corrupt',
      message: expect.stringContaining('model.json arrived damaged'),
    });
    expect(state.partial).toBeUndefined();
    expect(state.file).toBeUndefined();
  });
});

describe('the exporter registry', () => {
  const model: Artifact = { id: 'j1:model', kind: 'model', path: MODEL, size: bytes.length };

  it('downloads through the verified fetch, and copies the path', async () => {
    const { peer, settle } = await setup();
    const exporters = new ArtifactExporters();
    const { target, state } = memoryTarget();
    const first = await settle(exporters.get('download').export(model, { peer, target }));
    expect(first).toMatchObject({ exporter: 'download', bytes: bytes.length, skipped: false });
    expect(state.file).toEqual(bytes);
    const again = await settle(exporters.get('download').export(model, { peer, target }));
    expect(again).toMatchObject({
      skipped: true,
      message: 'model.json is already here (same size and SHA-256)',
    });
    await expect(exporters.get('download').export(model, { peer })).rejects.toMatchObject({
      code: 'exporter_failed',
    });
    await expect(exporters.get('copy-path').export(model, { peer })).resolves.toEqual({
      exporter: 'copy-path',
      message: MODEL,
      path: MODEL,
    });
  });

  it('plugs in others by name; an unknown name lists the registered ones', async () => {
    const exporters = new ArtifactExporters();
    const seen: string[] = [];
    exporters.register('share', {
      description: 'share it',
      export: async (artifact) => {
        seen.push(artifact.id);
        return { exporter: 'share', message: 'shared', path: artifact.path };
      },
    });
    expect(exporters.names()).toEqual(['download', 'copy-path', 'share']);
    await exporters.get('share').export(model, { peer: {} as never });
    expect(seen).toEqual(['j1:model']);
    expect(() => exporters.get('s3')).toThrow(
      'there is no exporter "s3"; the registered ones are download, copy-path, share',
    );
    expect(() => exporters.register('share', exporters.get('copy-path'))).toThrow(/already/);
    expect(() => exporters.register('bad name', exporters.get('copy-path'))).toThrow(/not valid/);
    exporters.register('share', exporters.get('copy-path'), { replace: true });
  });
});

describe('chooseArtifacts', () => {
  const a = (kind: Artifact['kind'], path: string, label?: string) =>
    ({ kind, path, size: 1, ...(label === undefined ? {} : { label }) }) as Artifact;
  const ckpts = [
    a('checkpoint', '/r/e1.ckpt'),
    a('checkpoint', '/r/last.ckpt', 'last'),
    a('checkpoint', '/r/e2.ckpt'),
  ];

  it('by default takes the models, else the last checkpoint; each path once', () => {
    const model = a('model', '/r/model.json');
    expect(chooseArtifacts([...ckpts, model, model], 'default')).toEqual([model]);
    expect(chooseArtifacts(ckpts, 'default')).toEqual([ckpts[1]]);
    expect(chooseArtifacts([ckpts[0]!, ckpts[2]!], 'default')).toEqual([ckpts[2]]);
    expect(chooseArtifacts([], 'default')).toEqual([]);
  });

  it('one kind, or all', () => {
    const log = a('log', '/r/train.log');
    expect(chooseArtifacts([...ckpts, log], 'checkpoint')).toEqual(ckpts);
    expect(chooseArtifacts([...ckpts, log], 'all')).toHaveLength(4);
  });
});
