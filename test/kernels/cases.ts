// The kernel parity table shared by the fast backends' tests (native.test.ts, wasm.test.ts): every kernel
// against the reference on seeded random inputs, forward and backward, at shapes of 1, primes, sizes that
// miss the fast paths' register tiles and cache blocks, and HRM-like sizes. Each backend gives its matmul
// shapes and elementwise lengths (those that cross its own tiles, blocks and chunks).
//
// Criterion (per output buffer): max_i |backend_i − ref_i| ≤ tol · max_i |ref_i|, with
//   tol = 1e-5 for f32 kernels that sum in another order or use a vectorised or polynomial exp (matmul,
//         RMSNorm, softmax, attention, SwiGLU);
//   tol = 1e-5 for bf16 matmul too: every backend rounds A and B to bf16 identically (ties to even), a
//         bf16·bf16 product is exact in f32 (and in an FMA), so only the order of the f32 accumulation differs;
//   exact (bitwise) for RoPE, embedding, add/scale/axpy, bf16 rounding and packing, and AdamATan2's moments,
//         which compute exactly what the reference computes; AdamATan2's parameters within 1 ulp (atan2 from
//         another libm, rounded to float32 once).
import type { Rng } from "../../src/engine/rng.js";
import type { MatmulDims } from "../../src/engine/kernels.js";
import { referenceKernels as ref } from "../../src/kernels/reference/index.js";
import type { Case } from "./parity.js";
import { f32, i32, ids, rand, u16 } from "./parity.js";

export interface TableSizes {
  /** matmul [M, K, N]: every transA/transB/accumulate combination, in f32 and bf16. */
  readonly matmulShapes: ReadonlyArray<readonly [number, number, number]>;
  /** Leave out some combinations (combo bits: 1 transA, 2 transB, 4 accumulate) to bound the reference's time. */
  readonly skipMatmul?: (M: number, precision: "f32" | "bf16", combo: number) => boolean;
  /** Lengths of the elementwise kernels' buffers (add, scale, axpy, bf16 rounding and packing, AdamATan2). */
  readonly elementwise: readonly number[];
}

