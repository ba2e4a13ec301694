// Standalone oneDNN matmul rate at HRM shapes: the ceiling the addon's matmul is measured against.
// Build: g++ -O2 -std=c++17 onednn_bench.cc -o onednn_bench -ldnnl -fopenmp
// Usage: onednn_bench THREADS REPS [NAME:M:K:N:TRANSA:TRANSB:ACCUMULATE:f32|bf16 ...] -> one JSON line per shape
// (without shapes: the HRM paper shapes in f32 and bf16, plus the attention products):
//   {"name":..., "precision":"f32"|"bf16", "M":..,"K":..,"N":.., "transA":0|1, "transB":0|1, "gflops":.., "impl":".."}
// bf16 here means bf16 inputs and f32 output/accumulation (what PyTorch's bf16 matmul computes).
#include <oneapi/dnnl/dnnl.hpp>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace dnnl;
using dt = memory::data_type;

struct Shape { std::string name; long M, K, N; bool tA, tB, acc; std::string prec; };

static Shape parse(const std::string& spec) {
  std::vector<std::string> f;
  size_t start = 0;
  for (size_t i = 0; i <= spec.size(); i++)
    if (i == spec.size() || spec[i] == ':') { f.push_back(spec.substr(start, i - start)); start = i + 1; }
  if (f.size() != 8) { std::fprintf(stderr, "bad shape spec %s\n", spec.c_str()); std::exit(2); }
  return Shape{f[0], std::atol(f[1].c_str()), std::atol(f[2].c_str()), std::atol(f[3].c_str()), f[4] == "1", f[5] == "1",
               f[6] == "1", f[7]};
}

static memory::desc md(dt t, long r, long c, bool trans) {
  // logical [r, c]; stored [c, r] when trans
  return memory::desc({r, c}, t, trans ? memory::dims{1, r} : memory::dims{c, 1});
}

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
  const int reps = argc > 2 ? std::atoi(argv[2]) : 20;
  omp_set_num_threads(threads);
  engine eng(engine::kind::cpu, 0);
  stream s(eng);
  const long R = 2624; // B*T = 32*82
  std::vector<Shape> shapes;
  for (int i = 3; i < argc; i++) shapes.push_back(parse(argv[i]));
  const bool defaults = shapes.empty();
  if (defaults) {
    for (const char* prec : {"f32", "bf16"}) {
      const Shape base[] = {
          {"qkv fwd", R, 512, 1536, false, true, false, prec},    {"o fwd", R, 512, 512, false, true, false, prec},
          {"gate_up fwd", R, 512, 3072, false, true, false, prec}, {"down fwd", R, 1536, 512, false, true, false, prec},
          {"gate_up dX", R, 3072, 512, false, false, false, prec}, {"gate_up dW", 3072, R, 512, true, false, true, prec},
          {"down dX", R, 512, 1536, false, false, false, prec},    {"down dW", 512, R, 1536, true, false, true, prec},
          {"attn QK^T (82x82x64, x256)", 82, 64, 82, false, true, false, prec},
      };
      for (const Shape& sh : base) shapes.push_back(sh);
    }
  }
  {
    for (const Shape& sh : shapes) {
      const char* prec = sh.prec.c_str();
      const char* name = sh.name.c_str();
      const dt t = sh.prec == "bf16" ? dt::bf16 : dt::f32;
      auto a_md = md(t, sh.M, sh.K, sh.tA), b_md = md(t, sh.K, sh.N, sh.tB), c_md = md(dt::f32, sh.M, sh.N, false);
      primitive_attr attr;
      if (sh.acc) { post_ops po; po.append_sum(1.f); attr.set_post_ops(po); }
      matmul::primitive_desc pd;
      try {
        pd = matmul::primitive_desc(matmul::desc(a_md, b_md, c_md), attr, eng);
      } catch (const dnnl::error&) { // e.g. bf16 on a CPU without AVX-512: oneDNN has no implementation
        std::printf("{\"name\":\"%s\",\"precision\":\"%s\",\"M\":%ld,\"K\":%ld,\"N\":%ld,\"transA\":%d,"
                    "\"transB\":%d,\"gflops\":null,\"impl\":\"unsupported\"}\n",
                    name, prec, sh.M, sh.K, sh.N, sh.tA, sh.tB);
        continue;
      }
      matmul mm(pd);
      const size_t es = t == dt::bf16 ? 2 : 4;
      std::vector<char> A(sh.M * sh.K * es, 0), B(sh.K * sh.N * es, 0);
      std::vector<float> C(sh.M * sh.N, 0.f);
      for (size_t i = 0; i < A.size(); i += es) A[i + es - 1] = 0x3c; // small positive numbers
      for (size_t i = 0; i < B.size(); i += es) B[i + es - 1] = 0x3c;
      memory am(a_md, eng, A.data()), bm(b_md, eng, B.data()), cm(c_md, eng, C.data());
      const bool attn = sh.name.rfind("attn", 0) == 0;
      const int inner = attn ? 256 : 1;
      auto run = [&] {
        for (int j = 0; j < inner; j++) mm.execute(s, {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, cm}});
        s.wait();
      };
      run(); run();
      std::vector<double> ms;
      for (int r = 0; r < reps; r++) {
        auto t0 = std::chrono::steady_clock::now();
        run();
        ms.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      }
      std::sort(ms.begin(), ms.end());
      const double sec = ms[ms.size() / 2];
      const double gf = 2.0 * sh.M * sh.K * sh.N * inner / sec / 1e9;
      std::printf("{\"name\":\"%s\",\"precision\":\"%s\",\"M\":%ld,\"K\":%ld,\"N\":%ld,\"transA\":%d,\"transB\":%d,"
                  "\"gflops\":%.1f,\"impl\":\"%s\"}\n",
                  name, prec, sh.M, sh.K, sh.N, sh.tA, sh.tB, gf, pd.impl_info_str());
      std::fflush(stdout);
    }
  }
  // Attention-sized products as the addon runs them: one single-threaded dnnl_sgemm per (batch, head),
  // heads spread over the threads (row-major, leading dims of the fused qkv layout).
  if (defaults) {
    const long T = 82, HD = 64, NH = 8, Bt = 32, D = NH * HD;
    std::vector<float> qkv(Bt * T * 3 * D, 0.01f), probs(Bt * NH * T * T, 0.f);
    auto run = [&] {
#pragma omp parallel for schedule(static)
      for (long bh = 0; bh < Bt * NH; bh++) {
        const long b = bh / NH, h = bh % NH;
        const float* q = qkv.data() + b * T * 3 * D + h * HD;
        const float* k = q + D;
        dnnl_sgemm('N', 'T', T, T, HD, 0.125f, q, 3 * D, k, 3 * D, 0.f, probs.data() + bh * T * T, T);
      }
    };
    run(); run();
    std::vector<double> ms;
    for (int r = 0; r < reps; r++) {
      auto t0 = std::chrono::steady_clock::now();
      run();
      ms.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    const double gf = 2.0 * T * T * HD * Bt * NH / ms[ms.size() / 2] / 1e9;
    std::printf("{\"name\":\"attn QK^T sgemm per head\",\"precision\":\"f32\",\"M\":%ld,\"K\":%ld,\"N\":%ld,"
                "\"transA\":0,\"transB\":1,\"gflops\":%.1f,\"impl\":\"dnnl_sgemm x %ld heads\"}\n",
                T, HD, T, gf, Bt * NH);
  }
  return 0;
}
