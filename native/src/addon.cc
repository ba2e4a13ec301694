// Node-API glue: checks every argument (buffer type, buffer sizes against the dims, integer dims), then
// calls the kernel on the typed arrays' own memory (no copies). Errors name the kernel, the argument,
// what was expected and what came: TypeError for a wrong buffer type, RangeError for a wrong size.
// The JS side (src/kernels/native/index.ts) passes the dims positionally; see that file for the API.
#define NAPI_VERSION 8
#include <node_api.h>

#include <cmath>
#include <cstdio>
#include <exception>
#include <string>

#include "common.h"
#include "kernels.h"

namespace {

struct JsError {
  bool type;  // TypeError, else RangeError
  std::string msg;
};

const char* typed_array_name(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_uint8_clamped_array: return "Uint8ClampedArray";
    case napi_int16_array: return "Int16Array";
    case napi_uint16_array: return "Uint16Array";
    case napi_int32_array: return "Int32Array";
    case napi_uint32_array: return "Uint32Array";
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    case napi_bigint64_array: return "BigInt64Array";
    case napi_biguint64_array: return "BigUint64Array";
  }
  return "typed array";
}

/** Arguments of one call, read in order. */
class Args {
 public:
  Args(napi_env env, napi_callback_info info, const char* kernel) : env_(env), kernel_(kernel) {
    argc_ = kMax;
    napi_get_cb_info(env, info, &argc_, argv_, nullptr, nullptr);
  }

  struct F32 {
    float* p;
    size_t n;
    const char* name;
  };

  F32 f32(const char* name) {
    size_t len;
    void* data = typed(name, napi_float32_array, &len);
    return F32{static_cast<float*>(data), len, name};
  }
  struct U16 {
    uint16_t* p;
    size_t n;
    const char* name;
  };
  U16 u16(const char* name) {
    size_t len;
    void* data = typed(name, napi_uint16_array, &len);
    return U16{static_cast<uint16_t*>(data), len, name};
  }
  const int32_t* i32(const char* name, size_t* len) {
    return static_cast<const int32_t*>(typed(name, napi_int32_array, len));
  }
  long dim(const char* name) {
    const double v = number(name);
    if (!(v >= 0 && v <= 2147483647.0 && std::floor(v) == v))
      fail(false, std::string(name) + " must be an integer in [0, 2^31), got " + fmt(v));
    return static_cast<long>(v);
  }
  double number(const char* name) {
    napi_value v = next(name);
    double out;
    if (napi_get_value_double(env_, v, &out) != napi_ok) fail(true, std::string(name) + " must be a number");
    return out;
  }
  bool flag(const char* name) {
    napi_value v = next(name);
    bool out;
    if (napi_get_value_bool(env_, v, &out) != napi_ok) fail(true, std::string(name) + " must be a boolean");
    return out;
  }
  /**
   * Require buf to hold at least `need` elements; what() spells the product, e.g. "M*K = 3*4" (called only
   * on failure: the hot path builds no strings).
   */
  template <typename Buf, typename What>
  void need(const Buf& buf, double need, What&& what) const {
    if (static_cast<double>(buf.n) < need)
      fail(false, std::string(buf.name) + " has " + std::to_string(buf.n) + " elements, expected at least " +
                      std::string(what()) + " = " + fmt(need));
  }
  [[noreturn]] void fail(bool type, const std::string& msg) const {
    throw JsError{type, std::string("hrm native ") + kernel_ + ": " + msg};
  }
  static std::string fmt(double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%.17g", v);
    return b;
  }

 private:
  static constexpr size_t kMax = 16;
  napi_env env_;
  const char* kernel_;
  size_t argc_;
  size_t pos_ = 0;
  napi_value argv_[kMax];

  napi_value next(const char* name) {
    if (pos_ >= argc_) fail(true, std::string("missing argument ") + name);
    return argv_[pos_++];
  }
  void* typed(const char* name, napi_typedarray_type want, size_t* len) {
    napi_value v = next(name);
    bool is_ta = false;
    napi_is_typedarray(env_, v, &is_ta);
    if (!is_ta) fail(true, std::string(name) + " must be a " + typed_array_name(want) + ", got a non-typed-array value");
    napi_typedarray_type t;
    void* data = nullptr;
    napi_get_typedarray_info(env_, v, &t, len, &data, nullptr, nullptr);
    if (t != want) {
      std::string msg = std::string(name) + " must be a " + typed_array_name(want) + ", got " + typed_array_name(t);
      if (t == napi_float64_array)
        msg += " (the native backend runs float32 only; use the reference kernels for float64 gradient checks)";
      fail(true, msg);
    }
    return data;
  }
};