export function kernelCases(s: TableSizes): Case[] {
  const cases: Case[] = [];
  for (const [M, K, N] of s.matmulShapes) {
    for (const precision of ["f32", "bf16"] as const) {
      for (let combo = 0; combo < 8; combo++) {
        if (s.skipMatmul?.(M, precision, combo) === true) continue;
        const d: MatmulDims = { M, K, N, transA: (combo & 1) !== 0, transB: (combo & 2) !== 0, accumulate: (combo & 4) !== 0, precision };
        cases.push({
          name: `matmul M=${M} K=${K} N=${N} ${precision} transA=${d.transA} transB=${d.transB} accumulate=${d.accumulate}`,
          make: (rng) => ({ out: rand(rng, M * N, 3), a: rand(rng, M * K), b: rand(rng, K * N) }),
          run: (k, b) => k.matmul(f32(b, "out"), f32(b, "a"), f32(b, "b"), d),
          check: { out: 1e-5 },
        });
      }
    }
    // bf16 operands already rounded (aRounded / bRounded: a backend may use them in place): the same products
    for (const [aRounded, bRounded] of [[true, false], [false, true], [true, true]] as const) {
      if (s.skipMatmul?.(M, "bf16", 7) === true) continue;
      const d: MatmulDims = { M, K, N, transB: true, accumulate: true, precision: "bf16", aRounded, bRounded };
      cases.push({
        name: `matmul M=${M} K=${K} N=${N} bf16 transB=true accumulate=true aRounded=${aRounded} bRounded=${bRounded}`,
        make: (rng) => {
          const a = rand(rng, M * K), b = rand(rng, K * N);
          if (aRounded) ref.roundBf16(a, a, a.length);
          if (bRounded) ref.roundBf16(b, b, b.length);
          return { out: rand(rng, M * N, 3), a, b };
        },
        run: (k, b) => k.matmul(f32(b, "out"), f32(b, "a"), f32(b, "b"), d),
        check: { out: 1e-5 },
      });
    }
  }

  cases.push({
    name: "matmul K=0 writes zeros (accumulate: leaves out as it is)",
    make: (rng) => ({ out: rand(rng, 6), out2: rand(rng, 6), a: new Float32Array(0), b: new Float32Array(0) }),
    run: (k, b) => {
      k.matmul(f32(b, "out"), f32(b, "a"), f32(b, "b"), { M: 2, K: 0, N: 3 });
      k.matmul(f32(b, "out2"), f32(b, "a"), f32(b, "b"), { M: 2, K: 0, N: 3, accumulate: true });
    },
    check: { out: "exact", out2: "exact" },
  });
  cases.push({
    name: "matmul on pool buffers longer than needed (the tail is not touched)",
    make: (rng) => ({ out: rand(rng, 7 * 5 + 11), a: rand(rng, 7 * 13 + 3), b: rand(rng, 13 * 5 + 9) }),
    run: (k, b) => k.matmul(f32(b, "out"), f32(b, "a"), f32(b, "b"), { M: 7, K: 13, N: 5, accumulate: true }),
    check: { out: 1e-5 },
  });

  batchedMatmulCases(cases);

  for (const [rows, D] of [[1, 1], [3, 7], [97, 33], [164, 512]] as const) {
    const eps = 1e-5;
    cases.push({
      name: `rmsNormForward rows=${rows} D=${D}`,
      make: (rng) => ({ out: new Float32Array(rows * D), rstd: new Float32Array(rows), x: rand(rng, rows * D, 2) }),
      run: (k, b) => k.rmsNormForward(f32(b, "out"), f32(b, "rstd"), f32(b, "x"), { rows, D, eps }),
      check: { out: 1e-5, rstd: 1e-5 },
    });
    cases.push({
      name: `rmsNormBackward rows=${rows} D=${D}`,
      make: (rng) => {
        const x = rand(rng, rows * D, 2), y = new Float32Array(rows * D), rstd = new Float32Array(rows);
        ref.rmsNormForward(y, rstd, x, { rows, D, eps });
        return { dX: new Float32Array(rows * D), dOut: rand(rng, rows * D), y, rstd };
      },
      run: (k, b) => k.rmsNormBackward(f32(b, "dX"), f32(b, "dOut"), f32(b, "y"), f32(b, "rstd"), { rows, D }),
      check: { dX: 1e-5 },
    });
    for (const roundSum of [false, true]) {
      cases.push({
        name: `addRmsNormForward rows=${rows} D=${D} roundSum=${roundSum}`,
        make: (rng) => ({ out: new Float32Array(rows * D), rstd: new Float32Array(rows), a: rand(rng, rows * D, 2), b: rand(rng, rows * D, 2) }),
        run: (k, b) => k.addRmsNormForward(f32(b, "out"), f32(b, "rstd"), f32(b, "a"), f32(b, "b"), { rows, D, eps, roundSum }),
        check: { out: 1e-5, rstd: 1e-5 },
      });
    }
  }

  // RMSNorm down a strided axis (NormDims.inner): x [rows, D, inner]; TRM's mlp_t norm [B, T, D] over T, and
  // inner widths across the native kernel's 64-vector column blocks
  for (const [rows, D, inner] of [[1, 1, 2], [3, 7, 5], [2, 13, 67], [2, 97, 128]] as const) {
    const eps = 1e-5, n = rows * D * inner, what = `rows=${rows} D=${D} inner=${inner}`;
    cases.push({
      name: `rmsNormForward ${what}`,
      make: (rng) => ({ out: new Float32Array(n), rstd: new Float32Array(rows * inner), x: rand(rng, n, 2) }),
      run: (k, b) => k.rmsNormForward(f32(b, "out"), f32(b, "rstd"), f32(b, "x"), { rows, D, inner, eps }),
      check: { out: 1e-5, rstd: 1e-5 },
    });
    cases.push({
      name: `rmsNormBackward ${what}`,
      make: (rng) => {
        const x = rand(rng, n, 2), y = new Float32Array(n), rstd = new Float32Array(rows * inner);
        ref.rmsNormForward(y, rstd, x, { rows, D, inner, eps });
        return { dX: new Float32Array(n), dOut: rand(rng, n), y, rstd };
      },
      run: (k, b) => k.rmsNormBackward(f32(b, "dX"), f32(b, "dOut"), f32(b, "y"), f32(b, "rstd"), { rows, D, inner }),
      check: { dX: 1e-5 },
    });
    for (const roundSum of [false, true]) {
      cases.push({
        name: `addRmsNormForward ${what} roundSum=${roundSum}`,
        make: (rng) => ({ out: new Float32Array(n), rstd: new Float32Array(rows * inner), a: rand(rng, n, 2), b: rand(rng, n, 2) }),
        run: (k, b) => k.addRmsNormForward(f32(b, "out"), f32(b, "rstd"), f32(b, "a"), f32(b, "b"), { rows, D, inner, eps, roundSum }),
        check: { out: 1e-5, rstd: 1e-5 },
      });
    }
  }

  function ropeTables(rng: Rng, T: number, HD: number): { cos: Float32Array; sin: Float32Array } {
    const cos = new Float32Array(T * HD), sin = new Float32Array(T * HD);
    for (let i = 0; i < T * HD; i++) {
      const a = rng.uniform() * 2 * Math.PI;
      cos[i] = Math.cos(a);
      sin[i] = Math.sin(a);
    }
    return { cos, sin };
  }
    for (const [B, T, NH, HD] of [[1, 1, 1, 2], [2, 5, 3, 6], [3, 7, 2, 10], [2, 82, 8, 64]] as const) {
    const n = B * T * 3 * NH * HD, dims = { B, T, NH, HD };
    cases.push({
      name: `ropeForward B=${B} T=${T} NH=${NH} HD=${HD}`,
      make: (rng) => ({ out: new Float32Array(n), qkv: rand(rng, n), ...ropeTables(rng, T, HD) }),
      run: (k, b) => k.ropeForward(f32(b, "out"), f32(b, "qkv"), f32(b, "cos"), f32(b, "sin"), dims),
      check: { out: "exact" },
    });
    cases.push({
      name: `ropeBackward B=${B} T=${T} NH=${NH} HD=${HD}`,
      make: (rng) => ({ dQkv: new Float32Array(n), dOut: rand(rng, n), ...ropeTables(rng, T, HD) }),
      run: (k, b) => k.ropeBackward(f32(b, "dQkv"), f32(b, "dOut"), f32(b, "cos"), f32(b, "sin"), dims),
      check: { dQkv: "exact" },
    });
  }

  // attention: HD off the vector widths (2, 6, 10, 20: padded), the presets' heads (sudoku-cpu T = 82 HD = 32,
  // the paper's HD = 64, TRM's T = 97 and 100), odd T, and T past one block of query rows (300) up to ~1024.
  const attentionShapes = [[1, 1, 1, 2], [2, 5, 3, 6], [3, 7, 2, 10], [1, 13, 3, 20], [2, 82, 4, 32], [2, 82, 8, 64],
    [1, 97, 2, 64], [1, 100, 2, 32], [1, 300, 1, 16], [1, 1030, 1, 8]] as const;
  for (const [B, T, NH, HD] of attentionShapes) attentionCases(cases, B, T, NH, HD, 2);
  attentionCases(cases, 2, 37, 2, 16, 8); // scores up to ~250: many probabilities underflow to 0

    for (const [rows, I] of [[1, 1], [5, 13], [3, 37], [164, 1536]] as const) {
    cases.push({
      name: `swigluForward rows=${rows} I=${I}`,
      make: (rng) => ({ out: new Float32Array(rows * I), gateUp: rand(rng, rows * 2 * I, 6) }),
      run: (k, b) => k.swigluForward(f32(b, "out"), f32(b, "gateUp"), { rows, I }),
      check: { out: 1e-5 },
    });
    cases.push({
      name: `swigluBackward rows=${rows} I=${I}`,
      make: (rng) => ({ dGateUp: new Float32Array(rows * 2 * I), dOut: rand(rng, rows * I), gateUp: rand(rng, rows * 2 * I, 6) }),
      run: (k, b) => k.swigluBackward(f32(b, "dGateUp"), f32(b, "dOut"), f32(b, "gateUp"), { rows, I }),
      check: { dGateUp: 1e-5 },
    });
  }

    cases.push({
    name: "swigluForward/Backward at |gate| up to 120 (exp clamps)",
    make: (rng) => ({ out: new Float32Array(3 * 11), dGateUp: new Float32Array(3 * 22), dOut: rand(rng, 3 * 11), gateUp: rand(rng, 3 * 22, 120) }),
    run: (k, b) => {
      k.swigluForward(f32(b, "out"), f32(b, "gateUp"), { rows: 3, I: 11 });
      k.swigluBackward(f32(b, "dGateUp"), f32(b, "dOut"), f32(b, "gateUp"), { rows: 3, I: 11 });
    },
    check: { out: 1e-5, dGateUp: 1e-5 },
  });

    for (const [rows, D, scale] of [[1, 1, 20], [3, 82, 20], [7, 1001, 20], [82, 82, 20], [5, 9, 200]] as const) {
    cases.push({
      name: `softmaxForward rows=${rows} D=${D} |x| ≤ ${scale}`,
      make: (rng) => ({ out: new Float32Array(rows * D), x: rand(rng, rows * D, scale) }),
      run: (k, b) => k.softmaxForward(f32(b, "out"), f32(b, "x"), { rows, D }),
      check: { out: 1e-5 },
    });
  }

    for (const [n, D, V] of [[1, 1, 1], [17, 13, 5], [9, 100, 3], [164, 512, 11]] as const) {
    cases.push({
      name: `embeddingForward n=${n} D=${D} V=${V}`,
      make: (rng) => ({ out: new Float32Array(n * D), table: rand(rng, V * D), ids: ids(rng, n, V) }),
      run: (k, b) => k.embeddingForward(f32(b, "out"), f32(b, "table"), i32(b, "ids"), { n, D, V }),
      check: { out: "exact" },
    });
    cases.push({
      name: `embeddingBackward n=${n} D=${D} V=${V} (repeated ids accumulate)`,
      make: (rng) => ({ dTable: rand(rng, V * D), dOut: rand(rng, n * D), ids: ids(rng, n, V) }),
      run: (k, b) => k.embeddingBackward(f32(b, "dTable"), f32(b, "dOut"), i32(b, "ids"), { n, D, V }),
      check: { dTable: "exact" },
    });
  }

  // TRM mlp_t's [B, T, D] <-> [B, D, T] at the CPU preset's size, odd sizes across the 32-tile, one row
  for (const [B, X, Y] of [[32, 97, 128], [3, 37, 33], [1, 1, 5]] as const) {
    for (const accumulate of [false, true]) {
      cases.push({
        name: `transpose B=${B} X=${X} Y=${Y}${accumulate ? " accumulate" : ""}`,
        make: (rng) => ({ out: rand(rng, B * X * Y), x: rand(rng, B * X * Y) }),
        run: (k, b) => k.transpose(f32(b, "out"), f32(b, "x"), { B, X, Y, accumulate }),
        check: { out: "exact" },
      });
    }
  }
  for (const n of s.elementwise) {
    cases.push(...bf16PackCases(n));
    cases.push({
      name: `add n=${n} (out aliases a)`,
      make: (rng) => ({ a: rand(rng, n), b: rand(rng, n) }),
      run: (k, b) => k.add(f32(b, "a"), f32(b, "a"), f32(b, "b"), n),
      check: { a: "exact" },
    });
    cases.push({
      name: `scale n=${n}`,
      make: (rng) => ({ out: new Float32Array(n), a: rand(rng, n) }),
      run: (k, b) => k.scale(f32(b, "out"), f32(b, "a"), 0.1, n),
      check: { out: "exact" },
    });
    cases.push({
      name: `axpy n=${n}`,
      make: (rng) => ({ dst: rand(rng, n), src: rand(rng, n) }),
      run: (k, b) => k.axpy(f32(b, "dst"), f32(b, "src"), -1 / 3, n),
      check: { dst: "exact" },
    });
    cases.push({
      name: `roundBf16 n=${n} (out aliases a)`,
      make: (rng) => ({ a: bf16Edges(rng, n) }),
      run: (k, b) => k.roundBf16(f32(b, "a"), f32(b, "a"), n),
      check: { a: "exact" },
    });
    cases.push({
      name: `roundBf16 n=${n} (ties, NaN, ±Inf, overflow, denormals)`,
      make: (rng) => ({ out: new Float32Array(n), a: bf16Edges(rng, n) }),
      run: (k, b) => k.roundBf16(f32(b, "out"), f32(b, "a"), n),
      check: { out: "exact" },
    });
    for (const [step, lr, wd] of [[1, 1e-4, 0.1], [7, 3e-3, 1.0]] as const) {
      cases.push({
        name: `adamAtan2Update n=${n} step=${step} lr=${lr} weightDecay=${wd}`,
        make: (rng) => {
          const grad = rand(rng, n, 0.01);
          if (n > 3) { grad[0] = 0; grad[1] = 1e-30; grad[2] = -5; } // zero, tiny, large
          const expAvgSq = rand(rng, n, 1e-4).map(Math.abs);
          if (n > 3) expAvgSq[0] = 0; // atan2(m, 0)
          return { param: rand(rng, n), grad, expAvg: rand(rng, n, 1e-3), expAvgSq };
        },
        run: (k, b) => k.adamAtan2Update(f32(b, "param"), f32(b, "grad"), f32(b, "expAvg"), f32(b, "expAvgSq"),
          { n, lr, beta1: 0.9, beta2: 0.95, weightDecay: wd, step }),
        check: { param: "ulp1", expAvg: "exact", expAvgSq: "exact" },
      });
    }
  }
  return cases;
}

