// The kernel boundary: every heavy operation of the model, forward and backward, over flat typed arrays.
//
// Kernels take explicit dimensions, write into buffers the caller provides, allocate nothing and never
// see a Tensor. The model and ops never know which backend runs them. Shape checks live once, in ops/.
// Legend: B batch, T tokens (puzzle prefix + sequence), NH heads, HD head dim, D = NH*HD hidden,
// I MLP width, V vocabulary / table rows, rows = number of independent vectors (usually B*T).
//
// Buffers are Float32Array for the model. The reference backend also accepts Float64Array so that every
// backward can be checked against central finite differences in float64; fast backends may accept f32 only.

export type Buf = Float32Array | Float64Array;

export interface MatmulDims {
  /** out is [M, N]. */
  readonly M: number;
  readonly K: number;
  readonly N: number;
  /** A is stored [K, M] (use its transpose) instead of [M, K]. */
  readonly transA?: boolean;
  /** B is stored [N, K] (use its transpose) instead of [K, N]; a Linear weight [out, in] is used this way. */
  readonly transB?: boolean;
  /** out += A·B instead of out = A·B (gradient accumulation). */
  readonly accumulate?: boolean;
  /**
   * "bf16": A and B are rounded to bfloat16 before the product (float32 accumulation), as PyTorch's
   * bf16 matmul; the caller rounds the output if it is a bf16 activation. Default "f32".
   */
  readonly precision?: "f32" | "bf16";
  /**
   * With precision "bf16": A's (B's) values are already bfloat16 (a bf16 activation, a rounded weight copy),
   * so a backend may skip rounding it. A hint only: rounding a bf16 value again changes nothing.
   */
  readonly aRounded?: boolean;
  readonly bRounded?: boolean;
  /** A batch of products with strided operands (default: one product). */
  readonly batch?: MatmulBatch;
}

/**
 * `count` products: product i reads A at a + i·strideA, B at b + i·strideB and writes out + i·strideOut
 * (element offsets; each operand keeps its [M, K] / [K, N] / [M, N] layout and transposition). A stride of 0
 * reuses one operand for every product (a weight); strideOut 0 sums the products into one out
 * (out (+)= Σ_i op(A_i)·op(B_i), a weight's gradient). Lets TRM's mlp_t run a Linear over the token axis
 * of [B, T, D] (W [OUT, T] times each batch row's [T, D]) without transposing it.
 */
export interface MatmulBatch {
  readonly count: number;
  readonly strideA: number;
  readonly strideB: number;
  readonly strideOut: number;
}

export interface RowsDims {
  readonly rows: number;
  readonly D: number;
}

/**
 * x is [rows, D, inner]: each of the rows·inner vectors of D elements (stride inner) is normalised, and rstd
 * is [rows, inner]. inner 1 (the default) is the usual rows of D; TRM's mlp_t normalises over the token axis
 * of [B, T, D] with rows B, D = T, inner = D.
 */
export interface NormDims extends RowsDims {
  readonly inner?: number;
}

export interface RmsNormDims extends NormDims {
  readonly eps: number;
}

export interface AddRmsNormDims extends RmsNormDims {
  /** Round the sum a + b to bfloat16 before normalising it, as a bf16 add's output is (default false). */
  readonly roundSum?: boolean;
}

export interface AttentionDims {
  readonly B: number;
  readonly T: number;
  readonly NH: number;
  readonly HD: number;
  /** Softmax scale, 1/sqrt(HD) in HRM. */
  readonly scale: number;
}

export interface RopeDims {
  readonly B: number;
  readonly T: number;
  readonly NH: number;
  readonly HD: number;
}

export interface SwigluDims {
  readonly rows: number;
  /** MLP width I: gateUp is [rows, 2I] (gate first), out is [rows, I]. */
  readonly I: number;
}

export interface EmbeddingDims {
  /** Number of looked-up rows. */
  readonly n: number;
  readonly D: number;
  /** Table rows; ids must lie in [0, V). */
  readonly V: number;
}

export interface AdamAtan2Dims {
  readonly n: number;
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly weightDecay: number;
  /** 1-based step count used by the bias corrections. */
  readonly step: number;
}

/** Swap the last two axes of x [B, X, Y] into out [B, Y, X]. */
export interface TransposeDims {
  readonly B: number;
  readonly X: number;
  readonly Y: number;
  /** out += xᵀ instead of out = xᵀ (gradients). */
  readonly accumulate?: boolean;
}

export type BackendName = "reference" | "wasm" | "native";

export interface Kernels {
  readonly name: BackendName;

  /** out[M,N] (+)= op(A)[M,K] · op(B)[K,N]. */
  matmul(out: Buf, a: Buf, b: Buf, d: MatmulDims): void;