std::string s(long v) { return std::to_string(v); }

template <typename F>
napi_value guarded(napi_env env, F&& body) {
  try {
    body();
  } catch (const JsError& e) {
    if (e.type)
      napi_throw_type_error(env, nullptr, e.msg.c_str());
    else
      napi_throw_range_error(env, nullptr, e.msg.c_str());
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, (std::string("hrm native: ") + e.what()).c_str());
  }
  return nullptr;
}

napi_value SetNumThreads(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "setNumThreads");
    const long n = a.dim("threads");
    if (n < 1 || n > 1024) a.fail(false, "threads must be in [1, 1024], got " + s(n));
    hrm::set_num_threads(static_cast<int>(n));
  });
}

napi_value Info(napi_env env, napi_callback_info) {
  napi_value obj, v;
  napi_create_object(env, &obj);
  napi_create_int32(env, hrm::num_threads(), &v);
  napi_set_named_property(env, obj, "threads", v);
  const std::string ver = hrm::onednn_version(), isa = hrm::onednn_isa();
  napi_create_string_utf8(env, ver.c_str(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "onednn", v);
  napi_create_string_utf8(env, isa.c_str(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "isa", v);
  napi_create_string_utf8(env, hrm::matmul_bf16_mode(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "bf16", v);
  napi_create_string_utf8(env, hrm::attention_isa(), NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "attention", v);
  return obj;
}

napi_value Matmul(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "matmul");
    auto out = a.f32("out"), A = a.f32("a"), B = a.f32("b");
    const long M = a.dim("M"), K = a.dim("K"), N = a.dim("N");
    const bool tA = a.flag("transA"), tB = a.flag("transB"), acc = a.flag("accumulate"), bf16 = a.flag("bf16");
    const bool aRounded = a.flag("aRounded"), bRounded = a.flag("bRounded");
    // batch: count 0 is one product; else `count` products at these element strides (MatmulDims.batch)
    const long count = a.dim("count"), sA = a.dim("strideA"), sB = a.dim("strideB"), sOut = a.dim("strideOut");
    const double extra = count > 1 ? double(count - 1) : 0.0;
    auto what = [&](const std::string& names, long r, long c, const char* stride, long sv) {
      return count > 1 ? "(count-1)*" + std::string(stride) + " + " + names + " = " + s(count - 1) + "*" + s(sv) + " + " +
                             s(r) + "*" + s(c)
                       : names + " = " + s(r) + "*" + s(c);
    };
    a.need(out, extra * sOut + double(M) * N, [&] { return what("M*N", M, N, "strideOut", sOut); });
    a.need(A, extra * sA + double(M) * K, [&] { return tA ? what("K*M", K, M, "strideA", sA) : what("M*K", M, K, "strideA", sA); });
    a.need(B, extra * sB + double(K) * N, [&] { return tB ? what("N*K", N, K, "strideB", sB) : what("K*N", K, N, "strideB", sB); });
    if (count == 0)
      hrm::matmul(out.p, A.p, B.p, M, K, N, tA, tB, acc, bf16, aRounded, bRounded);
    else
      hrm::matmul_batch(out.p, A.p, B.p, M, K, N, tA, tB, acc, bf16, aRounded, bRounded, count, sA, sB, sOut);
  });
}

napi_value RmsNormForward(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "rmsNormForward");
    auto out = a.f32("out"), rstd = a.f32("rstd"), x = a.f32("x");
    const long rows = a.dim("rows"), D = a.dim("D"), inner = a.dim("inner");
    const double eps = a.number("eps");
    auto rd = [&] { return std::string("rows*D*inner = " + s(rows) + "*" + s(D) + "*" + s(inner)); };
    a.need(out, double(rows) * D * inner, rd);
    a.need(x, double(rows) * D * inner, rd);
    a.need(rstd, double(rows) * inner, [&] { return std::string("rows*inner = " + s(rows) + "*" + s(inner)); });
    hrm::rms_norm_forward(out.p, rstd.p, x.p, rows, D, inner, eps);
  });
}

