import type { Device } from '../schemas/JobSpec.js';
import type { WorkerReadiness } from '../schemas/Readiness.js';

/** One thing a user may do on a worker, and whether they may now. */
export interface ReadinessAction {
  /** `train:<profile>`, `fine-tune:<profile>`, `generate-dataset` or `device:gpu`. */
  id: string;
  /** What a button says. */
  label: string;
  enabled: boolean;
  /** Why it is disabled, in words ("pytorch: torch is not importable on this worker"). */
  reason?: string;
}

/** A worker's readiness as the views show it: the GPU line, the devices, each action. */
export interface ReadinessView {
  /** True when at least one trainer profile can train. */
  ready: boolean;
  /** "GPU: NVIDIA A100 (40960 MiB)", "GPU: Not detected", or "GPU: hidden (CPU-only)". */
  gpu: string;
  /** The device choices to offer (no GPU and no "auto" when CPU-only). */
  devices: readonly Device[];
  actions: readonly ReadinessAction[];
  /** The action `id`; an unknown one is disabled, saying the worker does not offer it. */
  action(id: string): ReadinessAction;
}

/**
 * What a user may do on a worker, from its `worker.readiness` answer: per trainer profile,
 * training and fine-tuning are enabled only when the profile is ready (its command was
 * found and its self-check passed), `generate-dataset` likewise, and `device:gpu` only
 * with a GPU that neither the worker's operator nor the user (`cpuOnly`, the client's
 * preference) turned off. Each disabled action says why, naming the profile.
 *
 * @example
 * ```ts
 * const view = describeReadiness(await peer.request('worker.readiness', {}));
 * const pytorch = view.action('train:pytorch');
 * button.disabled = !pytorch.enabled;
 * button.title = pytorch.reason ?? ''; // "pytorch: torch is not importable on this worker"
 * ```
 */
export function describeReadiness(
  readiness: WorkerReadiness,
  options: { cpuOnly?: boolean } = {},
): ReadinessView {
  const cpuOnly = readiness.cpuOnly || options.cpuOnly === true;
  const devices: Device[] = cpuOnly ? ['cpu'] : [...readiness.devices];
  const actions: ReadinessAction[] = [];
  for (const profile of readiness.profiles) {
    const why = profile.ready
      ? undefined
      : `${profile.profile}: ${profile.reason ?? 'it is not ready on this worker'}`;
    const state = why === undefined ? { enabled: true } : { enabled: false, reason: why };
    if (profile.profile === 'generate-dataset') {
      actions.push({ id: 'generate-dataset', label: 'Generate a synthetic dataset', ...state });
      continue;
    }
    actions.push({ id: `train:${profile.profile}`, label: `Train (${profile.profile})`, ...state });
    actions.push({
      id: `fine-tune:${profile.profile}`,
      label: `Fine-tune (${profile.profile})`,
      ...state,
    });
  }
  const gpuOffered = !cpuOnly && readiness.devices.includes('gpu');
  actions.push({
    id: 'device:gpu',
    label: 'Train on the GPU',
    ...(gpuOffered
      ? { enabled: true }
      : {
          enabled: false,
          reason: readiness.cpuOnly
            ? 'the worker is CPU-only (its operator set cpuOnly)'
            : options.cpuOnly === true
              ? 'CPU-only is on in your preferences'
              : `the worker has no GPU (${readiness.gpu.summary})`,
        }),
  });
  const byId = new Map(actions.map((a) => [a.id, a]));
  return {
    ready: readiness.profiles.some((p) => p.ready && p.profile !== 'generate-dataset'),
    gpu:
      cpuOnly && readiness.gpu.gpus.length > 0 ? 'GPU: hidden (CPU-only)' : readiness.gpu.summary,
    devices,
    actions,
    action: (id) =>
      byId.get(id) ?? {
        id,
        label: id,
        enabled: false,
        reason: `this worker does not offer ${id.replace(/^[a-z-]+:/, '')}`,
      },
  };
}
