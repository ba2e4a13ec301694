// The WASM kernels (AssemblyScript, SIMD): the same math as src/kernels/reference/*.ts, over pointers into
// this module's linear memory. The host (src/kernels/wasm/core.ts) copies the operands in, calls one export
// and copies the results out; it also provides every scratch area, so nothing here allocates.
// Legend: B batch, T tokens, NH heads, HD head dim, D = NH·HD hidden, I MLP width, V table rows,
// rows = independent vectors. Pointers are byte addresses; sizes are element counts.
//
// Exactness against the reference (which computes in double and rounds once to float32):
//   RoPE, scale, axpy run in f64 and round once (RMSNorm too, but its sums go in another order), add and the embedding scatter-add in f32 (one f32 add of two
//   f32 values equals the double add rounded), AdamATan2 mirrors the reference's float32 roundings, so these
//   are bit-identical (AdamATan2's parameter within 1 ulp: a different atan2 in f64, rounded to f32);
//   matmul, attention, softmax and SwiGLU sum in f32 (other order) and use a polynomial exp.
import { GEMM_SCRATCH_BYTES, gemm, roundBf16 as round1 } from "./gemm";
import { exp1, exp4 } from "./math";

/** First free byte after the static data: where the host's arena starts. */
export function heapBase(): usize {
  return __heap_base;
}

/** Scratch bytes matmul needs (packed blocks). */
export function matmulScratchBytes(): i32 {
  return GEMM_SCRATCH_BYTES;
}

/** Scratch bytes attention needs for sequence length T (packed blocks + P and dS [T, T]). */
export function attentionScratchBytes(T: i32): i32 {
  return GEMM_SCRATCH_BYTES + 2 * T * T * 4;
}

@inline function at(p: usize, i: i32): usize {
  return p + ((<usize>i) << 2);
}

// ---- matmul -------------------------------------------------------------------------------------------

/** out[M,N] (+)= op(A)[M,K] · op(B)[K,N]; A stored [K,M] when transA, B stored [N,K] when transB. */
export function matmul(
  out: usize, a: usize, b: usize, M: i32, K: i32, N: i32,
  transA: bool, transB: bool, accumulate: bool, bf16: bool, scratch: usize,
): void {
  gemm(M, N, K, a, transA ? 1 : K, transA ? M : 1, b, transB ? 1 : N, transB ? K : 1, out, N, accumulate, bf16, scratch);
}

// ---- softmax ------------------------------------------------------------------------------------------

/**
 * dst[i] = softmax(scale·src)[i] over one row of n (dst may be src). With stats ≠ 0, (max, sum) of the row
 * (max of scale·src, Σ exp(scale·src − max)) go to stats[0], stats[1] (attention's backward recomputes from them).
 */
function softmaxRow(dst: usize, src: usize, n: i32, scale: f32, stats: usize): void {
  const s4 = f32x4.splat(scale);
  const n4 = n & ~3;
  let mx4 = f32x4.splat(-Infinity);
  for (let i = 0; i < n4; i += 4) mx4 = f32x4.max(mx4, f32x4.mul(v128.load(at(src, i)), s4));
  let mx = max(max(f32x4.extract_lane(mx4, 0), f32x4.extract_lane(mx4, 1)), max(f32x4.extract_lane(mx4, 2), f32x4.extract_lane(mx4, 3)));
  for (let i = n4; i < n; i++) mx = max(mx, load<f32>(at(src, i)) * scale);
  const m4 = f32x4.splat(mx);
  let sum4 = f32x4.splat(0);
  for (let i = 0; i < n4; i += 4) {
    const e = exp4(f32x4.sub(f32x4.mul(v128.load(at(src, i)), s4), m4));
    v128.store(at(dst, i), e);
    sum4 = f32x4.add(sum4, e);
  }
  let sum: f32 = (f32x4.extract_lane(sum4, 0) + f32x4.extract_lane(sum4, 1)) + (f32x4.extract_lane(sum4, 2) + f32x4.extract_lane(sum4, 3));
  for (let i = n4; i < n; i++) {
    const e = exp1(load<f32>(at(src, i)) * scale - mx);
    store<f32>(at(dst, i), e);
    sum += e;
  }
  if (stats != 0) {
    store<f32>(stats, mx);
    store<f32>(at(stats, 1), sum);
  }
  const sv = f32x4.splat(sum);
  for (let i = 0; i < n4; i += 4) v128.store(at(dst, i), f32x4.div(v128.load(at(dst, i)), sv));
  for (let i = n4; i < n; i++) store<f32>(at(dst, i), load<f32>(at(dst, i)) / sum);
}

