// Matrix products on oneDNN matmul primitives, cached by shape, transposes, accumulate and precision.
//
// Layout: row-major. op(A) is [M,K]: stored [M,K] (strides K,1) or, if transA, [K,M] (strides 1,M).
// op(B) is [K,N]: stored [K,N] (strides N,1) or, if transB, [N,K] (strides 1,K). out is [M,N].
// accumulate: a sum post-op (out = out + A·B), exact in f32 like the reference's out[o] + acc.
// A batch (matmul_batch) is one 3-D primitive whose operands carry their batch strides (stride 0: the
// operand is broadcast, as a weight shared by the batch). A batch summed into one out (strideOut 0, a
// weight's gradient) is, on one thread, a loop of accumulating products; on more, one batched product into
// scratch and a parallel sum over the batch (a loop would open one parallel region per product, and each
// region's barrier costs a time slice whenever the cores are shared). Any batch that oneDNN has only a
// reference kernel for runs as the loop.
//
// bf16: A and B are rounded to bfloat16 (round to nearest even, as torch's .to(bfloat16)) and multiplied
// with f32 accumulation. Where oneDNN has a bf16 matmul (AVX-512 BF16 / AMX), the rounded operands are
// stored as bf16 and it runs natively; elsewhere (AVX2: oneDNN has no bf16 matmul there) the rounded
// values are kept in f32 and the f32 primitive runs: the same products (a bf16·bf16 product is exact
// in f32), the same accumulation, at f32 speed.
#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "common.h"
#include "kernels.h"

