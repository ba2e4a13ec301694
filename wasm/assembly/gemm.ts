// Blocked SIMD matrix product (GotoBLAS loop order) over raw pointers into linear memory.
//
//   C[M, N] (+)= A[M, K] · B[K, N],  A(i, k) = a[i·rsA + k·csA],  B(k, j) = b[k·rsB + j·csB],  C(i, j) = c[i·ldc + j]
//
// Element strides instead of transpose flags: a transposed operand, a Linear weight [out, in] and one head of
// a fused qkv [B, T, 3, NH, HD] are all just strides, so attention reuses this product without copies.
// A and B are packed into contiguous panels (MR rows of A, NR columns of B per k), rounded to bfloat16 on the
// way when asked (precision "bf16": operands rounded, float32 accumulation), and a 5×8 register tile of
// f32x4 accumulators runs over each pair of panels. Sums are float32, in a different order from the
// reference (which adds in double): results agree to ~1e-6 relative of max|C|.
//
// Built twice: plain SIMD (mul + add) and relaxed SIMD, where f32x4.relaxed_madd becomes a fused
// multiply-add on hardware that has one (ASC_FEATURE_RELAXED_SIMD is a compile-time constant).

/**
 * Rows of A per register tile. 5×8: 10 f32x4 accumulators + 2 of B + 1 of A + 1 product temporary = 14 of
 * the 15 xmm registers V8 allocates on x64 (6×8 spills without FMA; 4×8 measured ~15% slower).
 */
export const MR: i32 = 5;
/** Columns of B per register tile (two f32x4). */
export const NR: i32 = 8;
/** Depth of one packed block: a KC×NR panel of B (8 KiB) stays in L1 across a column of tiles. */
export const KC: i32 = 256;
/** Rows of A per packed block (a multiple of MR): MC×KC floats (120 KiB) stay in L2. */
export const MC: i32 = 120;
/** Columns of B per packed block: KC×NC floats (512 KiB) stay in L2 beside the A block (1 MiB L2 here). */
export const NC: i32 = 512;

/** Scratch the caller provides for one gemm call, in bytes: packed A block + packed B block. */
export const GEMM_SCRATCH_BYTES: i32 = (MC * KC + KC * NC) * 4;

// MR×NR edge tile, for tiles that overhang M or N: computed in full, then the valid part is added to C.
const edgeTile = memory.data(MR * NR * 4, 16);

@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

/** float32 → nearest bfloat16 (ties to even), as a float32; NaN stays NaN (quieted), as engine/dtype.ts. */
@inline export function roundBf16(x: f32): f32 {
  const u = reinterpret<u32>(x);
  if ((u & 0x7fffffff) > 0x7f800000) return reinterpret<f32>((u & 0xffff0000) | 0x00400000);
  return reinterpret<f32>((u + 0x7fff + ((u >> 16) & 1)) & 0xffff0000);
}

@inline function get(p: usize, rs: i32, cs: i32, r: i32, c: i32): f32 {
  return load<f32>(p + ((<usize>(r * rs + c * cs)) << 2));
}

/**
 * Pack a kc×nc block of B into NR-wide panels: panel p holds B(k, p·NR + jj) at [p][k][jj], zero-padded
 * past nc.
 */
function packB(kc: i32, nc: i32, b: usize, rs: i32, cs: i32, dst: usize, bf16: bool): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const nr = min(NR, nc - j0);
    if (nr == NR && cs == 1 && !bf16) { // row-major B: two vector copies per k
      for (let k = 0; k < kc; k++) {
        const src = b + ((<usize>(k * rs + j0)) << 2);
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += NR << 2;
      }
      continue;
    }
    for (let k = 0; k < kc; k++) {
      for (let jj = 0; jj < NR; jj++) {
        let v: f32 = 0;
        if (jj < nr) {
          v = get(b, rs, cs, k, j0 + jj);
          if (bf16) v = roundBf16(v);
        }
        store<f32>(dst, v);
        dst += 4;
      }
    }
  }
}