/** softmaxRow's probabilities again from its stats (max, sum), in place: the same operations, the same values. */
function probsRow(p: usize, n: i32, scale: f32, stats: usize): void {
  const s4 = f32x4.splat(scale), n4 = n & ~3;
  const mx = load<f32>(stats), sum = load<f32>(at(stats, 1));
  const m4 = f32x4.splat(mx), sv = f32x4.splat(sum);
  for (let i = 0; i < n4; i += 4) {
    v128.store(at(p, i), f32x4.div(exp4(f32x4.sub(f32x4.mul(v128.load(at(p, i)), s4), m4)), sv));
  }
  for (let i = n4; i < n; i++) store<f32>(at(p, i), exp1(load<f32>(at(p, i)) * scale - mx) / sum);
}

/** Row-wise softmax of x [rows, D]. */
export function softmaxForward(out: usize, x: usize, rows: i32, D: i32): void {
  for (let r = 0; r < rows; r++) softmaxRow(at(out, r * D), at(x, r * D), D, 1, 0);
}

// ---- RMSNorm ------------------------------------------------------------------------------------------
// In f64, as the reference: the backward's dOut − y·mean(dOut·y) cancels (to nothing at D = 1), so f32
// would lose the few bits that remain. Memory-bound either way.

@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Two f32 at p as f64x2. */
@inline function load2(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** f64x2 rounded to two f32 at p. */
@inline function store2(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

/** Σ a[i]·b[i] over n in f64 (each product of two f32 is exact in f64). */
function dot64(a: usize, b: usize, n: i32): f64 {
  const n2 = n & ~1;
  let acc = f64x2.splat(0);
  for (let i = 0; i < n2; i += 2) acc = f64x2.add(acc, f64x2.mul(load2(at(a, i)), load2(at(b, i))));
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (n2 < n) s += <f64>load<f32>(at(a, n2)) * <f64>load<f32>(at(b, n2));
  return s;
}

/** y = x / sqrt(mean(x²) + eps) per row of D; rstd[row] kept for the backward. */
/** One row: yr = xr·s, s = 1/sqrt(mean(xr²) + eps) to rstd (yr may be xr). */
@inline function rmsNormRow(yr: usize, xr: usize, rstd: usize, D: i32, eps: f64): void {
  const D2 = D & ~1;
  const s = 1 / Math.sqrt(dot64(xr, xr, D) / <f64>D + eps);
  store<f32>(rstd, <f32>s);
  const s2 = f64x2.splat(s);
  for (let i = 0; i < D2; i += 2) store2(at(yr, i), f64x2.mul(load2(at(xr, i)), s2));
  if (D2 < D) store<f32>(at(yr, D2), <f32>(<f64>load<f32>(at(xr, D2)) * s));
}

export function rmsNormForward(out: usize, rstd: usize, x: usize, rows: i32, D: i32, eps: f64): void {
  for (let r = 0; r < rows; r++) rmsNormRow(at(out, r * D), at(x, r * D), at(rstd, r), D, eps);
}

/** rmsNormForward of a + b (the f32 sum, rounded to bf16 first with roundSum), row by row in out. */
export function addRmsNormForward(out: usize, rstd: usize, a: usize, b: usize, rows: i32, D: i32, eps: f64, roundSum: bool): void {
  const D4 = D & ~3;
  for (let r = 0; r < rows; r++) {
    const yr = at(out, r * D), ar = at(a, r * D), br = at(b, r * D);
    for (let i = 0; i < D4; i += 4) v128.store(at(yr, i), f32x4.add(v128.load(at(ar, i)), v128.load(at(br, i))));
    for (let i = D4; i < D; i++) store<f32>(at(yr, i), load<f32>(at(ar, i)) + load<f32>(at(br, i)));
    if (roundSum) for (let i = 0; i < D; i++) store<f32>(at(yr, i), round1(load<f32>(at(yr, i))));
    rmsNormRow(yr, yr, at(rstd, r), D, eps);
  }
}

/** dX = rstd·(dOut − y·mean(dOut·y)) per row. */
export function rmsNormBackward(dX: usize, dOut: usize, y: usize, rstd: usize, rows: i32, D: i32): void {
  const D2 = D & ~1;
  for (let r = 0; r < rows; r++) {
    const g = at(dOut, r * D), yr = at(y, r * D), dx = at(dX, r * D);
    const mean = dot64(g, yr, D) / <f64>D, s = <f64>load<f32>(at(rstd, r));
    const mean2 = f64x2.splat(mean), s2 = f64x2.splat(s);
    for (let i = 0; i < D2; i += 2) store2(at(dx, i), f64x2.mul(s2, f64x2.sub(load2(at(g, i)), f64x2.mul(load2(at(yr, i)), mean2))));
    if (D2 < D) store<f32>(at(dx, D2), <f32>(s * (<f64>load<f32>(at(g, D2)) - <f64>load<f32>(at(yr, D2)) * mean)));
  }
}

// ---- RoPE (rotate-half layout on the Q and K heads of qkv [B, T, 3, NH, HD]; V copied) ----------------

/** backward = false: out = x·cos + rot(x)·sin; true: the transpose (inverse rotation). f64, rounded once. */
function rope(out: usize, src: usize, cos: usize, sin: usize, B: i32, T: i32, NH: i32, HD: i32, backward: bool): void {
  const half = HD >> 1;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const base = (b * T + t) * 3 * NH * HD;
      const c = t * HD;
      for (let h = 0; h < 2 * NH; h++) {
        const o = base + h * HD;
        for (let i = 0; i < half; i++) {
          const x1 = <f64>load<f32>(at(src, o + i)), x2 = <f64>load<f32>(at(src, o + half + i));
          const c1 = <f64>load<f32>(at(cos, c + i)), c2 = <f64>load<f32>(at(cos, c + half + i));
          const s1 = <f64>load<f32>(at(sin, c + i)), s2 = <f64>load<f32>(at(sin, c + half + i));
          if (backward) {
            store<f32>(at(out, o + i), <f32>(x1 * c1 + x2 * s2));
            store<f32>(at(out, o + half + i), <f32>(x2 * c2 - x1 * s1));
          } else {
            store<f32>(at(out, o + i), <f32>(x1 * c1 - x2 * s1));
            store<f32>(at(out, o + half + i), <f32>(x2 * c2 + x1 * s2));
          }
        }
      }
      const v = base + 2 * NH * HD;
      memory.copy(at(out, v), at(src, v), (<usize>(NH * HD)) << 2);
    }
  }
}

