import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Samples } from './Mlp.js';
import { Rng } from './Rng.js';
import type { SyntheticDataset } from './TrainerConfig.js';

/** A labelled dataset: features as numbers, labels as class indices into `labels`. */
export interface Dataset {
  samples: Samples;
  /** Class names, indexed by class number. */
  labels: string[];
  featureNames: string[];
}

/** Thrown for a dataset file that cannot be read; the message names file and line. */
export class DatasetError extends Error {
  override name = 'DatasetError';
}

/**
 * Interleaved spirals, one arm per class: needs a hidden layer to separate, and `noise`
 * ("diversity") makes the arms overlap.
 */
export function generateSynthetic(settings: SyntheticDataset): Dataset {
  const { samples: count, features, classes, noise, seed } = settings;
  const rng = new Rng(seed);
  const x = new Float64Array(count * features);
  const y = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const k = n % classes;
    const t = rng.next();
    const r = 0.1 + 0.9 * t;
    const theta = (2 * Math.PI * k) / classes + t * 5 + noise * 1.5 * rng.normal();
    const row = n * features;
    x[row] = r * Math.cos(theta);
    if (features > 1) x[row + 1] = r * Math.sin(theta);
    for (let f = 2; f < features; f++) {
      x[row + f] = 0.5 * r * Math.cos(theta + f) + noise * rng.normal();
    }
    y[n] = k;
  }
  return {
    samples: { x, y, count, features },
    labels: Array.from({ length: classes }, (_, k) => String(k)),
    featureNames: Array.from({ length: features }, (_, f) => `x${f}`),
  };
}

/** Reads a CSV (header row; last column is the label) or JSONL (`{"x":[…],"y":…}`) file. */
export function loadDataset(path: string): Dataset {
  const text = readFileSync(path, 'utf8');
  const rows =
    extname(path).toLowerCase() === '.jsonl' ? parseJsonl(path, text) : parseCsv(path, text);
  if (rows.points.length === 0) throw new DatasetError(`${path} has no samples`);
  const labels = [...new Set(rows.labels)].sort(compareLabels);
  if (labels.length < 2) {
    throw new DatasetError(
      `${path} has only one class (${labels[0]}); a classifier needs two or more`,
    );
  }
  const index = new Map(labels.map((label, k) => [label, k]));
  const features = rows.featureNames.length;
  const count = rows.points.length;
  const x = new Float64Array(count * features);
  const y = new Int32Array(count);
  rows.points.forEach((point, n) => {
    x.set(point, n * features);
    y[n] = index.get(rows.labels[n]!)!;
  });
  return { samples: { x, y, count, features }, labels, featureNames: rows.featureNames };
}

/**
 * Items to predict on: the CSV or JSONL of {@link loadDataset}, with the label optional —
 * a CSV of `features` columns has none, one of `features + 1` has it last; a JSONL line's
 * `"y"` may be absent. Unlabelled items have class -1 and `labels` is empty.
 */
export function loadItems(path: string, features: number): Dataset {
  const text = readFileSync(path, 'utf8');
  const jsonl = extname(path).toLowerCase() === '.jsonl';
  const rows = jsonl
    ? parseJsonl(path, text, { labelOptional: true })
    : parseCsv(path, text, { features });
  if (rows.points.length === 0) throw new DatasetError(`${path} has no items`);
  const labelled = rows.labels.length === rows.points.length;
  const labels = labelled ? [...new Set(rows.labels)].sort(compareLabels) : [];
  const index = new Map(labels.map((label, k) => [label, k]));
  const count = rows.points.length;
  const width = rows.points[0]!.length;
  const x = new Float64Array(count * width);
  const y = new Int32Array(count).fill(-1);
  rows.points.forEach((point, n) => {
    x.set(point, n * width);
    if (labelled) y[n] = index.get(rows.labels[n]!)!;
  });
  return { samples: { x, y, count, features: width }, labels, featureNames: rows.featureNames };
}

