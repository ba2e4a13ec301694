// Transpose of the last two axes, out[b, y, x] (+)= in[b, x, y], in cache tiles, parallel over (batch, tile
// row): a move of values, so it matches the reference exactly (accumulate: one float add per element, as
// the reference). out must not alias in.
#include "common.h"
#include "kernels.h"

namespace hrm {

void transpose(float* out, const float* in, long B, long X, long Y, bool accumulate) {
  constexpr long kTile = 32;
  const long tilesX = (X + kTile - 1) / kTile;
#pragma omp parallel for collapse(2) schedule(static) if (static_cast<size_t>(B * X * Y) >= 4 * kParallelMin)
  for (long b = 0; b < B; b++) {
    for (long tx = 0; tx < tilesX; tx++) {
      const long base = b * X * Y, x0 = tx * kTile, x1 = x0 + kTile < X ? x0 + kTile : X;
      for (long y0 = 0; y0 < Y; y0 += kTile) {
        const long y1 = y0 + kTile < Y ? y0 + kTile : Y;
        for (long x = x0; x < x1; x++) {
          const float* src = in + base + x * Y;
          float* dst = out + base + x;
          if (accumulate) {
            for (long y = y0; y < y1; y++) dst[y * X] += src[y];
          } else {
            for (long y = y0; y < y1; y++) dst[y * X] = src[y];
          }
        }
      }
    }
  }
}

}  // namespace hrm