/**
 * bf16 packing, shared by the backends' tables: every bit pattern's unpacked value, and packing of random
 * values with ties, NaN, ±Inf, overflow to Inf, denormals and −0 (exact: the bits must match).
 */
export function bf16PackCases(n: number): Case[] {
  return [{
    name: `packBf16 n=${n} (ties, NaN, ±Inf, overflow, denormals)`,
    make: (rng) => ({ dst: new Uint16Array(n), src: bf16Edges(rng, n) }),
    run: (k, b) => k.packBf16(u16(b, "dst"), f32(b, "src"), n),
    check: { dst: "exact" },
  }, {
    name: `unpackBf16 n=${n} (bit patterns)`,
    make: (rng) => {
      const src = new Uint16Array(n);
      for (let i = 0; i < n; i++) src[i] = n >= 65536 ? i : rng.int(0, 65535);
      return { dst: new Float32Array(n), src };
    },
    run: (k, b) => k.unpackBf16(f32(b, "dst"), u16(b, "src"), n),
    check: { dst: "exact" },
  }];
}

/** n random values in ±1000 led by bf16's edge cases: ties (to even), NaN, ±Inf, overflow to Inf, a denormal, −0. */
function bf16Edges(rng: Rng, n: number): Float32Array {
  const a = rand(rng, n, 1000);
  const special = [0.5, 1 + 2 ** -8, 1 + 3 * 2 ** -8, -(1 + 2 ** -8), NaN, Infinity, -Infinity, 3.4e38, 1e-40, -0];
  for (let i = 0; i < Math.min(n, special.length); i++) a[i] = special[i]!;
  return a;
}

