// Fused non-causal attention, forward and backward, written once over a vector instruction set X and
// instantiated per ISA (attention.cc: AVX2 or portable 8-wide; attention_avx512.cc: AVX-512). X is a traits
// type local to its translation unit (so every instantiation has internal linkage, see attention_fused.h):
// V the vector, W its lanes, MRB the row count of the P·V-style tiles, and zero/set1/load/store/bcast/fma/
// add/sub/mul/div/max/expNeg (the x86 ISAs' expNeg is expNegFma below, over their roundNearest/pow2/
// zeroBelow). Self-contained: no standard library, no common.h.
//
// Per (batch, head) and block of query rows, on copies of Q, K and V packed for the tiles:
//   forward:  S = scale·Q·Kᵀ for the block ([rows, T], in cache), E = exp(S − rowmax), O = (E·V) / rowsum(E);
//             stats = (max, Σ exp(s − max)) per row, for the backward.
//   backward: P = exp(S − max)·(1/sum) recomputed from the same tiles and exp with the saved max and sum,
//             dP = dO·Vᵀ, dS = P ⊙ (dP − rowsum(P ⊙ dP))·scale, dQ = dS·K, dK += dSᵀ·Q, dV += Pᵀ·dO.
// Padding: the head dim to HDp and the key count to Tp (multiples of W), query blocks to Mp (a multiple of
// kTileRows), all with zeros, which add exact zeros to every sum; padded key columns get score −inf, so
// probability 0. Products accumulate in float32 with FMA (as oneDNN's sgemm did), row sums in double.
#pragma once