napi_value AddRmsNormForward(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "addRmsNormForward");
    auto out = a.f32("out"), rstd = a.f32("rstd"), A = a.f32("a"), B = a.f32("b");
    const long rows = a.dim("rows"), D = a.dim("D"), inner = a.dim("inner");
    const double eps = a.number("eps");
    const bool roundSum = a.flag("roundSum");
    auto rd = [&] { return std::string("rows*D*inner = " + s(rows) + "*" + s(D) + "*" + s(inner)); };
    a.need(out, double(rows) * D * inner, rd);
    a.need(A, double(rows) * D * inner, rd);
    a.need(B, double(rows) * D * inner, rd);
    a.need(rstd, double(rows) * inner, [&] { return std::string("rows*inner = " + s(rows) + "*" + s(inner)); });
    hrm::add_rms_norm_forward(out.p, rstd.p, A.p, B.p, rows, D, inner, eps, roundSum);
  });
}

napi_value RmsNormBackward(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "rmsNormBackward");
    auto dX = a.f32("dX"), dOut = a.f32("dOut"), y = a.f32("y"), rstd = a.f32("rstd");
    const long rows = a.dim("rows"), D = a.dim("D"), inner = a.dim("inner");
    auto rd = [&] { return std::string("rows*D*inner = " + s(rows) + "*" + s(D) + "*" + s(inner)); };
    for (auto* b : {&dX, &dOut, &y}) a.need(*b, double(rows) * D * inner, rd);
    a.need(rstd, double(rows) * inner, [&] { return std::string("rows*inner = " + s(rows) + "*" + s(inner)); });
    hrm::rms_norm_backward(dX.p, dOut.p, y.p, rstd.p, rows, D, inner);
  });
}

template <bool Forward>
napi_value Rope(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, Forward ? "ropeForward" : "ropeBackward");
    auto out = a.f32(Forward ? "out" : "dQkv"), in = a.f32(Forward ? "qkv" : "dOut"), cos = a.f32("cos"),
         sin = a.f32("sin");
    const long B = a.dim("B"), T = a.dim("T"), NH = a.dim("NH"), HD = a.dim("HD");
    if (HD % 2 != 0) a.fail(false, "HD must be even (rotate-half), got HD = " + s(HD));
    auto q = [&] { return std::string("B*T*3*NH*HD = " + s(B) + "*" + s(T) + "*3*" + s(NH) + "*" + s(HD)); };
    a.need(out, double(B) * T * 3 * NH * HD, q);
    a.need(in, double(B) * T * 3 * NH * HD, q);
    a.need(cos, double(T) * HD, [&] { return std::string("T*HD = " + s(T) + "*" + s(HD)); });
    a.need(sin, double(T) * HD, [&] { return std::string("T*HD = " + s(T) + "*" + s(HD)); });
    if (Forward)
      hrm::rope_forward(out.p, in.p, cos.p, sin.p, B, T, NH, HD);
    else
      hrm::rope_backward(out.p, in.p, cos.p, sin.p, B, T, NH, HD);
  });
}

napi_value AttentionForward(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "attentionForward");
    auto out = a.f32("out"), stats = a.f32("stats"), qkv = a.f32("qkv");
    const long B = a.dim("B"), T = a.dim("T"), NH = a.dim("NH"), HD = a.dim("HD");
    const double scale = a.number("scale");
    a.need(out, double(B) * T * NH * HD, [&] { return std::string("B*T*NH*HD = " + s(B) + "*" + s(T) + "*" + s(NH) + "*" + s(HD)); });
    a.need(stats, double(B) * NH * T * 2, [&] { return std::string("B*NH*T*2 = " + s(B) + "*" + s(NH) + "*" + s(T) + "*2"); });
    a.need(qkv, double(B) * T * 3 * NH * HD, [&] { return std::string("B*T*3*NH*HD = " + s(B) + "*" + s(T) + "*3*" + s(NH) + "*" + s(HD)); });
    hrm::attention_forward(out.p, stats.p, qkv.p, B, T, NH, HD, static_cast<float>(scale));
  });
}

