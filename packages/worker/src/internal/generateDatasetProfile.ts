import type { ConfigProfile } from '@trainwire/core';
import { GenerateDatasetConfigSchema } from '../trainer/TrainerConfig.js';

/** Config validation of the `generate-dataset` job type. */
export const generateDatasetProfile: ConfigProfile = {
  id: 'generate-dataset',
  description: 'A synthetic classification dataset (spirals): samples, diversity, seed, name',
  schema: GenerateDatasetConfigSchema,
  rules: [],
  totalEpochs: () => 1,
};