export function ropeForward(out: usize, qkv: usize, cos: usize, sin: usize, B: i32, T: i32, NH: i32, HD: i32): void {
  rope(out, qkv, cos, sin, B, T, NH, HD, false);
}

export function ropeBackward(dQkv: usize, dOut: usize, cos: usize, sin: usize, B: i32, T: i32, NH: i32, HD: i32): void {
  rope(dQkv, dOut, cos, sin, B, T, NH, HD, true);
}

// ---- attention (non-causal, fused qkv [B, T, 3, NH, HD] -> out [B, T, NH, HD], stats [B, NH, T, 2]) ----
// One head at a time, as strided gemm calls: Q, K and V of head h are [T, HD] views of qkv with row stride
// 3·D. The probabilities P [T, T] of a head live in scratch only; the backward recomputes them from the
// forward's per-row stats (max, sum).

export function attentionForward(out: usize, stats: usize, qkv: usize, B: i32, T: i32, NH: i32, HD: i32, scale: f32, scratch: usize): void {
  const D = NH * HD, rs = 3 * D;
  const P = scratch + <usize>GEMM_SCRATCH_BYTES; // [T, T]
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const st = at(stats, (b * NH + h) * T * 2);
      const q = at(qkv, b * T * rs + h * HD), k = at(q, D), v = at(q, 2 * D);
      gemm(T, T, HD, q, rs, 1, k, 1, rs, P, T, false, false, scratch); // S = Q·Kᵀ
      for (let t = 0; t < T; t++) softmaxRow(at(P, t * T), at(P, t * T), T, scale, at(st, 2 * t)); // P = softmax(scale·S)
      gemm(T, HD, T, P, T, 1, v, rs, 1, at(out, b * T * D + h * HD), D, false, false, scratch); // O = P·V
    }
  }
}

