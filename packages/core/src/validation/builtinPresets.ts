/**
 * Ready-made configs of the built-in trainer, by name: `quick` trains in seconds on two
 * cores, `standard` a little longer on a harder task. The CLI's `--preset` and a host's
 * preset picker offer the same ones. Each is a valid `builtin` config (copy it before
 * changing it: `structuredClone`).
 */
export const BUILTIN_PRESETS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  quick: {
    epochs: 8,
    batchSize: 64,
    learningRate: 0.01,
    hiddenLayers: [32, 32],
    dataset: { synthetic: { samples: 2000, features: 2, classes: 3, noise: 0.1 } },
  },
  standard: {
    epochs: 30,
    batchSize: 32,
    learningRate: 0.005,
    hiddenLayers: [64, 64],
    dataset: { synthetic: { samples: 10000, features: 4, classes: 4, noise: 0.15 } },
  },
};
