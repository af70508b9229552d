import type { Rng } from './Rng.js';

/** Loss and accuracy over some samples. */
export interface Metrics {
  loss: number;
  accuracy: number;
}

/** Samples as one flat row-major matrix, with integer class labels. */
export interface Samples {
  /** `count × features` values, row after row. */
  x: Float64Array;
  /** Class index of each row. */
  y: Int32Array;
  count: number;
  features: number;
}

/** The Adam optimizer's state: first and second moments per parameter, and the step. */
export interface AdamState {
  t: number;
  m: Float64Array[];
  v: Float64Array[];
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/**
 * A multi-layer perceptron (ReLU hidden layers, softmax output, cross-entropy loss)
 * trained with mini-batch Adam, in plain `Float64Array` arithmetic.
 */
export class Mlp {
  /** Weights and biases, `[W0, b0, W1, b1, …]`; `W` is `out × in`, row-major. */
  readonly params: Float64Array[];
  readonly adam: AdamState;
  private readonly grads: Float64Array[];
  private readonly acts: Float64Array[];
  private readonly deltas: Float64Array[];

  constructor(
    readonly sizes: readonly number[],
    params: Float64Array[],
    adam?: AdamState,
  ) {
    this.params = params;
    this.grads = params.map((p) => new Float64Array(p.length));
    this.adam = adam ?? {
      t: 0,
      m: params.map((p) => new Float64Array(p.length)),
      v: params.map((p) => new Float64Array(p.length)),
    };
    this.acts = sizes.map((n) => new Float64Array(n));
    this.deltas = sizes.map((n) => new Float64Array(n));
  }

  /** A network with He-initialised weights and zero biases. */
  static create(sizes: readonly number[], rng: Rng): Mlp {
    const params: Float64Array[] = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const inSize = sizes[l]!;
      const outSize = sizes[l + 1]!;
      const w = new Float64Array(inSize * outSize);
      const scale = Math.sqrt(2 / inSize);
      for (let k = 0; k < w.length; k++) w[k] = rng.normal() * scale;
      params.push(w, new Float64Array(outSize));
    }
    return new Mlp(sizes, params);
  }

  /** Trains on the rows `order[from..to)`; returns the batch's mean loss and accuracy. */
  trainBatch(data: Samples, order: Uint32Array, from: number, to: number, lr: number): Metrics {
    for (const g of this.grads) g.fill(0);
    let loss = 0;
    let correct = 0;
    for (let k = from; k < to; k++) {
      const row = order[k]!;
      const label = data.y[row]!;
      const probs = this.forward(data.x, row * data.features);
      loss -= Math.log(Math.max(probs[label]!, 1e-12));
      if (argmax(probs) === label) correct++;
      this.backward(label);
    }
    const n = to - from;
    this.step(lr, n);
    return { loss: loss / n, accuracy: correct / n };
  }

  /** Mean loss and accuracy over every row of `data`. */
  evaluate(data: Samples): Metrics {
    if (data.count === 0) return { loss: Number.NaN, accuracy: Number.NaN };
    let loss = 0;
    let correct = 0;
    for (let row = 0; row < data.count; row++) {
      const label = data.y[row]!;
      const probs = this.forward(data.x, row * data.features);
      loss -= Math.log(Math.max(probs[label]!, 1e-12));
      if (argmax(probs) === label) correct++;
    }
    return { loss: loss / data.count, accuracy: correct / data.count };
  }

  /** Class probabilities of one input row (a view into an internal buffer). */
  forward(x: Float64Array, offset: number): Float64Array {
    const input = this.acts[0]!;
    for (let i = 0; i < input.length; i++) input[i] = x[offset + i]!;
    const layers = this.sizes.length - 1;
    for (let l = 0; l < layers; l++) {
      const w = this.params[2 * l]!;
      const b = this.params[2 * l + 1]!;
      const a = this.acts[l]!;
      const out = this.acts[l + 1]!;
      const inSize = a.length;
      const hidden = l + 1 < layers;
      for (let o = 0; o < out.length; o++) {
        let s = b[o]!;
        const base = o * inSize;
        for (let i = 0; i < inSize; i++) s += w[base + i]! * a[i]!;
        out[o] = hidden && s < 0 ? 0 : s;
      }
    }
    const logits = this.acts[layers]!;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of logits) if (v > max) max = v;
    let sum = 0;
    for (let o = 0; o < logits.length; o++) {
      logits[o] = Math.exp(logits[o]! - max);
      sum += logits[o]!;
    }
    for (let o = 0; o < logits.length; o++) logits[o] = logits[o]! / sum;
    return logits;
  }

  private backward(label: number): void {
    const layers = this.sizes.length - 1;
    const top = this.deltas[layers]!;
    const probs = this.acts[layers]!;
    for (let o = 0; o < top.length; o++) top[o] = probs[o]! - (o === label ? 1 : 0);
    for (let l = layers - 1; l >= 0; l--) {
      const w = this.params[2 * l]!;
      const gw = this.grads[2 * l]!;
      const gb = this.grads[2 * l + 1]!;
      const a = this.acts[l]!;
      const delta = this.deltas[l + 1]!;
      const inSize = a.length;
      for (let o = 0; o < delta.length; o++) {
        const d = delta[o]!;
        if (d === 0) continue;
        gb[o] = gb[o]! + d;
        const base = o * inSize;
        for (let i = 0; i < inSize; i++) gw[base + i] = gw[base + i]! + d * a[i]!;
      }
      if (l === 0) break;
      const prev = this.deltas[l]!;
      for (let i = 0; i < inSize; i++) {
        if (a[i]! <= 0) {
          prev[i] = 0;
          continue;
        }
        let s = 0;
        for (let o = 0; o < delta.length; o++) s += w[o * inSize + i]! * delta[o]!;
        prev[i] = s;
      }
    }
  }

  private step(lr: number, batchSize: number): void {
    const adam = this.adam;
    adam.t++;
    const c1 = 1 - BETA1 ** adam.t;
    const c2 = 1 - BETA2 ** adam.t;
    for (let p = 0; p < this.params.length; p++) {
      const param = this.params[p]!;
      const grad = this.grads[p]!;
      const m = adam.m[p]!;
      const v = adam.v[p]!;
      for (let k = 0; k < param.length; k++) {
        const g = grad[k]! / batchSize;
        m[k] = BETA1 * m[k]! + (1 - BETA1) * g;
        v[k] = BETA2 * v[k]! + (1 - BETA2) * g * g;
        param[k] = param[k]! - (lr * (m[k]! / c1)) / (Math.sqrt(v[k]! / c2) + EPSILON);
      }
    }
  }
}

function argmax(values: Float64Array): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k]! > values[best]!) best = k;
  return best;
}