// forward: S = scale·Q·Kᵀ, P = softmax(S), O = P·V
// backward: dV = Pᵀ·dO, dP = dO·Vᵀ, dS = P ⊙ (dP − rowsum(P ⊙ dP)), dQ = scale·dS·K, dK = scale·dSᵀ·Q
export function attentionBackward(dQkv: usize, dOut: usize, qkv: usize, stats: usize, B: i32, T: i32, NH: i32, HD: i32, scale: f32, scratch: usize): void {
  const D = NH * HD, rs = 3 * D;
  const P = scratch + <usize>GEMM_SCRATCH_BYTES; // [T, T]
  const dS = at(P, T * T); // [T, T]
  const T4 = T & ~3;
  const scale4 = f32x4.splat(scale);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const st = at(stats, (b * NH + h) * T * 2);
      const q = at(qkv, b * T * rs + h * HD), k = at(q, D), v = at(q, 2 * D);
      const dq = at(dQkv, b * T * rs + h * HD), dk = at(dq, D), dv = at(dq, 2 * D);
      const dO = at(dOut, b * T * D + h * HD);
      gemm(T, T, HD, q, rs, 1, k, 1, rs, P, T, false, false, scratch); // S = Q·Kᵀ, then P as the forward's
      for (let t = 0; t < T; t++) probsRow(at(P, t * T), T, scale, at(st, 2 * t));
      gemm(T, HD, T, P, 1, T, dO, D, 1, dv, rs, false, false, scratch); // dV = Pᵀ·dO
      gemm(T, T, HD, dO, D, 1, v, 1, rs, dS, T, false, false, scratch); // dP = dO·Vᵀ
      for (let t = 0; t < T; t++) { // dS = scale · P ⊙ (dP − rowsum(P ⊙ dP))
        const pr = at(P, t * T), dr = at(dS, t * T);
        let dot4 = f32x4.splat(0);
        for (let i = 0; i < T4; i += 4) dot4 = f32x4.add(dot4, f32x4.mul(v128.load(at(pr, i)), v128.load(at(dr, i))));
        let dot = hsum(dot4);
        for (let i = T4; i < T; i++) dot += load<f32>(at(pr, i)) * load<f32>(at(dr, i));
        const dot4s = f32x4.splat(dot);
        for (let i = 0; i < T4; i += 4) {
          v128.store(at(dr, i), f32x4.mul(f32x4.mul(v128.load(at(pr, i)), f32x4.sub(v128.load(at(dr, i)), dot4s)), scale4));
        }
        for (let i = T4; i < T; i++) store<f32>(at(dr, i), load<f32>(at(pr, i)) * (load<f32>(at(dr, i)) - dot) * scale);
      }
      gemm(T, HD, T, dS, T, 1, k, rs, 1, dq, rs, false, false, scratch); // dQ = dS·K
      gemm(T, HD, T, dS, 1, T, q, rs, 1, dk, rs, false, false, scratch); // dK = dSᵀ·Q
    }
  }
}

