// The fused attention kernels' boundary between the dispatcher (attention.cc: threads, scratch, ISA choice)
// and the per-ISA code (attention_tiles.h instantiated in attention.cc for AVX2 and in attention_avx512.cc
// for AVX-512). Plain data only: nothing here generates code, so the AVX-512 translation unit shares no
// inline function (that the linker could pick for a machine without AVX-512) with the others.
// Legend: B batch, T tokens, NH heads, HD head dim, D = NH*HD; qkv [B,T,3,NH,HD], stats [B,NH,T,2].
#pragma once

namespace hrm {
namespace attn {

/** One call's operands. Backward-only fields are null in the forward and vice versa. */
struct Args {
  const float* qkv;
  float* out;         // forward: [B,T,NH,HD]
  float* stats;       // forward: per query row (max of the scaled scores, Σ exp(s − max)), written
  const float* saved; // backward: the forward's stats
  float* dQkv;        // backward: [B,T,3,NH,HD], written
  const float* dOut;  // backward: [B,T,NH,HD]
  long B, T, NH, HD;
  float scale;
};

/** The kernels of one instruction set. rows: query rows per block; scratch sizes in floats. */
struct Isa {
  const char* name;
  long (*forwardScratch)(long T, long HD, long rows);
  /** Query rows [r0, r1) of head bh = b·NH + h, `rows` at a time (K and V packed once). */
  void (*forwardRows)(const Args& a, long bh, long r0, long r1, long rows, float* scratch);
  long (*backwardScratch)(long T, long HD, long rows);
  /** All of head bh, `rows` query rows at a time. */
  void (*backwardHead)(const Args& a, long bh, long rows, float* scratch);
};

#if defined(__x86_64__)
/** Defined in attention_avx512.cc; run only where the CPU has AVX-512F. */
extern const Isa avx512Isa;
#endif

}  // namespace attn
}  // namespace hrm