/** Pack an mc×kc block of A into MR-tall panels: panel p holds A(p·MR + ii, k) at [p][k][ii], zero-padded. */
function packA(mc: i32, kc: i32, a: usize, rs: i32, cs: i32, dst: usize, bf16: bool): void {
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const mr = min(MR, mc - i0);
    if (mr == MR && !bf16) {
      const r0 = a + ((<usize>(i0 * rs)) << 2), step = (<usize>cs) << 2, rsb = (<usize>rs) << 2;
      for (let k = 0; k < kc; k++) {
        const src = r0 + (<usize>k) * step;
        store<f32>(dst, load<f32>(src));
        store<f32>(dst, load<f32>(src + rsb), 4);
        store<f32>(dst, load<f32>(src + 2 * rsb), 8);
        store<f32>(dst, load<f32>(src + 3 * rsb), 12);
        store<f32>(dst, load<f32>(src + 4 * rsb), 16);
        dst += MR << 2;
      }
      continue;
    }
    for (let k = 0; k < kc; k++) {
      for (let ii = 0; ii < MR; ii++) {
        let v: f32 = 0;
        if (ii < mr) {
          v = get(a, rs, cs, i0 + ii, k);
          if (bf16) v = roundBf16(v);
        }
        store<f32>(dst, v);
        dst += 4;
      }
    }
  }
}

/**
 * The register tile: acc[MR][NR] = Σ_k pa[k][·] ⊗ pb[k][·] over kc, then C (+)= acc for the mr×nr valid part.
 * `add`: accumulate into C (a later K block, or the caller's accumulate) instead of overwriting it.
 */
function tile(kc: i32, pa: usize, pb: usize, c: usize, ldcBytes: usize, mr: i32, nr: i32, add: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    const a0 = v128.load32_splat(pa);
    c00 = madd(a0, b0, c00); c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(pa, 4);
    c10 = madd(a1, b0, c10); c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(pa, 8);
    c20 = madd(a2, b0, c20); c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(pa, 12);
    c30 = madd(a3, b0, c30); c31 = madd(a3, b1, c31);
    const a4 = v128.load32_splat(pa, 16);
    c40 = madd(a4, b0, c40); c41 = madd(a4, b1, c41);
    pa += MR << 2;
    pb += NR << 2;
  }
  if (mr == MR && nr == NR) {
    storeRow(c, c00, c01, add); c += ldcBytes;
    storeRow(c, c10, c11, add); c += ldcBytes;
    storeRow(c, c20, c21, add); c += ldcBytes;
    storeRow(c, c30, c31, add); c += ldcBytes;
    storeRow(c, c40, c41, add);
    return;
  }
  const t = edgeTile;
  v128.store(t, c00, 0); v128.store(t, c01, 16);
  v128.store(t, c10, 32); v128.store(t, c11, 48);
  v128.store(t, c20, 64); v128.store(t, c21, 80);
  v128.store(t, c30, 96); v128.store(t, c31, 112);
  v128.store(t, c40, 128); v128.store(t, c41, 144);
  for (let i = 0; i < mr; i++) {
    const row = c + (<usize>i) * ldcBytes;
    for (let j = 0; j < nr; j++) {
      const v = load<f32>(t + ((<usize>(i * NR + j)) << 2));
      const p = row + ((<usize>j) << 2);
      store<f32>(p, add ? load<f32>(p) + v : v);
    }
  }
}

/** One row of a full tile: C[0..8) (+)= (lo, hi). */
@inline function storeRow(c: usize, lo: v128, hi: v128, add: bool): void {
  if (add) {
    lo = f32x4.add(lo, v128.load(c));
    hi = f32x4.add(hi, v128.load(c, 16));
  }
  v128.store(c, lo);
  v128.store(c, hi, 16);
}

/**
 * C (+)= A·B with element strides (see the header). `scratch` holds GEMM_SCRATCH_BYTES for the packed blocks.
 * K = 0 gives C = 0 (or leaves C as it is when accumulating), as the reference.
 */
export function gemm(
  M: i32, N: i32, K: i32,
  a: usize, rsA: i32, csA: i32,
  b: usize, rsB: i32, csB: i32,
  c: usize, ldc: i32,
  accumulate: bool, bf16: bool, scratch: usize,
): void {
  const ldcBytes = (<usize>ldc) << 2;
  if (K == 0) {
    if (!accumulate) for (let i = 0; i < M; i++) memory.fill(c + (<usize>i) * ldcBytes, 0, (<usize>N) << 2);
    return;
  }
  const packedA = scratch, packedB = scratch + ((<usize>(MC * KC)) << 2);
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      packB(kc, nc, b + ((<usize>(pc * rsB + jc * csB)) << 2), rsB, csB, packedB, bf16);
      const add = accumulate || pc > 0;
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        packA(mc, kc, a + ((<usize>(ic * rsA + pc * csA)) << 2), rsA, csA, packedA, bf16);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pb = packedB + ((<usize>(jr * kc)) << 2);
          const cCol = c + ((<usize>(jc + jr)) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            tile(kc, packedA + ((<usize>(ir * kc)) << 2), pb, cCol + (<usize>(ic + ir)) * ldcBytes, ldcBytes, mr, nr, add);
          }
        }
      }
    }
  }
}