// ---- SwiGLU: out = silu(gate) ⊙ up, gateUp [rows, 2I] = [gate | up] ------------------------------------

export function swigluForward(out: usize, gateUp: usize, rows: i32, I: i32): void {
  const I4 = I & ~3, one = f32x4.splat(1);
  for (let r = 0; r < rows; r++) {
    const g = at(gateUp, 2 * r * I), u = at(g, I), o = at(out, r * I);
    for (let i = 0; i < I4; i += 4) {
      const gv = v128.load(at(g, i));
      const silu = f32x4.div(gv, f32x4.add(one, exp4(f32x4.neg(gv))));
      v128.store(at(o, i), f32x4.mul(silu, v128.load(at(u, i))));
    }
    for (let i = I4; i < I; i++) {
      const gv = load<f32>(at(g, i));
      store<f32>(at(o, i), (gv / (1 + exp1(-gv))) * load<f32>(at(u, i)));
    }
  }
}

// silu'(g) = σ(g)·(1 + g·(1 − σ(g)))
export function swigluBackward(dGateUp: usize, dOut: usize, gateUp: usize, rows: i32, I: i32): void {
  const I4 = I & ~3, one = f32x4.splat(1);
  for (let r = 0; r < rows; r++) {
    const g = at(gateUp, 2 * r * I), u = at(g, I), dg = at(dGateUp, 2 * r * I), du = at(dg, I), dy = at(dOut, r * I);
    for (let i = 0; i < I4; i += 4) {
      const gv = v128.load(at(g, i)), uv = v128.load(at(u, i)), dyv = v128.load(at(dy, i));
      const s = f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(gv))));
      const dsilu = f32x4.mul(s, f32x4.add(one, f32x4.mul(gv, f32x4.sub(one, s))));
      v128.store(at(dg, i), f32x4.mul(f32x4.mul(dyv, uv), dsilu));
      v128.store(at(du, i), f32x4.mul(f32x4.mul(dyv, gv), s));
    }
    for (let i = I4; i < I; i++) {
      const gv = load<f32>(at(g, i)), uv = load<f32>(at(u, i)), dyv = load<f32>(at(dy, i));
      const s: f32 = 1 / (1 + exp1(-gv));
      store<f32>(at(dg, i), dyv * uv * (s * (1 + gv * (1 - s))));
      store<f32>(at(du, i), dyv * gv * s);
    }
  }
}

// ---- embedding ----------------------------------------------------------------------------------------

/** out[r] = table[ids[r]] (ids checked by the host). */
export function embeddingForward(out: usize, table: usize, ids: usize, n: i32, D: i32): void {
  const rowBytes = (<usize>D) << 2;
  for (let r = 0; r < n; r++) memory.copy(out + (<usize>r) * rowBytes, table + (<usize>load<i32>(at(ids, r))) * rowBytes, rowBytes);
}

/** dTable[ids[r]] += dOut[r] (repeated ids accumulate in order). */
export function embeddingBackward(dTable: usize, dOut: usize, ids: usize, n: i32, D: i32): void {
  const D4 = D & ~3;
  for (let r = 0; r < n; r++) {
    const dst = at(dTable, load<i32>(at(ids, r)) * D), src = at(dOut, r * D);
    for (let i = 0; i < D4; i += 4) v128.store(at(dst, i), f32x4.add(v128.load(at(dst, i)), v128.load(at(src, i))));
    for (let i = D4; i < D; i++) store<f32>(at(dst, i), load<f32>(at(dst, i)) + load<f32>(at(src, i)));
  }
}

// ---- elementwise --------------------------------------------------------------------------------------

