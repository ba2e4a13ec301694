// The native kernels, one function per method of the TypeScript `Kernels` interface
// (src/engine/kernels.ts), over raw float buffers that the caller (addon.cc) has checked.
// Legend: B batch, T tokens, NH heads, HD head dim, D = NH*HD, I MLP width, rows = independent vectors.
// Every kernel writes its outputs (no zero-fill needed), except matmul with accumulate and
// embeddingBackward, which add into them, as in the reference.
#pragma once

#include <cstdint>
#include <string>

namespace hrm {

// gemm.cc: out[M,N] (+)= op(A)[M,K]·op(B)[K,N]; A stored [K,M] if transA, B stored [N,K] if transB.
// bf16: A and B rounded to bfloat16 (nearest even), float32 accumulation, float32 output.
// aRounded / bRounded: that operand's values are already bf16 (used in place where the product runs in f32).
void matmul(float* out, const float* a, const float* b, long M, long K, long N, bool transA, bool transB,
            bool accumulate, bool bf16, bool aRounded, bool bRounded);
// `count` products, operand p at a + p·strideA, b + p·strideB, out + p·strideOut (stride 0: one operand for
// all; strideOut 0: the products summed into out). MatmulDims.batch in src/engine/kernels.ts.
void matmul_batch(float* out, const float* a, const float* b, long M, long K, long N, bool transA, bool transB,
                  bool accumulate, bool bf16, bool aRounded, bool bRounded, long count, long strideA, long strideB,
                  long strideOut);
/** How bf16 products run here: "onednn-bf16" (AVX-512 BF16 / AMX) or "f32-emulated". */
const char* matmul_bf16_mode();
std::string onednn_version();
std::string onednn_isa();

// norm.cc: x [rows, D, inner] normalised over D (stride inner; inner 1: rows of D), rstd [rows, inner]
void rms_norm_forward(float* out, float* rstd, const float* x, long rows, long D, long inner, double eps);
void rms_norm_backward(float* dX, const float* dOut, const float* y, const float* rstd, long rows, long D,
                       long inner);
// rms_norm_forward of x = a + b (rounded to bf16 first with roundSum); out may alias a or b.
void add_rms_norm_forward(float* out, float* rstd, const float* a, const float* b, long rows, long D, long inner,
                          double eps, bool roundSum);

// rope.cc: qkv [B,T,3,NH,HD], cos/sin [T,HD]
void rope_forward(float* out, const float* qkv, const float* cos, const float* sin, long B, long T, long NH,
                  long HD);
void rope_backward(float* dQkv, const float* dOut, const float* cos, const float* sin, long B, long T, long NH,
                   long HD);

// attention.cc: qkv [B,T,3,NH,HD] -> out [B,T,NH,HD], stats [B,NH,T,2] = (max, Σ exp(s − max)) per query row
void attention_forward(float* out, float* stats, const float* qkv, long B, long T, long NH, long HD, float scale);
void attention_backward(float* dQkv, const float* dOut, const float* qkv, const float* stats, long B, long T,
                        long NH, long HD, float scale);
/** The instruction set the attention kernels run on: "avx512", "avx2" or "vec8" (portable). */
const char* attention_isa();

// softmax.cc
void softmax_rows(float* out, const float* x, long rows, long D);
/** One row, single-threaded. */
void softmax_row(float* out, const float* x, long D);

// swiglu.cc: gateUp [rows, 2I] = [gate | up], out [rows, I]
void swiglu_forward(float* out, const float* gateUp, long rows, long I);
void swiglu_backward(float* dGateUp, const float* dOut, const float* gateUp, long rows, long I);

// embedding.cc (ids already checked to lie in [0, V))
void embedding_forward(float* out, const float* table, const int32_t* ids, long n, long D);
void embedding_backward(float* dTable, const float* dOut, const int32_t* ids, long n, long D);

// elementwise.cc (out may alias the inputs)
void add(float* out, const float* a, const float* b, long n);
void scale(float* out, const float* a, double alpha, long n);
void axpy(float* dst, const float* src, double alpha, long n);
void transpose(float* out, const float* in, long B, long X, long Y, bool accumulate);
// out = a rounded to bfloat16 (nearest even), kept in float32. out may alias a.
void round_bf16(float* out, const float* a, long n);
// dst[i] = the bfloat16 bits of src[i] (nearest even); unpack: dst[i] = the float32 value of bf16 bits src[i].
void pack_bf16(uint16_t* dst, const float* src, long n);
void unpack_bf16(float* dst, const uint16_t* src, long n);

// adam.cc: the float32 constants are computed once on the JS side, exactly as the reference does.
void adam_atan2(float* param, const float* grad, float* expAvg, float* expAvgSq, long n, float decay, float w1,
                float w2, float stepSize, float sqrtBc2);

}  // namespace hrm
