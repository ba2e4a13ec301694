// Row softmax (max-subtracted), vectorised with exp8; rows spread over the threads.
#include "common.h"
#include "kernels.h"

namespace hrm {

void softmax_row(float* out, const float* x, long D) {
  v8f vm = splat8(-__builtin_inff());
  long i = 0;
  for (; i + 8 <= D; i += 8) {
    const v8f v = load8(x + i);
    vm = v > vm ? v : vm;
  }
  float m = hmax8(vm);
  for (; i < D; i++) m = x[i] > m ? x[i] : m;
  v8f vs = splat8(0.f);
  const v8f vmax = splat8(m);
  i = 0;
  for (; i + 8 <= D; i += 8) {
    const v8f e = exp8(load8(x + i) - vmax);
    store8(out + i, e);
    vs += e;
  }
  double sum = hsum8(vs);
  for (; i < D; i++) {
    out[i] = exp1(x[i] - m);
    sum += out[i];
  }
  const float inv = static_cast<float>(sum);
  i = 0;
  const v8f vsum = splat8(inv);
  for (; i + 8 <= D; i += 8) store8(out + i, load8(out + i) / vsum);
  for (; i < D; i++) out[i] = out[i] / inv;
}

void softmax_rows(float* out, const float* x, long rows, long D) {
#pragma omp parallel for schedule(static) if (static_cast<size_t>(rows) * D >= kParallelMin)
  for (long r = 0; r < rows; r++) softmax_row(out + r * D, x + r * D, D);
}

}  // namespace hrm
