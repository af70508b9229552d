import { fireEvent, render, screen, within } from '@testing-library/react';
import {
  ArtifactExporters,
  BUILTIN_PRESETS,
  createMemoryDownloadTarget,
  Experiments,
  Models,
  type RpcPeer,
} from '@trainwire/core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, setup, until } from './__tests__/harness.js';
import { serveRegistry } from './__tests__/registry.js';
import { workerFilesOf } from './__tests__/workerFiles.js';
import { Dashboard } from './Dashboard.js';
import { sha256HexSync } from './internal/sha256.js';
import { ModelsPanel } from './ModelsPanel.js';
import { PredictDialog } from './PredictDialog.js';
import { TrainwireProvider } from './TrainwireProvider.js';

const POINTS = '/mnt/data/new/points.csv';

/** A host's own download target, in memory (an OPFS file or a Node file in a real host). */
function memoryTarget() {
  const download = createMemoryDownloadTarget(sha256HexSync);
  return { target: download.target, file: () => download.file() };
}

/** A worker with a registry, one trained model registered (mouse-pose v1, active). */
async function withModel(files: Record<string, { size: number }> = {}) {
  const ready = await setup({}, { files });
  const registry = await serveRegistry(ready, { registersJobModels: true });
  const trained = ready.manager.submit({
    profile: 'builtin',
    name: 'mouse-pose',
    config: { ...BUILTIN_PRESETS.quick, epochs: 2 },
  });
  await until(ready.clock, 'the training', () => trained.getSnapshot().state === 'completed');
  return { ...ready, registry };
}

const predictJobs = (worker: {
  store: { listJobs(): Array<{ jobId: string; spec: { predict?: unknown } }> };
}) => worker.store.listJobs().filter((job) => job.spec.predict !== undefined);

