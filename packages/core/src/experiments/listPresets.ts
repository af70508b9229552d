import type { RpcPeer } from '../protocol/RpcPeer.js';
import type { TrainingPreset } from '../schemas/Preset.js';
import { formatEstimate } from './estimateDuration.js';

/** A preset with what a picker shows next to it. */
export interface PresetChoice extends TrainingPreset {
  /** "Quick · about 2 min (from 3 runs)" or "Epic · no history yet". */
  label: string;
  /** The estimate alone: "about 2 min (from 3 runs)" or "no history yet". */
  estimateText: string;
}

/**
 * The presets of a trainer profile on one worker (`preset.list`), each with its full
 * config and the worker's estimate in words — what the CLI prints next to `--preset` and
 * a preset picker shows.
 *
 * @example
 * ```ts
 * for (const p of await listPresets(peer, 'builtin')) console.log(p.label);
 * // Quick · about 40 s (from 3 runs)
 * ```
 */
export async function listPresets(
  peer: Pick<RpcPeer, 'request'>,
  profile: string,
  options: { dataset?: string } = {},
): Promise<PresetChoice[]> {
  const { presets } = await peer.request('preset.list', {
    profile,
    ...(options.dataset === undefined ? {} : { dataset: options.dataset }),
  });
  return presets.map((preset) => {
    const estimateText = formatEstimate(preset.estimate);
    const title = `${preset.name.charAt(0).toUpperCase()}${preset.name.slice(1)}`;
    return { ...preset, estimateText, label: `${title} · ${estimateText}` };
  });
}