/** out = a + b (out may alias a or b). */
export function add(out: usize, a: usize, b: usize, n: i32): void {
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) v128.store(at(out, i), f32x4.add(v128.load(at(a, i)), v128.load(at(b, i))));
  for (let i = n4; i < n; i++) store<f32>(at(out, i), load<f32>(at(a, i)) + load<f32>(at(b, i)));
}

/** out = alpha·a, in f64 and rounded once (alpha is a double, as in the reference). */
export function scale(out: usize, a: usize, alpha: f64, n: i32): void {
  const n2 = n & ~1, al = f64x2.splat(alpha);
  for (let i = 0; i < n2; i += 2) {
    store2(at(out, i), f64x2.mul(load2(at(a, i)), al));
  }
  if (n2 < n) store<f32>(at(out, n2), <f32>(<f64>load<f32>(at(a, n2)) * alpha));
}

/** dst += alpha·src, in f64 and rounded once. */
export function axpy(dst: usize, src: usize, alpha: f64, n: i32): void {
  const n2 = n & ~1, al = f64x2.splat(alpha);
  for (let i = 0; i < n2; i += 2) {
    store2(at(dst, i), f64x2.add(load2(at(dst, i)), f64x2.mul(al, load2(at(src, i)))));
  }
  if (n2 < n) store<f32>(at(dst, n2), <f32>(<f64>load<f32>(at(dst, n2)) + alpha * <f64>load<f32>(at(src, n2))));
}

/** out = a rounded to the nearest bfloat16 (ties to even; NaN stays NaN, quieted), as f32 (out may alias a). */
export function roundBf16(out: usize, a: usize, n: i32): void {
  const n4 = n & ~3;
  const absMask = i32x4.splat(0x7fffffff), inf = i32x4.splat(0x7f800000), hi = i32x4.splat(0xffff0000);
  const quiet = i32x4.splat(0x00400000), half = i32x4.splat(0x7fff), one = i32x4.splat(1);
  for (let i = 0; i < n4; i += 4) {
    const u = v128.load(at(a, i));
    const isNan = i32x4.gt_s(v128.and(u, absMask), inf);
    const even = v128.and(i32x4.shr_u(u, 16), one);
    const rounded = v128.and(i32x4.add(u, i32x4.add(half, even)), hi);
    v128.store(at(out, i), v128.bitselect(v128.or(v128.and(u, hi), quiet), rounded, isNan));
  }
  for (let i = n4; i < n; i++) store<f32>(at(out, i), round1(load<f32>(at(a, i))));
}

// ---- AdamATan2 ----------------------------------------------------------------------------------------
// Mirrors src/kernels/reference/adam-atan2.ts: every f(...) there is one float32 operation here (an f32
// op on f32 operands equals the double op rounded to f32), and atan2 runs in f64 and is rounded once.

/** torch's lerp: start + w·(end − start) for w < 0.5, else end − (end − start)·(1 − w). */
@inline function lerp(start: f32, end: f32, w: f32): f32 {
  return w < 0.5 ? start + w * (end - start) : end - (end - start) * (1 - w);
}

/** The scalars come from the host as the reference computes them (float32). */
export function adamAtan2Update(param: usize, grad: usize, expAvg: usize, expAvgSq: usize, n: i32,
  decay: f32, w1: f32, w2: f32, stepSize: f32, sqrtBc2: f32): void {
  for (let i = 0; i < n; i++) {
    const p = load<f32>(at(param, i)) * decay;
    const g = load<f32>(at(grad, i));
    const m = lerp(load<f32>(at(expAvg, i)), g, w1);
    const v = lerp(load<f32>(at(expAvgSq, i)), g * g, w2);
    store<f32>(at(expAvg, i), m);
    store<f32>(at(expAvgSq, i), v);
    const denom = Mathf.sqrt(v) / sqrtBc2;
    store<f32>(at(param, i), p - stepSize * <f32>Math.atan2(<f64>m, <f64>denom));
  }
}