/**
 * The table every fast backend runs (backends.test.ts): matmul shapes that cross WASM's 5x8 register tile and
 * its KC/MC/NC blocks ([125, 263, 1030]: MC = 120, KC = 256, NC = 512, and misses the tile in M and N) and
 * the HRM size (164 rows = 2 sequences of 82 tokens), elementwise sizes across the 1 Mi-element chunk, and
 * every bf16 bit pattern for unpack.
 */
export function backendCases(): Case[] {
  return [
    ...kernelCases({
      matmulShapes: [[1, 1, 1], [7, 13, 5], [17, 31, 29], [33, 65, 47], [164, 512, 192], [125, 263, 1030]],
      skipMatmul: (M, precision, combo) => M === 125 && precision === "bf16" && combo !== 7, // the reference's time
      elementwise: [1, 7, 1001, (1 << 20) + 5],
    }),
    ...bf16PackCases(65536),
  ];
}

/**
 * attentionForward (out and stats), and attentionBackward from the backend's own forward stats (as the op runs
 * them: the stats only make sense with the scores of the same backend), qkv uniform in ±qkvScale.
 */
function attentionCases(cases: Case[], B: number, T: number, NH: number, HD: number, qkvScale: number): void {
  const d = { B, T, NH, HD, scale: 1 / Math.sqrt(HD) };
  const n = B * T * 3 * NH * HD, nOut = B * T * NH * HD, nStats = B * NH * T * 2;
  const what = `B=${B} T=${T} NH=${NH} HD=${HD}${qkvScale === 2 ? "" : ` |qkv| ≤ ${qkvScale}`}`;
  cases.push({
    name: `attentionForward ${what}`,
    make: (rng) => ({ out: new Float32Array(nOut), stats: new Float32Array(nStats), qkv: rand(rng, n, qkvScale) }),
    run: (k, b) => k.attentionForward(f32(b, "out"), f32(b, "stats"), f32(b, "qkv"), d),
    check: { out: 1e-5, stats: 1e-5 },
  });
  cases.push({
    name: `attentionBackward ${what}`,
    make: (rng) => ({ dQkv: rand(rng, n), dOut: rand(rng, nOut), qkv: rand(rng, n, qkvScale) }), // dQkv: written
    run: (k, b) => {
      const stats = new Float32Array(nStats);
      k.attentionForward(new Float32Array(nOut), stats, f32(b, "qkv"), d);
      k.attentionBackward(f32(b, "dQkv"), f32(b, "dOut"), f32(b, "qkv"), stats, d);
    },
    check: { dQkv: 1e-5 },
  });
}