napi_value AttentionBackward(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "attentionBackward");
    auto dQkv = a.f32("dQkv"), dOut = a.f32("dOut"), qkv = a.f32("qkv"), stats = a.f32("stats");
    const long B = a.dim("B"), T = a.dim("T"), NH = a.dim("NH"), HD = a.dim("HD");
    const double scale = a.number("scale");
    auto q = [&] { return std::string("B*T*3*NH*HD = " + s(B) + "*" + s(T) + "*3*" + s(NH) + "*" + s(HD)); };
    a.need(dQkv, double(B) * T * 3 * NH * HD, q);
    a.need(qkv, double(B) * T * 3 * NH * HD, q);
    a.need(dOut, double(B) * T * NH * HD, [&] { return std::string("B*T*NH*HD = " + s(B) + "*" + s(T) + "*" + s(NH) + "*" + s(HD)); });
    a.need(stats, double(B) * NH * T * 2, [&] { return std::string("B*NH*T*2 = " + s(B) + "*" + s(NH) + "*" + s(T) + "*2"); });
    hrm::attention_backward(dQkv.p, dOut.p, qkv.p, stats.p, B, T, NH, HD, static_cast<float>(scale));
  });
}

napi_value SwigluForward(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "swigluForward");
    auto out = a.f32("out"), gateUp = a.f32("gateUp");
    const long rows = a.dim("rows"), I = a.dim("I");
    a.need(out, double(rows) * I, [&] { return std::string("rows*I = " + s(rows) + "*" + s(I)); });
    a.need(gateUp, double(rows) * 2 * I, [&] { return std::string("rows*2I = " + s(rows) + "*" + s(2 * I)); });
    hrm::swiglu_forward(out.p, gateUp.p, rows, I);
  });
}

napi_value SwigluBackward(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "swigluBackward");
    auto dGateUp = a.f32("dGateUp"), dOut = a.f32("dOut"), gateUp = a.f32("gateUp");
    const long rows = a.dim("rows"), I = a.dim("I");
    a.need(dGateUp, double(rows) * 2 * I, [&] { return std::string("rows*2I = " + s(rows) + "*" + s(2 * I)); });
    a.need(gateUp, double(rows) * 2 * I, [&] { return std::string("rows*2I = " + s(rows) + "*" + s(2 * I)); });
    a.need(dOut, double(rows) * I, [&] { return std::string("rows*I = " + s(rows) + "*" + s(I)); });
    hrm::swiglu_backward(dGateUp.p, dOut.p, gateUp.p, rows, I);
  });
}

napi_value SoftmaxForward(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "softmaxForward");
    auto out = a.f32("out"), x = a.f32("x");
    const long rows = a.dim("rows"), D = a.dim("D");
    a.need(out, double(rows) * D, [&] { return std::string("rows*D = " + s(rows) + "*" + s(D)); });
    a.need(x, double(rows) * D, [&] { return std::string("rows*D = " + s(rows) + "*" + s(D)); });
    hrm::softmax_rows(out.p, x.p, rows, D);
  });
}

template <bool Forward>
napi_value Embedding(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, Forward ? "embeddingForward" : "embeddingBackward");
    auto first = a.f32(Forward ? "out" : "dTable"), second = a.f32(Forward ? "table" : "dOut");
    size_t nIds;
    const int32_t* ids = a.i32("ids", &nIds);
    const long n = a.dim("n"), D = a.dim("D"), V = a.dim("V");
    auto& table = Forward ? second : first;
    auto& rows = Forward ? first : second;
    a.need(rows, double(n) * D, [&] { return std::string("n*D = " + s(n) + "*" + s(D)); });
    a.need(table, double(V) * D, [&] { return std::string("V*D = " + s(V) + "*" + s(D)); });
    if (nIds < static_cast<size_t>(n)) a.fail(false, "ids has " + std::to_string(nIds) + " elements, expected at least n = " + s(n));
    for (long i = 0; i < n; i++)
      if (ids[i] < 0 || ids[i] >= V) a.fail(false, "ids[" + s(i) + "] = " + s(ids[i]) + " is outside [0, V = " + s(V) + ")");
    if (Forward)
      hrm::embedding_forward(first.p, second.p, ids, n, D);
    else
      hrm::embedding_backward(first.p, second.p, ids, n, D);
  });
}

napi_value Transpose(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "transpose");
    auto out = a.f32("out"), in = a.f32("x");
    const long B = a.dim("B"), X = a.dim("X"), Y = a.dim("Y");
    const bool acc = a.flag("accumulate");
    for (auto* b : {&out, &in}) a.need(*b, double(B) * double(X) * double(Y), [&] { return "B*X*Y = " + std::to_string(B) + "*" + std::to_string(X) + "*" + std::to_string(Y); });
    hrm::transpose(out.p, in.p, B, X, Y, acc);
  });
}

