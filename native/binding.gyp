# The native kernel addon (hrm_native.node): Node-API, oneDNN for matrix products, OpenMP for threads.
# Built by scripts/build-native.mjs at `npm install` when oneDNN's headers are present.
# No -ffast-math and -ffp-contract=off: the kernels must match the reference (1e-5 relative, AdamATan2
# and the elementwise kernels bit for bit).
{
  "targets": [
    {
      "target_name": "hrm_native",
      "sources": [
        "src/addon.cc", "src/gemm.cc", "src/norm.cc", "src/rope.cc", "src/attention.cc", "src/attention_avx512.cc", "src/softmax.cc",
        "src/swiglu.cc", "src/embedding.cc", "src/elementwise.cc", "src/adam.cc", "src/transpose.cc"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-fopenmp", "-ffp-contract=off", "-fno-math-errno", "-fexceptions", "-Wall", "-Wextra"],
      "ldflags": ["-fopenmp"],
      "libraries": ["-ldnnl"],
      "conditions": [
        ["target_arch=='x64'", { "cflags_cc": ["-mavx2", "-mfma"] }]
      ]
    }
  ]
}