/** Writes a dataset as CSV or JSONL; `loadDataset` reads it back. */
export function formatDataset(dataset: Dataset, format: 'csv' | 'jsonl'): string {
  const { x, y, count, features } = dataset.samples;
  const lines: string[] = [];
  if (format === 'csv') lines.push([...dataset.featureNames, 'label'].join(','));
  for (let n = 0; n < count; n++) {
    const point = Array.from(x.subarray(n * features, (n + 1) * features));
    const label = dataset.labels[y[n]!]!;
    lines.push(
      format === 'csv' ? [...point, label].join(',') : JSON.stringify({ x: point, y: label }),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Splits off a validation set (the same split for the same seed). */
export function splitDataset(
  samples: Samples,
  validationFraction: number,
  seed: number,
): { train: Samples; val: Samples } {
  const order = Array.from({ length: samples.count }, (_, n) => n);
  new Rng(seed ^ 0x5eed).shuffle(order);
  const valCount = Math.floor(samples.count * validationFraction);
  return {
    val: pick(samples, order.slice(0, valCount)),
    train: pick(samples, order.slice(valCount)),
  };
}

/** Feature means and standard deviations, to standardise inputs. */
export interface Normalization {
  mean: number[];
  std: number[];
}

/** Means and deviations of `samples`' features. */
export function computeNormalization(samples: Samples): Normalization {
  const { x, count, features } = samples;
  const mean = new Array<number>(features).fill(0);
  const std = new Array<number>(features).fill(0);
  for (let n = 0; n < count; n++)
    for (let f = 0; f < features; f++) mean[f]! += x[n * features + f]!;
  for (let f = 0; f < features; f++) mean[f] = mean[f]! / Math.max(count, 1);
  for (let n = 0; n < count; n++) {
    for (let f = 0; f < features; f++) std[f]! += (x[n * features + f]! - mean[f]!) ** 2;
  }
  for (let f = 0; f < features; f++) std[f] = Math.sqrt(std[f]! / Math.max(count, 1)) || 1;
  return { mean, std };
}

/** Standardises `samples` in place. */
export function normalize(samples: Samples, norm: Normalization): void {
  const { x, count, features } = samples;
  for (let n = 0; n < count; n++) {
    for (let f = 0; f < features; f++) {
      const k = n * features + f;
      x[k] = (x[k]! - norm.mean[f]!) / norm.std[f]!;
    }
  }
}

function pick(samples: Samples, rows: number[]): Samples {
  const { features } = samples;
  const x = new Float64Array(rows.length * features);
  const y = new Int32Array(rows.length);
  rows.forEach((row, n) => {
    x.set(samples.x.subarray(row * features, (row + 1) * features), n * features);
    y[n] = samples.y[row]!;
  });
  return { x, y, count: rows.length, features };
}

interface Rows {
  featureNames: string[];
  points: number[][];
  labels: string[];
}

/**
 * A CSV with a header; the last column is the label, or — with `features` (items to
 * predict) and a header of exactly that many columns — there is none.
 */
function parseCsv(path: string, text: string, items?: { features: number }): Rows {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = lines[0]?.split(',').map((h) => h.trim());
  const unlabelled = items !== undefined && header?.length === items.features;
  if (
    items !== undefined &&
    header !== undefined &&
    !unlabelled &&
    header.length !== items.features + 1
  ) {
    throw new DatasetError(
      `${path} has ${header.length} columns; the model takes ${items.features} feature(s), so give ${items.features} columns (and optionally a label last)`,
    );
  }
  if (!header || (header.length < 2 && !unlabelled)) {
    throw new DatasetError(`${path}: the first line must be a header with features and a label`);
  }
  const featureNames = unlabelled ? header : header.slice(0, -1);
  const points: number[][] = [];
  const labels: string[] = [];
  for (let l = 1; l < lines.length; l++) {
    const cells = lines[l]!.split(',').map((c) => c.trim());
    if (cells.length !== header.length) {
      throw new DatasetError(
        `${path} line ${l + 1}: ${cells.length} columns, header has ${header.length}`,
      );
    }
    points.push(
      cells
        .slice(0, featureNames.length)
        .map((cell, f) => toNumber(cell, `${path} line ${l + 1} column ${featureNames[f]}`)),
    );
    if (!unlabelled) labels.push(cells[cells.length - 1]!);
  }
  return { featureNames, points, labels };
}

function parseJsonl(path: string, text: string, options: { labelOptional?: boolean } = {}): Rows {
  const points: number[][] = [];
  const labels: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, l) => {
    if (line.trim() === '') return;
    const where = `${path} line ${l + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      throw new DatasetError(`${where}: not JSON; each line must be {"x":[numbers],"y":label}`);
    }
    const { x, y } = (row ?? {}) as { x?: unknown; y?: unknown };
    if (!Array.isArray(x) || !x.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new DatasetError(`${where}: "x" must be an array of finite numbers`);
    }
    const noLabel = y === undefined && options.labelOptional === true;
    if (!noLabel && typeof y !== 'string' && typeof y !== 'number') {
      throw new DatasetError(`${where}: "y" must be a string or number label`);
    }
    if (points.length > 0 && x.length !== points[0]!.length) {
      throw new DatasetError(`${where}: ${x.length} features, line 1 has ${points[0]!.length}`);
    }
    points.push(x as number[]);
    if (!noLabel) labels.push(String(y));
  });
  const features = points[0]?.length ?? 0;
  return { featureNames: Array.from({ length: features }, (_, f) => `x${f}`), points, labels };
}

function toNumber(cell: string, where: string): number {
  const value = Number(cell);
  if (cell === '' || !Number.isFinite(value))
    throw new DatasetError(`${where}: "${cell}" is not a number`);
  return value;
}

function compareLabels(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}