namespace hrm {

namespace {

using dt = dnnl::memory::data_type;

dnnl::engine& cpu_engine() {
  static dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}

/** A batch of products: count 0 for a single 2-D product; a stride of 0 broadcasts that operand. */
struct Batch {
  long count = 0, sA = 0, sB = 0, sOut = 0;
  bool operator==(const Batch& o) const { return count == o.count && sA == o.sA && sB == o.sB && sOut == o.sOut; }
};
struct Key {
  long M, K, N;
  bool tA, tB, acc;
  dt type;  // requested operand type: f32 or bf16
  Batch batch;
  bool operator==(const Key& o) const {
    return M == o.M && K == o.K && N == o.N && tA == o.tA && tB == o.tB && acc == o.acc && type == o.type &&
           batch == o.batch;
  }
};
struct KeyHash {
  size_t operator()(const Key& k) const {
    size_t h = static_cast<size_t>(k.M) * 1000003u ^ static_cast<size_t>(k.K) * 10007u ^ static_cast<size_t>(k.N);
    h ^= static_cast<size_t>(k.batch.count) * 7919u ^ static_cast<size_t>(k.batch.sA) * 104729u ^
         static_cast<size_t>(k.batch.sB) * 1299709u ^ static_cast<size_t>(k.batch.sOut) * 15485863u;
    return h * 31u + (k.tA ? 1 : 0) + (k.tB ? 2 : 0) + (k.acc ? 4 : 0) + (static_cast<size_t>(k.type) << 3);
  }
};
struct Entry {
  dnnl::matmul prim;
  dnnl::memory a, b, c;
  unsigned generation;
  dt operands;  // what the primitive reads: bf16, or f32 (also for bf16 requests emulated in f32)
  bool looped;  // a batch with only oneDNN's reference kernel: run as a loop of 2-D products instead
};

dnnl::memory::desc md(dt t, long rows, long cols, bool stored_transposed) {
  return dnnl::memory::desc({rows, cols}, t,
                            stored_transposed ? dnnl::memory::dims{1, rows} : dnnl::memory::dims{cols, 1});
}

/** [rows, cols] (stored transposed or not), or with a batch [count or 1 if broadcast, rows, cols] strided. */
dnnl::memory::desc md(dt t, long rows, long cols, bool stored_transposed, long count, long stride) {
  if (count == 0) return md(t, rows, cols, stored_transposed);
  const long n = stride == 0 ? 1 : count, s = stride == 0 ? rows * cols : stride;
  return dnnl::memory::desc({n, rows, cols}, t,
                            stored_transposed ? dnnl::memory::dims{s, 1, rows} : dnnl::memory::dims{s, cols, 1});
}

/** Elements an operand spans: count-1 strides plus one [rows, cols] (just one for a broadcast or no batch). */
size_t span(long rows, long cols, long count, long stride) {
  return static_cast<size_t>(count > 1 ? (count - 1) * stride : 0) + static_cast<size_t>(rows) * cols;
}

bool native_bf16();

Entry make_entry(const Key& k) {
  dnnl::engine& eng = cpu_engine();
  dnnl::primitive_attr attr;
  if (k.acc) {
    dnnl::post_ops po;
    po.append_sum(1.f);
    attr.set_post_ops(po);
  }
  const Batch& bt = k.batch;
  auto c_md = md(dt::f32, k.M, k.N, false, bt.count, bt.sOut);
  auto a_of = [&](dt t) { return md(t, k.M, k.K, k.tA, bt.count, bt.sA); };
  auto b_of = [&](dt t) { return md(t, k.K, k.N, k.tB, bt.count, bt.sB); };
  auto is_ref = [](const dnnl::matmul::primitive_desc& pd) {
    return std::string(pd.impl_info_str()).find("ref") != std::string::npos;
  };
  if (k.type == dt::bf16 && native_bf16()) {
    // oneDNN's bf16 matmul, unless this layout only has the slow reference implementation
    auto a_md = a_of(dt::bf16), b_md = b_of(dt::bf16);
    try {
      dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a_md, b_md, c_md), attr, eng);
      if (!is_ref(pd))
        return Entry{dnnl::matmul(pd), dnnl::memory(a_md, eng, DNNL_MEMORY_NONE),
                     dnnl::memory(b_md, eng, DNNL_MEMORY_NONE), dnnl::memory(c_md, eng, DNNL_MEMORY_NONE),
                     thread_generation(), dt::bf16, false};
    } catch (const dnnl::error&) {
    }
  }
  auto a_md = a_of(dt::f32), b_md = b_of(dt::f32);
  if (bt.count != 0) {
    try {
      dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a_md, b_md, c_md), attr, eng);
      if (!is_ref(pd))
        return Entry{dnnl::matmul(pd), dnnl::memory(a_md, eng, DNNL_MEMORY_NONE),
                     dnnl::memory(b_md, eng, DNNL_MEMORY_NONE), dnnl::memory(c_md, eng, DNNL_MEMORY_NONE),
                     thread_generation(), dt::f32, false};
    } catch (const dnnl::error&) {
    }
    return Entry{dnnl::matmul(), dnnl::memory(), dnnl::memory(), dnnl::memory(), thread_generation(), dt::f32, true};
  }
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a_md, b_md, c_md), attr, eng);
  return Entry{dnnl::matmul(pd), dnnl::memory(a_md, eng, DNNL_MEMORY_NONE), dnnl::memory(b_md, eng, DNNL_MEMORY_NONE),
               dnnl::memory(c_md, eng, DNNL_MEMORY_NONE), thread_generation(), dt::f32, false};
}

struct ThreadState {
  std::unordered_map<Key, Entry, KeyHash> cache;
  dnnl::stream stream{cpu_engine()};
};
ThreadState& state() {
  thread_local ThreadState s;
  return s;
}

Entry& lookup(const Key& k) {
  auto& cache = state().cache;
  auto it = cache.find(k);
  if (it != cache.end() && it->second.generation == thread_generation()) return it->second;
  if (cache.size() > 512) cache.clear(); // bounded: a model uses a few dozen shapes
  if (it != cache.end()) cache.erase(it);
  return cache.emplace(k, make_entry(k)).first->second;
}

