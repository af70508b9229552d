import type { Experiments, JobSession, Transport } from '@trainwire/core';
import type { TrainingPresets } from './TrainingPresets.js';
import type { SubmitFlowControls } from './useSubmitFlow.js';

/**
 * The props `Dashboard` and `ExperimentsTable` share: the worker's experiments, and where
 * and with what their Quick Start, Resume and Retry train.
 */
export interface ExperimentRunProps {
  /** The worker's experiments (core's `Experiments` over `manager.peerFor(transport)`). */
  experiments: Experiments;
  /** The link jobs are submitted on; the manager's default one otherwise. */
  transport?: Transport;
  /** What Quick Start, Resume and Retry train with (the built-in trainer's presets by default). */
  training?: TrainingPresets;
  /** The submission to run through (its dialogs are then the host's to show); the widget's own otherwise. */
  submission?: SubmitFlowControls;
  /** Each job's session as soon as it exists (a monitor follows it). */
  onSession?: (session: JobSession) => void;
  /** Epochs Resume adds to the experiment's (as many again by default). */
  resumeEpochs?: number;
}