/**
 * Batched matmul (MatmulDims.batch): an operand broadcast (stride 0) or strided with gaps between the items
 * (the gaps of out must stay as they were), the batch summed into one out (strideOut 0, with and without
 * accumulate), TRM's mlp_t products (the token weight from the left of [T, D] items, its gradient summed over
 * the batch), in f32 and bf16; count 1 and count 0 (nothing written).
 */
function batchedMatmulCases(cases: Case[]): void {
  interface Batched { M: number; K: number; N: number; transA?: boolean; transB?: boolean; accumulate?: boolean; count: number; sA: number; sB: number; sOut: number }
  const list: [string, Batched][] = [
    ["weight from the left (A broadcast)", { M: 7, K: 13, N: 5, count: 3, sA: 0, sB: 13 * 5, sOut: 7 * 5 }],
    ["A broadcast, transA, accumulate", { M: 7, K: 13, N: 5, transA: true, accumulate: true, count: 4, sA: 0, sB: 13 * 5, sOut: 7 * 5 }],
    ["B broadcast, transB, gaps between items", { M: 6, K: 9, N: 11, transB: true, count: 3, sA: 6 * 9 + 4, sB: 0, sOut: 6 * 11 + 3 }],
    ["both strided, gaps, transA and transB", { M: 17, K: 31, N: 29, transA: true, transB: true, count: 2, sA: 17 * 31 + 1, sB: 31 * 29 + 7, sOut: 17 * 29 + 5 }],
    ["summed into one out", { M: 5, K: 8, N: 3, transB: true, count: 4, sA: 5 * 8, sB: 3 * 8, sOut: 0 }],
    ["summed into one out, accumulate", { M: 5, K: 8, N: 3, transB: true, accumulate: true, count: 4, sA: 5 * 8, sB: 3 * 8, sOut: 0 }],
    ["one item", { M: 4, K: 6, N: 5, count: 1, sA: 0, sB: 0, sOut: 0 }],
    ["mlp_t gate_up: W [2I, T] · h[b] [T, D]", { M: 64, K: 97, N: 32, count: 3, sA: 0, sB: 97 * 32, sOut: 64 * 32 }],
    ["mlp_t dX: Wᵀ · dY[b]", { M: 97, K: 64, N: 32, transA: true, accumulate: true, count: 3, sA: 0, sB: 64 * 32, sOut: 97 * 32 }],
    ["mlp_t dW: Σ_b dY[b] · h[b]ᵀ", { M: 64, K: 32, N: 97, transB: true, accumulate: true, count: 3, sA: 64 * 32, sB: 97 * 32, sOut: 0 }],
  ];
  const span = (count: number, stride: number, n: number): number => (count - 1) * stride + n;
  for (const [what, c] of list) {
    for (const precision of ["f32", "bf16"] as const) {
      const d: MatmulDims = {
        M: c.M, K: c.K, N: c.N, transA: c.transA, transB: c.transB, accumulate: c.accumulate, precision,
        batch: { count: c.count, strideA: c.sA, strideB: c.sB, strideOut: c.sOut },
      };
      cases.push({
        name: `matmul batch ${what}: count=${c.count} M=${c.M} K=${c.K} N=${c.N} strides ${c.sA}/${c.sB}/${c.sOut} ${precision}`,
        make: (rng) => ({
          out: rand(rng, span(c.count, c.sOut, c.M * c.N), 3),
          a: rand(rng, span(c.count, c.sA, c.M * c.K)),
          b: rand(rng, span(c.count, c.sB, c.K * c.N)),
        }),
        run: (k, b) => k.matmul(f32(b, "out"), f32(b, "a"), f32(b, "b"), d),
        check: { out: 1e-5 },
      });
    }
  }
  cases.push({
    name: "matmul batch count=0 writes nothing",
    make: (rng) => ({ out: rand(rng, 6), a: rand(rng, 4), b: rand(rng, 6) }),
    run: (k, b) => k.matmul(f32(b, "out"), f32(b, "a"), f32(b, "b"), { M: 2, K: 2, N: 3, batch: { count: 0, strideA: 4, strideB: 6, strideOut: 6 } }),
    check: { out: "exact" },
  });
}