  /** y = x / sqrt(mean(x²) + eps) per row (no gain; rows strided by `inner`, NormDims); rstd[row] saved for the backward. */
  rmsNormForward(out: Buf, rstd: Buf, x: Buf, d: RmsNormDims): void;
  /** dX = rstd·(dOut − y·mean(dOut·y)) per row, from the forward's output y and rstd. Writes dX. */
  rmsNormBackward(dX: Buf, dOut: Buf, y: Buf, rstd: Buf, d: NormDims): void;
  /**
   * The residual add fused into the norm: rmsNormForward of x = a + b (x rounded as add would store it), in
   * one pass; x itself is not written. Its backward is rmsNormBackward (the add passes dX to a and b).
   */
  addRmsNormForward(out: Buf, rstd: Buf, a: Buf, b: Buf, d: AddRmsNormDims): void;

  /**
   * Rotary embedding (rotate-half layout) of the Q and K heads of a fused qkv [B, T, 3, NH, HD];
   * V is copied. cos/sin are [T, HD].
   */
  ropeForward(out: Buf, qkv: Buf, cos: Buf, sin: Buf, d: RopeDims): void;
  /** Transpose of ropeForward (inverse rotation of Q and K gradients, V copied). Writes dQkv. */
  ropeBackward(dQkv: Buf, dOut: Buf, cos: Buf, sin: Buf, d: RopeDims): void;

  /**
   * Non-causal softmax attention of a fused qkv [B, T, 3, NH, HD] -> out [B, T, NH, HD]. stats [B, NH, T, 2]
   * is written for the backward: per query row, the max of its scaled scores and Σ exp(score − max), so that
   * probs = exp(score − max) / sum (the probabilities themselves, [B, NH, T, T], are never stored).
   */
  attentionForward(out: Buf, stats: Buf, qkv: Buf, d: AttentionDims): void;
  /**
   * Gradient of attentionForward with respect to qkv, from the same qkv and the stats that this backend's
   * attentionForward wrote for it (the probabilities are recomputed from them, as FlashAttention; stats
   * from another backend's scores, which differ in the last bits, would not sum to 1). Writes dQkv.
   */
  attentionBackward(dQkv: Buf, dOut: Buf, qkv: Buf, stats: Buf, d: AttentionDims): void;

  /** out[r, i] = silu(gateUp[r, i]) · gateUp[r, I + i]. */
  swigluForward(out: Buf, gateUp: Buf, d: SwigluDims): void;
  /** Gradient of swigluForward with respect to gateUp. Writes dGateUp. */
  swigluBackward(dGateUp: Buf, dOut: Buf, gateUp: Buf, d: SwigluDims): void;

  /** Row-wise softmax of x [rows, D]. */
  softmaxForward(out: Buf, x: Buf, d: RowsDims): void;

  /** out[i] = table[ids[i]]: gather rows. */
  embeddingForward(out: Buf, table: Buf, ids: Int32Array, d: EmbeddingDims): void;
  /** dTable[ids[i]] += dOut[i]: scatter-add (accumulates). */
  embeddingBackward(dTable: Buf, dOut: Buf, ids: Int32Array, d: EmbeddingDims): void;

  /** out[b, y, x] (+)= x[b, x, y]: TRM's mlp_t swaps the token and feature axes. out must not alias x. */
  transpose(out: Buf, x: Buf, d: TransposeDims): void;

  /** out = a + b (elementwise, n elements). out may alias a or b. */
  add(out: Buf, a: Buf, b: Buf, n: number): void;
  /** out = alpha·a. out may alias a. */
  scale(out: Buf, a: Buf, alpha: number, n: number): void;
  /** dst += alpha·src (gradient accumulation). */
  axpy(dst: Buf, src: Buf, alpha: number, n: number): void;
  /** out = a rounded to the nearest bfloat16 (ties to even), kept in float32 storage. out may alias a. */
  roundBf16(out: Buf, a: Buf, n: number): void;
  /**
   * dst = the bfloat16 bits of src (nearest even): a 2-byte copy of a bf16 activation that backward reads
   * (lossless for values already rounded to bf16). unpackBf16 is its inverse, exact.
   */
  packBf16(dst: Uint16Array, src: Buf, n: number): void;
  unpackBf16(dst: Buf, src: Uint16Array, n: number): void;

  /** One AdamATan2 step in place (official adam-atan2: decoupled decay first, no epsilon). */
  adamAtan2Update(param: Buf, grad: Buf, expAvg: Buf, expAvgSq: Buf, d: AdamAtan2Dims): void;
}

export type KernelName = Exclude<keyof Kernels, "name">;

/**
 * Every kernel name, for tables of tests and for fallback wrappers. Written as a record keyed by
 * `KernelName` so that the compiler rejects a list that misses a kernel of the interface (or names one it
 * does not have); the array is derived from it.
 */
const kernelNameSet = {
  matmul: true,
  rmsNormForward: true,
  rmsNormBackward: true,
  addRmsNormForward: true,
  ropeForward: true,
  ropeBackward: true,
  attentionForward: true,
  attentionBackward: true,
  swigluForward: true,
  swigluBackward: true,
  softmaxForward: true,
  embeddingForward: true,
  embeddingBackward: true,
  transpose: true,
  add: true,
  scale: true,
  axpy: true,
  roundBf16: true,
  packBf16: true,
  unpackBf16: true,
  adamAtan2Update: true,
} as const satisfies Record<KernelName, true>;

export const kernelNames: readonly KernelName[] = Object.keys(kernelNameSet) as KernelName[];