describe('PredictDialog', () => {
  it('from the models panel: the version chosen, synthetic samples, the items followed, the predictions offered and downloaded verified', async () => {
    const { clock, manager, worker, registry } = await withModel();
    const exporters = new ArtifactExporters();
    exporters.register('share', {
      description: 'share with the lab',
      export: async (artifact) => ({ exporter: 'share', message: 'shared', path: artifact.path }),
    });
    const models = new Models(registry.peer);
    // The host's own target (an OPFS file, say): the dialog downloads into it, verified.
    const { target, file } = memoryTarget();
    const { container } = render(
      <TrainwireProvider manager={manager}>
        <ModelsPanel
          models={models}
          peer={registry.peer}
          exporters={exporters}
          downloadTarget={() => target}
        />
      </TrainwireProvider>,
    );
    const open = await until(clock, 'Predict on the version', () => {
      const found = screen.queryByRole('button', { name: 'Predict with mouse-pose version 1' });
      return found !== null && !(found as HTMLButtonElement).disabled && found;
    });
    fireEvent.click(open);
    const dialog = screen.getByRole('dialog', { name: 'Predict' });
    const model = within(dialog).getByRole('combobox', { name: 'Model' }) as HTMLSelectElement;
    expect(model.value).toBe('mouse-pose@1');
    expect(model.selectedOptions[0]?.textContent).toBe('mouse-pose version 1 (active) · last.ckpt');
    const synthetic = within(dialog).getByRole('radio', { name: /^Synthetic samples/ });
    expect((synthetic as HTMLInputElement).checked).toBe(true);
    fireEvent.change(within(dialog).getByRole('spinbutton', { name: 'Samples' }), {
      target: { value: '500' },
    });
    await expectAccessible(container);
    const start = within(dialog).getByRole('button', { name: 'Start predicting' });
    await until(clock, 'Start enabled', () => !(start as HTMLButtonElement).disabled);
    fireEvent.click(start);

    // The spec the worker got: the registered model, the synthetic samples as the config.
    await until(clock, 'the predict job', () => predictJobs(worker).length === 1);
    expect(predictJobs(worker)[0]!.spec).toMatchObject({
      profile: 'builtin',
      predict: { model: { name: 'mouse-pose', version: 1 } },
      config: { dataset: { synthetic: { samples: 500 } } },
      inputs: {},
      tags: ['predict'],
    });
    const line = await until(clock, 'two items', () =>
      within(dialog).queryByText(/^Predicted 2\/4 items · 1\.0 items\/s · 0:02 left$/),
    );
    expect(line).toBeTruthy();
    const bar = within(dialog).getByRole('progressbar', {
      name: 'Progress of predict mouse-pose v1',
    }) as HTMLProgressElement;
    expect([bar.value, bar.max]).toEqual([2, 4]);
    expect(within(dialog).queryByRole('region', { name: 'Predictions' })).toBeNull();
    await expectAccessible(container);

    const offered = await until(clock, 'the predictions offered', () =>
      within(dialog).queryByRole('region', { name: 'Predictions' }),
    );
    expect(dialog.textContent).toContain('Predictions Ready. Predicted 4 of 4 items.');
    const jobId = predictJobs(worker)[0]!.jobId;
    expect(offered.textContent).toMatch(
      /^Predictionspredictions\.jsonl · \d+ B on the worker · SHA-256 [0-9a-f]{12}…/,
    );
    fireEvent.click(within(offered).getByRole('button', { name: 'Download predictions.jsonl' }));
    const done = await until(clock, 'the download', () =>
      within(offered).queryByText(/^Downloaded predictions\.jsonl/),
    );
    expect(done.textContent).toMatch(
      /^Downloaded predictions\.jsonl \(\d+ B\), SHA-256 verified\.$/,
    );
    // Into the host's target: nothing for the page to save.
    expect(within(offered).queryByRole('link')).toBeNull();
    const bytes = file()!;
    const registered = manager
      .getSnapshot()
      .jobs.find((j) => j.jobId === jobId)!
      .getSnapshot()
      .artifacts.find((a) => a.kind === 'predictions')!;
    expect(sha256HexSync(bytes)).toBe(registered.sha256);
    expect(new TextDecoder().decode(bytes).trim().split('\n')).toHaveLength(4);
    // Copy path, and the host's own exporter.
    expect(
      within(offered).getByRole('button', { name: 'Copy the path of predictions.jsonl' }),
    ).toBeTruthy();
    expect(within(offered).getByRole('button', { name: 'share' }).title).toBe('share with the lab');
    await expectAccessible(container);
  });

  it('from the dashboard: a file on the worker found with Browse, followed in Recent Activity, offered through the host exporters', async () => {
    const { clock, manager, worker, registry } = await withModel({ [POINTS]: { size: 120 } });
    const files = await workerFilesOf([{ name: 'data', path: '/mnt/data' }], { [POINTS]: 120 });
    // One connection to the worker as the dashboard has it: the registry, readiness and folders.
    const peer: Pick<RpcPeer, 'request'> = {
      request: ((method: string, params: never) =>
        method === 'mounts.list' || method === 'paths.list'
          ? files.peer.request(method, params)
          : registry.peer.request(method as 'worker.info', params)) as RpcPeer['request'],
    };
    const exporters = new ArtifactExporters();
    exporters.register('share', {
      description: 'share with the lab',
      export: async (artifact) => ({
        exporter: 'share',
        message: `Shared ${artifact.path} with the lab.`,
        path: artifact.path,
      }),
    });
    const { container } = render(
      <TrainwireProvider manager={manager}>
        <Dashboard
          experiments={new Experiments(registry.peer)}
          peer={peer}
          models={new Models(registry.peer)}
          exporters={exporters}
        />
      </TrainwireProvider>,
    );
    const open = await until(clock, 'Predict… enabled', () => {
      const found = screen.queryByRole('button', { name: 'Predict…' });
      return found !== null && !(found as HTMLButtonElement).disabled && found;
    });
    fireEvent.click(open);
    const dialog = screen.getByRole('dialog', { name: 'Predict' });
    fireEvent.click(within(dialog).getByRole('radio', { name: 'A file on the worker' }));
    const start = within(dialog).getByRole('button', { name: 'Start predicting' });
    expect((start as HTMLButtonElement).disabled).toBe(true);
    expect(dialog.textContent).toContain(
      'Choose the file to predict on: type its path on the worker or Browse.',
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Browse…' }));
    const tree = await until(clock, 'the mounts', () =>
      within(dialog).queryByRole('navigation', { name: 'Folders on the worker to predict on' }),
    );
    fireEvent.click(
      await until(clock, 'data/', () => within(tree).queryByRole('button', { name: /data\// })),
    );
    fireEvent.click(
      await until(clock, 'new/', () => within(tree).queryByRole('button', { name: /new\// })),
    );
    fireEvent.click(
      await until(clock, 'points.csv', () =>
        within(tree).queryByRole('button', { name: 'points.csv' }),
      ),
    );
    expect(
      (within(dialog).getByRole('textbox', { name: 'Path on the worker' }) as HTMLInputElement)
        .value,
    ).toBe(POINTS);
    await expectAccessible(container);
    await until(clock, 'Start enabled', () => !(start as HTMLButtonElement).disabled);
    fireEvent.click(start);
    await until(clock, 'the predict job', () => predictJobs(worker).length === 1);
    expect(predictJobs(worker)[0]!.spec).toMatchObject({
      predict: { model: { name: 'mouse-pose', version: 1 } },
      inputs: { input: POINTS },
    });
    // Recent Activity follows it too, in items.
    const activity = screen.getByRole('region', { name: 'Recent Activity' });
    await until(clock, 'the items in Recent Activity', () =>
      /Predicted [1-3]\/4 items/.test(activity.textContent ?? ''),
    );
    const offered = await until(clock, 'the predictions offered', () =>
      within(dialog).queryByRole('region', { name: 'Predictions' }),
    );
    fireEvent.click(within(offered).getByRole('button', { name: 'share' }));
    await until(clock, 'shared', () =>
      within(offered).queryByText(/^Shared \/runs\/\S+\/predictions\.jsonl with the lab\.$/),
    );
    // Its experiment lists in Recent Experiments, with no Resume: predictions do not continue.
    const recent = screen.getByRole('region', { name: 'Recent Experiments' });
    const row = await until(clock, 'the predict experiment', () =>
      within(recent).queryByRole('row', { name: /^predict mouse-pose v1 completed/ }),
    );
    expect(within(row).queryByRole('button')).toBeNull();
    expect(
      within(recent)
        .getByRole('row', { name: /^mouse-pose completed/ })
        .querySelector('button')?.textContent,
    ).toBe('Resume');
    // Downloaded into the page: a link saves the verified file.
    fireEvent.click(within(offered).getByRole('button', { name: 'Download predictions.jsonl' }));
    const save = await until(clock, 'the Save link', () =>
      within(offered).queryByRole('link', { name: 'Save predictions.jsonl' }),
    );
    expect(save.getAttribute('download')).toBe('predictions.jsonl');
    expect(save.getAttribute('href')).toMatch(/^blob:/);
    expect(within(offered).getByText(/SHA-256 verified\.$/)).toBeTruthy();
    await expectAccessible(container);
  });

  it('without a registered model: Start is disabled, saying how to get one', async () => {
    const ready = await setup();
    const registry = await serveRegistry(ready);
    const { container } = render(
      <TrainwireProvider manager={ready.manager}>
        <PredictDialog models={new Models(registry.peer)} peer={registry.peer} onClose={() => {}} />
      </TrainwireProvider>,
    );
    const dialog = screen.getByRole('dialog', { name: 'Predict' });
    await until(ready.clock, 'the empty registry', () =>
      dialog.textContent?.includes(
        'No registered model yet: train one (New model) or register one in the models panel.',
      ),
    );
    expect(
      (within(dialog).getByRole('button', { name: 'Start predicting' }) as HTMLButtonElement)
        .disabled,
    ).toBe(true);
    expect(within(dialog).getByRole('combobox', { name: 'Model' }).textContent).toBe(
      'No registered model',
    );
    await expectAccessible(container);
  });
});