napi_value Add(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "add");
    auto out = a.f32("out"), x = a.f32("a"), y = a.f32("b");
    const long n = a.dim("n");
    for (auto* b : {&out, &x, &y}) a.need(*b, double(n), [&] { return std::string("n"); });
    hrm::add(out.p, x.p, y.p, n);
  });
}

napi_value Scale(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "scale");
    auto out = a.f32("out"), x = a.f32("a");
    const double alpha = a.number("alpha");
    const long n = a.dim("n");
    a.need(out, double(n), [&] { return std::string("n"); });
    a.need(x, double(n), [&] { return std::string("n"); });
    hrm::scale(out.p, x.p, alpha, n);
  });
}

napi_value Axpy(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "axpy");
    auto dst = a.f32("dst"), src = a.f32("src");
    const double alpha = a.number("alpha");
    const long n = a.dim("n");
    a.need(dst, double(n), [&] { return std::string("n"); });
    a.need(src, double(n), [&] { return std::string("n"); });
    hrm::axpy(dst.p, src.p, alpha, n);
  });
}

napi_value RoundBf16(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "roundBf16");
    auto out = a.f32("out"), x = a.f32("a");
    const long n = a.dim("n");
    a.need(out, double(n), [&] { return std::string("n"); });
    a.need(x, double(n), [&] { return std::string("n"); });
    hrm::round_bf16(out.p, x.p, n);
  });
}

napi_value PackBf16(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "packBf16");
    auto dst = a.u16("dst");
    auto src = a.f32("src");
    const long n = a.dim("n");
    a.need(dst, double(n), [&] { return std::string("n"); });
    a.need(src, double(n), [&] { return std::string("n"); });
    hrm::pack_bf16(dst.p, src.p, n);
  });
}

napi_value UnpackBf16(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "unpackBf16");
    auto dst = a.f32("dst");
    auto src = a.u16("src");
    const long n = a.dim("n");
    a.need(dst, double(n), [&] { return std::string("n"); });
    a.need(src, double(n), [&] { return std::string("n"); });
    hrm::unpack_bf16(dst.p, src.p, n);
  });
}

napi_value AdamAtan2(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    Args a(env, info, "adamAtan2Update");
    auto p = a.f32("param"), g = a.f32("grad"), m = a.f32("expAvg"), v = a.f32("expAvgSq");
    const long n = a.dim("n");
    const double decay = a.number("decay"), w1 = a.number("w1"), w2 = a.number("w2"),
                 stepSize = a.number("stepSize"), sqrtBc2 = a.number("sqrtBc2");
    for (auto* b : {&p, &g, &m, &v}) a.need(*b, double(n), [&] { return std::string("n"); });
    hrm::adam_atan2(p.p, g.p, m.p, v.p, n, static_cast<float>(decay), static_cast<float>(w1), static_cast<float>(w2),
                    static_cast<float>(stepSize), static_cast<float>(sqrtBc2));
  });
}

void def(napi_env env, napi_value exports, const char* name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, nullptr, &fn);
  napi_set_named_property(env, exports, name, fn);
}

napi_value Init(napi_env env, napi_value exports) {
  def(env, exports, "setNumThreads", SetNumThreads);
  def(env, exports, "info", Info);
  def(env, exports, "matmul", Matmul);
  def(env, exports, "rmsNormForward", RmsNormForward);
  def(env, exports, "rmsNormBackward", RmsNormBackward);
  def(env, exports, "addRmsNormForward", AddRmsNormForward);
  def(env, exports, "ropeForward", Rope<true>);
  def(env, exports, "ropeBackward", Rope<false>);
  def(env, exports, "attentionForward", AttentionForward);
  def(env, exports, "attentionBackward", AttentionBackward);
  def(env, exports, "swigluForward", SwigluForward);
  def(env, exports, "swigluBackward", SwigluBackward);
  def(env, exports, "softmaxForward", SoftmaxForward);
  def(env, exports, "embeddingForward", Embedding<true>);
  def(env, exports, "embeddingBackward", Embedding<false>);
  def(env, exports, "add", Add);
  def(env, exports, "scale", Scale);
  def(env, exports, "axpy", Axpy);
  def(env, exports, "transpose", Transpose);
  def(env, exports, "roundBf16", RoundBf16);
  def(env, exports, "packBf16", PackBf16);
  def(env, exports, "unpackBf16", UnpackBf16);
  def(env, exports, "adamAtan2Update", AdamAtan2);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