inline uint32_t bf16_round_bits(uint32_t u) {
  // nearest even; NaN kept quiet (as f32ToBf16Bits in src/engine/dtype.ts)
  return (u & 0x7fffffffu) > 0x7f800000u ? ((u >> 16) | 0x40u) << 16 : ((u + 0x7fffu + ((u >> 16) & 1u)) & 0xffff0000u);
}

void round_to_bf16_f32(float* dst, const float* src, size_t n) {
  const long ln = static_cast<long>(n);
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (long i = 0; i < ln; i++) {
    uint32_t u;
    std::memcpy(&u, src + i, 4);
    u = bf16_round_bits(u);
    std::memcpy(dst + i, &u, 4);
  }
}

void round_to_bf16(uint16_t* dst, const float* src, size_t n) {
  const long ln = static_cast<long>(n);
#pragma omp parallel for schedule(static) if (n >= kParallelMin)
  for (long i = 0; i < ln; i++) {
    uint32_t u;
    std::memcpy(&u, src + i, 4);
    dst[i] = static_cast<uint16_t>(bf16_round_bits(u) >> 16);
  }
}

bool detect_native_bf16() {
  try {
    auto a = md(dt::bf16, 64, 64, false), b = md(dt::bf16, 64, 64, true), c = md(dt::f32, 64, 64, false);
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a, b, c), cpu_engine());
    return std::string(pd.impl_info_str()).find("ref") == std::string::npos;
  } catch (const dnnl::error&) {
    return false;
  }
}

bool native_bf16() {
  static const bool v = detect_native_bf16();
  return v;
}

void run(Entry& e, const void* a, const void* b, float* out) {
  e.a.set_data_handle(const_cast<void*>(a));
  e.b.set_data_handle(const_cast<void*>(b));
  e.c.set_data_handle(out);
  // the C API with a stack array: the C++ execute() builds an unordered_map per call
  dnnl::stream& s = state().stream;
  const dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, e.a.get()}, {DNNL_ARG_WEIGHTS, e.b.get()}, {DNNL_ARG_DST, e.c.get()}};
  dnnl::error::wrap_c_api(dnnl_primitive_execute(e.prim.get(), s.get(), 3, args), "matmul: execute failed");
  dnnl::error::wrap_c_api(dnnl_stream_wait(s.get()), "matmul: stream wait failed");
}

}  // namespace

void round_bf16(float* out, const float* a, long n) { round_to_bf16_f32(out, a, static_cast<size_t>(n)); }

void pack_bf16(uint16_t* dst, const float* src, long n) { round_to_bf16(dst, src, static_cast<size_t>(n)); }

void unpack_bf16(float* dst, const uint16_t* src, long n) {
#pragma omp parallel for simd schedule(static) if (static_cast<size_t>(n) >= 4 * kParallelMin)
  for (long i = 0; i < n; i++) {
    const uint32_t u = static_cast<uint32_t>(src[i]) << 16;
    std::memcpy(dst + i, &u, 4);
  }
}

