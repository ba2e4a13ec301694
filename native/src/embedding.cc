// Embedding gather and its scatter-add gradient. ids are checked by the caller to lie in [0, V).
// The backward splits the D columns over the threads (never the rows), so repeated ids never race and
// each element adds its rows in order, exactly as the reference.
#include <omp.h>

#include <algorithm>
#include <cstring>

#include "common.h"
#include "kernels.h"

namespace hrm {

void embedding_forward(float* out, const float* table, const int32_t* ids, long n, long D) {
#pragma omp parallel for schedule(static) if (static_cast<size_t>(n) * D >= kParallelMin)
  for (long r = 0; r < n; r++) std::memcpy(out + r * D, table + static_cast<long>(ids[r]) * D, sizeof(float) * D);
}

void embedding_backward(float* dTable, const float* dOut, const int32_t* ids, long n, long D) {
#pragma omp parallel if (static_cast<size_t>(n) * D >= kParallelMin && D >= 32)
  {
    const long nt = omp_get_num_threads(), me = omp_get_thread_num();
    // column slice [c0, c1) of this thread, in multiples of 8 floats
    const long chunk = ((D + nt - 1) / nt + 7) / 8 * 8;
    const long c0 = std::min(D, me * chunk), c1 = std::min(D, c0 + chunk);
    for (long r = 0; r < n; r++) {
      float* dst = dTable + static_cast<long>(ids[r]) * D;
      const float* src = dOut + r * D;
      for (long i = c0; i < c1; i++) dst[i] += src[i];
    }
  }
}

}  // namespace hrm