namespace hrm {
namespace attn {

/** Rows of the score tiles (Q·Kᵀ, dO·Vᵀ); padded query blocks are a multiple of it. */
constexpr long kTileRows = 6;

static inline long roundUp(long x, long m) { return (x + m - 1) / m * m; }
static inline long minOf(long a, long b) { return a < b ? a : b; }

/** The largest lane (a NaN lane is skipped unless it is lane 0, as common.h's hmax8). */
template <class X>
inline float hmax(typename X::V v) {
  float t[X::W];
  X::store(t, v);
  float m = t[0];
  for (int i = 1; i < X::W; i++) m = t[i] > m ? t[i] : m;
  return m;
}

/** The sum of the lanes, in double, lane 0 first. */
template <class X>
inline double hsum(typename X::V v) {
  float t[X::W];
  X::store(t, v);
  double s = 0;
  for (int i = 0; i < X::W; i++) s += t[i];
  return s;
}

/**
 * exp(x) for x ≤ 0 (scores minus their row max), one polynomial for every FMA instruction set: common.h's
 * Cephes expf with FMA and round-to-nearest range reduction, one 2^n factor (n ≥ −124); 0 below −86 (and
 * for −inf), NaN stays NaN. X adds roundNearest (to the nearest integer, ties to even), pow2 (2^n for an
 * integral n, built in the exponent bits) and zeroBelow(x, lo, y) (0 where x < lo, else y; NaN x keeps y).
 */
template <class X>
inline typename X::V expNegFma(typename X::V x) {
  using V = typename X::V;
  const V lo = X::set1(-86.f);
  const V xc = X::max(lo, x);  // max returns its second operand when one is NaN
  const V n = X::roundNearest(X::mul(xc, X::set1(1.44269504088896341f)));
  // r = x − n·ln2 with ln2 in two parts (Cody–Waite); fma(n, −c, r) is fnmadd(n, c, r) bit for bit
  V r = X::fma(n, X::set1(-0.693359375f), xc);
  r = X::fma(n, X::set1(2.12194440e-4f), r);
  V p = X::set1(1.9875691500E-4f);
  p = X::fma(p, r, X::set1(1.3981999507E-3f));
  p = X::fma(p, r, X::set1(8.3334519073E-3f));
  p = X::fma(p, r, X::set1(4.1665795894E-2f));
  p = X::fma(p, r, X::set1(1.6666665459E-1f));
  p = X::fma(p, r, X::set1(5.0000001201E-1f));
  p = X::fma(p, X::mul(r, r), X::add(r, X::set1(1.f)));
  return X::zeroBelow(x, lo, X::mul(p, X::pow2(n)));
}

/** dst[i, 0:HDp] = src[i·ld + 0:HD] for i < n; zeros in columns [HD, HDp) and rows [n, rows). */
static inline void packRows(float* dst, const float* src, long ld, long n, long rows, long HD, long HDp) {
  for (long i = 0; i < rows; i++) {
    float* d = dst + i * HDp;
    long c = 0;
    if (i < n)
      for (; c < HD; c++) d[c] = src[i * ld + c];
    for (; c < HDp; c++) d[c] = 0.f;
  }
}

/** dst[d, j] = src[j·ld + d] for j < T, d < HD (Kᵀ, Vᵀ of a head); zeros elsewhere in [HDp, Tp]. */
static inline void packTransposed(float* dst, const float* src, long ld, long T, long Tp, long HD, long HDp) {
  for (long d = 0; d < HD; d++) {
    float* row = dst + d * Tp;
    for (long j = 0; j < T; j++) row[j] = src[j * ld + d];
    for (long j = T; j < Tp; j++) row[j] = 0.f;
  }
  for (long i = HD * Tp; i < HDp * Tp; i++) dst[i] = 0.f;
}

/** C[r, 0:NV·W] = scale · Σ_d A[r·lda + d] · Bt[d·ldb + 0:NV·W] for r < MR, d < K (scores, dP). */
template <class X, int MR, int NV>
inline void tileNT(float* C, long ldc, const float* A, long lda, const float* Bt, long ldb, long K, float scale) {
  using V = typename X::V;
  V acc[MR][NV];
#pragma GCC unroll 16
  for (int r = 0; r < MR; r++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) acc[r][v] = X::zero();
  for (long d = 0; d < K; d++) {
    V b[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) b[v] = X::load(Bt + d * ldb + v * X::W);
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++) {
      const V a = X::bcast(A + r * lda + d);
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[r][v] = X::fma(a, b[v], acc[r][v]);
    }
  }
  const V s = X::set1(scale);
#pragma GCC unroll 16
  for (int r = 0; r < MR; r++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) X::store(C + r * ldc + v * X::W, X::mul(acc[r][v], s));
}

/** C[M, N] = scale · A[M, K] · Bt[K, N] (Bt: the other operand, transposed): M a multiple of kTileRows, N of W. */
template <class X>
void productNT(float* C, long ldc, const float* A, long lda, const float* Bt, long ldb, long M, long N, long K,
               float scale) {
  for (long i = 0; i < M; i += kTileRows) {
    long j = 0;
    for (; j + 2 * X::W <= N; j += 2 * X::W)
      tileNT<X, kTileRows, 2>(C + i * ldc + j, ldc, A + i * lda, lda, Bt + j, ldb, K, scale);
    if (j < N) tileNT<X, kTileRows, 1>(C + i * ldc + j, ldc, A + i * lda, lda, Bt + j, ldb, K, scale);
  }
}

/** C[r, 0:NV·W] (+)= Σ_k A[r·rs + k·ks] · Bm[k·ldb + 0:NV·W] for r < MR, k < K (P·V, Pᵀ·dO, dS·K, dSᵀ·Q). */
template <class X, int MR, int NV>
inline void tileNN(float* C, long ldc, const float* A, long rs, long ks, const float* Bm, long ldb, long K,
                   bool accumulate) {
  using V = typename X::V;
  V acc[MR][NV];
#pragma GCC unroll 16
  for (int r = 0; r < MR; r++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) acc[r][v] = accumulate ? X::load(C + r * ldc + v * X::W) : X::zero();
  for (long k = 0; k < K; k++) {
    V b[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) b[v] = X::load(Bm + k * ldb + v * X::W);
    const float* ak = A + k * ks;
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++) {
      const V a = X::bcast(ak + r * rs);
#pragma GCC unroll 4
      for (int v = 0; v < NV; v++) acc[r][v] = X::fma(a, b[v], acc[r][v]);
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < MR; r++)
#pragma GCC unroll 4
    for (int v = 0; v < NV; v++) X::store(C + r * ldc + v * X::W, acc[r][v]);
}

template <class X, int MR>
inline void tileNNcols(int nv, float* C, long ldc, const float* A, long rs, long ks, const float* Bm, long ldb, long K,
                       bool accumulate) {
  switch (nv) {
    case 1: tileNN<X, MR, 1>(C, ldc, A, rs, ks, Bm, ldb, K, accumulate); break;
    case 2: tileNN<X, MR, 2>(C, ldc, A, rs, ks, Bm, ldb, K, accumulate); break;
    case 3: tileNN<X, MR, 3>(C, ldc, A, rs, ks, Bm, ldb, K, accumulate); break;
    default: tileNN<X, MR, 4>(C, ldc, A, rs, ks, Bm, ldb, K, accumulate); break;
  }
}

/**
 * C[M, N] (+)= A[M, K] · Bm[K, N] with A(r, k) = A[r·rs + k·ks] (so Aᵀ is rs = 1, ks = its row stride);
 * N a multiple of W, any M. Column chunks of up to 4 vectors, MRB rows per tile.
 */
template <class X>
void productNN(float* C, long ldc, const float* A, long rs, long ks, const float* Bm, long ldb, long M, long N, long K,
               bool accumulate) {
  for (long c = 0; c < N; c += 4 * X::W) {
    const int nv = static_cast<int>(minOf(4, (N - c) / X::W));
    long i = 0;
    for (; i + X::MRB <= M; i += X::MRB)
      tileNNcols<X, X::MRB>(nv, C + i * ldc + c, ldc, A + i * rs, rs, ks, Bm + c, ldb, K, accumulate);
    float* Ci = C + i * ldc + c;
    const float* Ai = A + i * rs;
    switch (M - i) {
      case 0: break;
      case 1: tileNNcols<X, 1>(nv, Ci, ldc, Ai, rs, ks, Bm + c, ldb, K, accumulate); break;
      case 2: tileNNcols<X, 2>(nv, Ci, ldc, Ai, rs, ks, Bm + c, ldb, K, accumulate); break;
      case 3: tileNNcols<X, 3>(nv, Ci, ldc, Ai, rs, ks, Bm + c, ldb, K, accumulate); break;
      case 4: tileNNcols<X, 4>(nv, Ci, ldc, Ai, rs, ks, Bm + c, ldb, K, accumulate); break;
      default: tileNNcols<X, 5>(nv, Ci, ldc, Ai, rs, ks, Bm + c, ldb, K, accumulate); break;  // MRB ≤ 6
    }
  }
}

/**
 * One row of scores s[0:Tp] (T real) -> e = exp(s − max) in place (0 in the padding); st = (max, Σ e).
 * The forward leaves e unnormalised: O = (E·V) / sum row by row (HD divisions per row instead of T).
 */
template <class X>
inline void expRow(float* s, long T, long Tp, float* st) {
  using V = typename X::V;
  V vm = X::set1(-__builtin_inff());
  long j = 0;
  for (; j + X::W <= T; j += X::W) vm = X::max(vm, X::load(s + j));
  float m = hmax<X>(vm);
  for (; j < T; j++) m = s[j] > m ? s[j] : m;
  for (j = T; j < Tp; j++) s[j] = -__builtin_inff();  // exp -> 0
  const V vmax = X::set1(m);
  V vs = X::zero();
  for (j = 0; j < Tp; j += X::W) {
    const V e = X::expNeg(X::sub(X::load(s + j), vmax));
    X::store(s + j, e);
    vs = X::add(vs, e);
  }
  st[0] = m;
  st[1] = static_cast<float>(hsum<X>(vs));
}

/**
 * The forward's probabilities exp(s − max)·(1/sum) from the scores and the saved (max, sum), in place (the
 * forward divides E·V by the sum instead: the same up to rounding).
 */
template <class X>
inline void probsRow(float* s, long T, long Tp, const float* st) {
  using V = typename X::V;
  for (long j = T; j < Tp; j++) s[j] = -__builtin_inff();
  const V vmax = X::set1(st[0]), inv = X::set1(1.f / st[1]);
  for (long j = 0; j < Tp; j += X::W) X::store(s + j, X::mul(X::expNeg(X::sub(X::load(s + j), vmax)), inv));
}

/** dS = P ⊙ (dP − Σ P ⊙ dP)·scale in place of dP, one row (padded columns have P = dP = 0). */
template <class X>
inline void gradScoresRow(float* ds, const float* p, long Tp, float scale) {
  using V = typename X::V;
  V acc = X::zero();
  for (long j = 0; j < Tp; j += X::W) acc = X::add(acc, X::mul(X::load(p + j), X::load(ds + j)));
  const V rowDot = X::set1(static_cast<float>(hsum<X>(acc))), vs = X::set1(scale);
  for (long j = 0; j < Tp; j += X::W)
    X::store(ds + j, X::mul(X::mul(X::load(p + j), X::sub(X::load(ds + j), rowDot)), vs));
}

template <class X>
long forwardScratch(long T, long HD, long rows) {
  const long HDp = roundUp(HD, X::W), Tp = roundUp(T, X::W), Mb = roundUp(minOf(rows, T), kTileRows);
  return 2 * Tp * HDp + 2 * Mb * HDp + Mb * Tp;
}

template <class X>
void forwardRows(const Args& a, long bh, long r0, long r1, long rowsPerBlock, float* scratch) {
  const long T = a.T, HD = a.HD, D = a.NH * HD, ld = 3 * D;
  const long HDp = roundUp(HD, X::W), Tp = roundUp(T, X::W), Mb = roundUp(minOf(rowsPerBlock, T), kTileRows);
  const long b = bh / a.NH, h = bh % a.NH;
  const float* q = a.qkv + b * T * ld + h * HD;
  float* Kt = scratch;        // [HDp, Tp] the head's keys, transposed
  float* Vp = Kt + HDp * Tp;  // [Tp, HDp] its values (packed: strided rows of qkv thrash the cache at large T)
  float* Qp = Vp + Tp * HDp;  // [Mb, HDp] a block's queries
  float* O = Qp + Mb * HDp;   // [Mb, HDp]
  float* S = O + Mb * HDp;    // [Mb, Tp] scores, then exp(scores − max)
  packTransposed(Kt, q + D, ld, T, Tp, HD, HDp);
  packRows(Vp, q + 2 * D, ld, T, T, HD, HDp);
  for (long i0 = r0; i0 < r1; i0 += rowsPerBlock) {
    const long rows = minOf(rowsPerBlock, r1 - i0), Mp = roundUp(rows, kTileRows);
    packRows(Qp, q + i0 * ld, ld, rows, Mp, HD, HDp);
    productNT<X>(S, Tp, Qp, HDp, Kt, Tp, Mp, Tp, HDp, a.scale);
    float* st = a.stats + (bh * T + i0) * 2;
    for (long i = 0; i < rows; i++) expRow<X>(S + i * Tp, T, Tp, st + 2 * i);
    productNN<X>(O, HDp, S, Tp, 1, Vp, HDp, rows, HDp, T, false);  // E·V
    float* o = a.out + (b * T + i0) * D + h * HD;
    for (long i = 0; i < rows; i++) {
      const float l = st[2 * i + 1];
      const typename X::V vl = X::set1(l);
      long c = 0;
      for (; c + X::W <= HD; c += X::W) X::store(o + i * D + c, X::div(X::load(O + i * HDp + c), vl));
      for (; c < HD; c++) o[i * D + c] = O[i * HDp + c] / l;
    }
  }
}

template <class X>
long backwardScratch(long T, long HD, long rows) {
  const long HDp = roundUp(HD, X::W), Tp = roundUp(T, X::W), Mp = roundUp(minOf(rows, T), kTileRows);
  return 5 * Tp * HDp + 3 * Mp * HDp + 2 * Mp * Tp;
}

template <class X>
void backwardHead(const Args& a, long bh, long rowsPerBlock, float* scratch) {
  const long T = a.T, HD = a.HD, D = a.NH * HD, ld = 3 * D;
  const long HDp = roundUp(HD, X::W), Tp = roundUp(T, X::W), Mb = roundUp(minOf(rowsPerBlock, T), kTileRows);
  const long b = bh / a.NH, h = bh % a.NH;
  const float* q = a.qkv + b * T * ld + h * HD;
  const float* k = q + D;
  const float* v = q + 2 * D;
  float* dq = a.dQkv + b * T * ld + h * HD;
  float* dk = dq + D;
  float* dv = dq + 2 * D;
  const float* dO = a.dOut + b * T * D + h * HD;
  float* Kt = scratch;        // [HDp, Tp] keys, transposed
  float* Vt = Kt + HDp * Tp;  // [HDp, Tp] values, transposed
  float* Kp = Vt + HDp * Tp;  // [Tp, HDp] keys
  float* dK = Kp + Tp * HDp;  // [Tp, HDp] summed over the query blocks
  float* dV = dK + Tp * HDp;  // [Tp, HDp]
  float* Qp = dV + Tp * HDp;  // [Mb, HDp] the block's queries
  float* dOp = Qp + Mb * HDp; // [Mb, HDp] and output gradients
  float* dQ = dOp + Mb * HDp; // [Mb, HDp]
  float* P = dQ + Mb * HDp;   // [Mb, Tp]
  float* dS = P + Mb * Tp;    // [Mb, Tp] dP, then dS
  packTransposed(Kt, k, ld, T, Tp, HD, HDp);
  packTransposed(Vt, v, ld, T, Tp, HD, HDp);
  packRows(Kp, k, ld, T, T, HD, HDp);
  for (long i = 0; i < 2 * Tp * HDp; i++) dK[i] = 0.f;  // dK, dV (adjacent)
  for (long r0 = 0; r0 < T; r0 += rowsPerBlock) {
    const long rows = minOf(rowsPerBlock, T - r0), Mp = roundUp(rows, kTileRows);
    packRows(Qp, q + r0 * ld, ld, rows, Mp, HD, HDp);
    packRows(dOp, dO + r0 * D, D, rows, Mp, HD, HDp);
    productNT<X>(P, Tp, Qp, HDp, Kt, Tp, Mp, Tp, HDp, a.scale);  // S
    productNT<X>(dS, Tp, dOp, HDp, Vt, Tp, Mp, Tp, HDp, 1.f);   // dP = dO·Vᵀ
    const float* st = a.saved + (bh * T + r0) * 2;
    for (long i = 0; i < rows; i++) {
      probsRow<X>(P + i * Tp, T, Tp, st + 2 * i);
      gradScoresRow<X>(dS + i * Tp, P + i * Tp, Tp, a.scale);
    }
    // rows [rows, Mp) of P and dS hold padding: the products below stop at `rows`
    productNN<X>(dV, HDp, P, 1, Tp, dOp, HDp, T, HDp, rows, true);                               // dV += Pᵀ·dO
    productNN<X>(dQ, HDp, dS, Tp, 1, Kp, HDp, rows, HDp, T, false);  // dQ = dS·K
    productNN<X>(dK, HDp, dS, 1, Tp, Qp, HDp, T, HDp, rows, true);                              // dK += dSᵀ·Q
    for (long i = 0; i < rows; i++)
      for (long c = 0; c < HD; c++) dq[(r0 + i) * ld + c] = dQ[i * HDp + c];
  }
  for (long j = 0; j < T; j++)
    for (long c = 0; c < HD; c++) {
      dk[j * ld + c] = dK[j * HDp + c];
      dv[j * ld + c] = dV[j * HDp + c];
    }
}

}  // namespace attn
}  // namespace hrm