namespace {
/** Run the cached primitive of k (one product, or a batch in one primitive), rounding the operands for bf16. */
void product(const Key& k, float* out, const float* a, const float* b, bool aRounded, bool bRounded) {
  const Batch& bt = k.batch;
  const size_t na = span(k.M, k.K, bt.count, bt.sA), nb = span(k.K, k.N, bt.count, bt.sB);
  Entry& e = lookup(k);
  if (k.type != dt::bf16) {
    run(e, a, b, out);
    return;
  }
  if (e.operands == dt::bf16) {
    uint16_t* ra = scratch<uint16_t>(0, na);
    uint16_t* rb = scratch<uint16_t>(1, nb);
    round_to_bf16(ra, a, na);
    round_to_bf16(rb, b, nb);
    run(e, ra, rb, out);
  } else {
    // operands whose values are already bf16 are used in place (rounding them again changes nothing)
    const float* ra = a;
    const float* rb = b;
    if (!aRounded) {
      float* r = scratch<float>(0, na);
      round_to_bf16_f32(r, a, na);
      ra = r;
    }
    if (!bRounded) {
      float* r = scratch<float>(1, nb);
      round_to_bf16_f32(r, b, nb);
      rb = r;
    }
    run(e, ra, rb, out);
  }
}

/** out (+)= Σ_p items[p] over [count, n], summed in batch order as the loop of accumulating products would. */
void sum_items(float* out, const float* items, long count, long n, bool accumulate) {
  constexpr long kBlock = 2048;
  const long blocks = (n + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static) if (static_cast<size_t>(count) * n >= kParallelMin)
  for (long blk = 0; blk < blocks; blk++) {
    const long i0 = blk * kBlock, i1 = std::min(i0 + kBlock, n);
    if (!accumulate) std::memcpy(out + i0, items + i0, sizeof(float) * (i1 - i0));
    for (long p = accumulate ? 0 : 1; p < count; p++) {
      const float* it = items + p * n;
      for (long i = i0; i < i1; i++) out[i] += it[i];
    }
  }
}
}  // namespace

void matmul(float* out, const float* a, const float* b, long M, long K, long N, bool transA, bool transB,
            bool accumulate, bool bf16, bool aRounded, bool bRounded) {
  if (M == 0 || N == 0) return;
  if (K == 0) { // empty sum
    if (!accumulate) std::memset(out, 0, sizeof(float) * M * N);
    return;
  }
  product(Key{M, K, N, transA, transB, accumulate, bf16 ? dt::bf16 : dt::f32, Batch{}}, out, a, b, aRounded, bRounded);
}

void matmul_batch(float* out, const float* a, const float* b, long M, long K, long N, bool transA, bool transB,
                  bool accumulate, bool bf16, bool aRounded, bool bRounded, long count, long strideA, long strideB,
                  long strideOut) {
  auto looped = [&] {
    for (long p = 0; p < count; p++)
      matmul(out + p * strideOut, a + p * strideA, b + p * strideB, M, K, N, transA, transB,
             accumulate || (p > 0 && strideOut == 0), bf16, aRounded, bRounded);
  };
  if (count == 0 || M == 0 || N == 0) return;
  if (count == 1 || K == 0) return looped();
  const dt type = bf16 ? dt::bf16 : dt::f32;
  if (strideOut == 0) {  // a sum over the batch
    const long mn = M * N;
    const Key k{M, K, N, transA, transB, false, type, Batch{count, strideA, strideB, mn}};
    if (num_threads() == 1 || lookup(k).looped) return looped();
    float* items = scratch<float>(2, static_cast<size_t>(count) * mn);  // slots 0 and 1 hold bf16 operands
    product(k, items, a, b, aRounded, bRounded);
    sum_items(out, items, count, mn, accumulate);
    return;
  }
  const Key k{M, K, N, transA, transB, accumulate, type, Batch{count, strideA, strideB, strideOut}};
  if (lookup(k).looped) return looped();
  product(k, out, a, b, aRounded, bRounded);
}

const char* matmul_bf16_mode() { return native_bf16() ? "onednn-bf16" : "f32-emulated"; }

std::string onednn_version() {
  const dnnl_version_t* v = dnnl_version();
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
}

std::string onednn_isa() {
  switch (dnnl::get_effective_cpu_isa()) {
    case dnnl::cpu_isa::sse41: return "sse41";
    case dnnl::cpu_isa::avx: return "avx";
    case dnnl::cpu_isa::avx2: return "avx2";
    case dnnl::cpu_isa::avx512_core: return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
    default: return "other";
  }
}

// ---- the thread setting (shared by oneDNN, which runs on the same OpenMP runtime, and our loops) ----
namespace {
unsigned g_generation = 0;
}
void set_num_threads(int n) {
  omp_set_num_threads(n);
  g_generation++;
}
int num_threads() { return omp_get_max_threads(); }
unsigned thread_generation() { return g_generation; }

}  // namespace hrm
