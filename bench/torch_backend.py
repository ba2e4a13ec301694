#!/usr/bin/python3
"""Which BLAS and which oneDNN ISA this PyTorch really uses, as one JSON line (bench/run.ts refuses a ratio
against Debian's reference BLAS, which makes PyTorch's f32 products ~50x slower than OpenBLAS).

    /usr/bin/python3 bench/torch_backend.py   ->  {"torch": "...", "blas": [...], "blas_kind": "openblas|reference|mkl|other|none",
                                                  "onednn_isa": "...", "threads": N}
Run it with the environment the benchmark gives PyTorch (LD_LIBRARY_PATH with OpenBLAS first).
"""
import json
import os
import re
import sys

import subprocess  # noqa: E402

import torch  # noqa: E402

if len(sys.argv) > 1 and sys.argv[1] == "--conv":  # child: one oneDNN convolution with verbose output on
    torch.nn.functional.conv2d(torch.randn(1, 64, 28, 28), torch.randn(64, 64, 3, 3)).sum().item()
    sys.exit(0)

x = torch.randn(256, 256)
(x @ x).sum().item()  # f32 GEMM: goes through the BLAS
verbose = subprocess.run([sys.executable, __file__, "--conv"], env={**os.environ, "DNNL_VERBOSE": "1", "ONEDNN_VERBOSE": "1"},
                         capture_output=True, text=True).stdout
isa = re.search(r"isa:([^,\n]+)", verbose)
with open("/proc/self/maps") as f:
    libs = sorted({line.split()[-1] for line in f if "blas" in line.lower() and "/" in line})
names = " ".join(libs).lower()
kind = "none" if not libs else "openblas" if "openblas" in names else "mkl" if "mkl" in names else \
    "reference" if re.search(r"/blas/libblas\.so", names) else "other"
print(json.dumps({"torch": torch.__version__, "blas": libs, "blas_kind": kind,
                  "onednn_isa": isa.group(1).strip() if isa else None, "threads": torch.get_num_threads()}))
