"""What the official TinyRecursiveModels code needs to run on CPU under Debian's torch 1.13 (trm-spec.md section 10).

Shared by scripts/golden/trm_golden.py (golden vectors) and bench/torch_trm_train.py (learning-curve baseline):
  install_shims()   stand-ins for torch>=2 APIs, einops and pydantic, each installed only if missing; none
                    changes a number the official code computes. SHIMS_APPLIED / SHIM_DOCS name and describe
                    the ones installed (trm_golden.py writes them into config.json and README.md).
  AdamATan2Exact    the adam-atan2 package's CUDA kernel (the official optimizer) as exact float32 torch ops.
  import_official() installs the shims, puts the official checkout on sys.path and imports its model modules.

Import it with scripts/golden on sys.path, before torch: importing it re-runs the script under /usr/bin/python3
when the current interpreter has no torch (reexec_under_system_python). It needs torch (Debian's 1.13 works) and
the standard library only.
"""

import importlib
import math
import os
import sys
import types
import typing


def reexec_under_system_python():
    """Make `import torch` work: if this interpreter has no torch, run the script again under /usr/bin/python3.

    Debian's python3-torch lives in /usr/bin/python3's site-packages; a pyenv `python3` may lack it. Called when
    this module is imported, before it imports torch, so a script only has to import trm_shims before torch.
    """
    try:
        import torch  # noqa: F401
    except ImportError:  # pragma: no cover - environment fallback
        if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
            os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
        raise


reexec_under_system_python()

import torch  # noqa: E402
from torch import nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

# ----------------------------------------------------------------------------------------------------------
# Shims: stand-ins for what Debian's torch 1.13 (and its python) lacks, each installed only if it is missing.
# None of them changes a number the official code computes (trm-spec.md section 10).
# ----------------------------------------------------------------------------------------------------------

SHIMS_APPLIED = []
SHIM_DOCS = {}


def _shim(name, doc):
    SHIMS_APPLIED.append(name)
    SHIM_DOCS[name] = doc


_INSTALLED = False


def install_shims():
    """Install every missing stand-in (once; later calls do nothing)."""
    global _INSTALLED
    if _INSTALLED:
        return
    _INSTALLED = True

    # sdpa: models/layers.py imports torch.nn.functional.scaled_dot_product_attention at import time (torch>=2.0).
    if not hasattr(F, "scaled_dot_product_attention"):
        def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
            # torch 2.x's math backend (_scaled_dot_product_attention_math): q and k each scaled by sqrt(scale).
            assert attn_mask is None and dropout_p == 0.0
            s = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
            q = query * math.sqrt(s)
            k = key * math.sqrt(s)
            scores = q @ k.transpose(-2, -1)
            if is_causal:
                L, S = scores.shape[-2], scores.shape[-1]
                mask = torch.ones(L, S, dtype=torch.bool).tril()
                scores = scores.masked_fill(~mask, float("-inf"))
            out = torch.softmax(scores, dim=-1) @ value  # [B, H, S, D]
            # The fused kernels return a [B, H, S, D] view of a [B, S, H, D] buffer; the official
            # rearrange back to B S H D followed by .view(B, S, H*D) needs that layout.
            return out.transpose(1, 2).contiguous().transpose(1, 2)

        F.scaled_dot_product_attention = scaled_dot_product_attention
        _shim("sdpa", "models/layers.py does `from torch.nn.functional import scaled_dot_product_attention` (torch>=2.0) at import time. This set (mlp_t) never calls it; it is installed so layers.py imports. Shim: torch 2.x's math backend on [B,H,S,D] (q and k scaled by sqrt(1/sqrt(D)), softmax(q k^T) v in fp32, is_causal masks key > query), returned as a [B,H,S,D] view of a [B,S,H,D] buffer as the fused kernels return it.")

    # einops: used by layers.Attention only for the axis permutations 'B S H D -> B H S D' and back.
    try:
        import einops  # noqa: F401
    except ImportError:
        mod = types.ModuleType("einops")

        def rearrange(t, pattern):
            lhs, rhs = [side.split() for side in pattern.split("->")]
            if sorted(lhs) != sorted(rhs) or len(set(lhs)) != len(lhs) or any(not a.isidentifier() for a in lhs):
                raise ValueError(f"einops shim: only pure axis permutations are supported, got {pattern!r}")
            return t.permute(*[lhs.index(a) for a in rhs])

        mod.rearrange = rearrange
        sys.modules["einops"] = mod
        _shim("einops", "models/layers.py does `import einops` (not packaged for Debian's python3) and uses einops.rearrange only for pure axis permutations (never called by this mlp_t set). Shim: a module `einops` whose rearrange(t, pattern) accepts pure permutation patterns and returns t.permute(...), the same view einops returns; any other pattern raises.")

    # nn.Buffer (torch>=2.5): trm.py (H_init, L_init), sparse_embedding.py (weights, local_weights, local_ids),
    # layers.py (RotaryEmbedding caches).
    if not hasattr(nn, "Buffer"):
        def Buffer(data, *, persistent=True):
            t = data.detach().requires_grad_(data.requires_grad)  # as torch 2.5's Buffer.__new__
            t._shim_buffer_persistent = persistent
            return t

        orig_setattr = nn.Module.__setattr__

        def module_setattr(self, name, value):
            if isinstance(value, torch.Tensor) and hasattr(value, "_shim_buffer_persistent"):
                persistent = value._shim_buffer_persistent
                del value._shim_buffer_persistent
                self.register_buffer(name, value, persistent=persistent)  # as torch 2.5's Module.__setattr__
            else:
                orig_setattr(self, name, value)

        nn.Buffer = Buffer
        nn.Module.__setattr__ = module_setattr
        _shim("nn.Buffer", "trm.py (H_init, L_init) and sparse_embedding.py (weights, local_weights, local_ids) use nn.Buffer(t, persistent=...) (torch>=2.5). Shim: nn.Buffer(data, *, persistent=True) returns data.detach().requires_grad_(data.requires_grad) tagged with `persistent`, and nn.Module.__setattr__ registers such a tensor with register_buffer(name, t, persistent), as torch 2.5 does (so local_weights stays a grad-requiring leaf buffer).")

    # ParamsT (torch>=2.2): a type alias imported by sparse_embedding.py.
    import torch.optim.optimizer as optim_mod
    if not hasattr(optim_mod, "ParamsT"):
        optim_mod.ParamsT = typing.Union[typing.Iterable[torch.Tensor], typing.Iterable[typing.Dict[str, typing.Any]]]
        _shim("ParamsT", "sparse_embedding.py imports ParamsT from torch.optim.optimizer (torch>=2.2); set to the torch 2.x type alias (a type hint only).")

    # Bare @torch.no_grad (torch>=2.1): sparse_embedding.py decorates SignSGD.step with it.
    try:
        torch.no_grad(lambda: None)
    except TypeError:
        orig_no_grad = torch.no_grad

        class no_grad(orig_no_grad):
            def __new__(cls, orig_func=None):
                if orig_func is not None:
                    return orig_no_grad()(orig_func)  # used as a bare decorator
                return super().__new__(cls)

            def __init__(self, orig_func=None):
                super().__init__()

        torch.no_grad = no_grad
        _shim("no_grad_bare_decorator", "sparse_embedding.py decorates SignSGD.step with bare `@torch.no_grad` (torch>=2.1). torch.no_grad is replaced by a subclass whose constructor, given a function, returns torch.no_grad()(function); `with torch.no_grad():` is unchanged.")

    # int32 index tensors (accepted by torch>=2.0): CastedSparseEmbedding.forward (weights[int32 ids]) and the
    # SignSGD step (weights[grad_ids] with int32 local_ids).
    try:
        torch.zeros(2)[torch.zeros(1, dtype=torch.int32)]
    except (IndexError, RuntimeError):
        orig_get, orig_set = torch.Tensor.__getitem__, torch.Tensor.__setitem__

        def fix(idx):
            if isinstance(idx, torch.Tensor) and idx.dtype == torch.int32:
                return idx.long()
            if isinstance(idx, tuple):
                return tuple(fix(i) for i in idx)
            return idx

        torch.Tensor.__getitem__ = lambda self, idx: orig_get(self, fix(idx))
        torch.Tensor.__setitem__ = lambda self, idx, value: orig_set(self, fix(idx), value)
        _shim("int32_index", "torch 1.13 rejects int32 index tensors in t[idx] / t[idx] = v; torch>=2.0 accepts them with the same meaning. Used by CastedSparseEmbedding.forward (weights[puzzle_identifiers], int32 from the dataset) and the SignSGD step (weights[grad_ids], int32 local_ids). Tensor.__getitem__/__setitem__ cast int32 index tensors to int64 first.")

    # torch.compile (torch>=2.0): only pretrain.py calls it; nothing to install.
    if not hasattr(torch, "compile"):
        _shim("torch.compile", "pretrain.py wraps the loss head in torch.compile (absent in 1.13). Not called (pretrain.py honours DISABLE_COMPILE the same way). For the checkpoint only, a module holding the loss head as attribute `_orig_mod` gives the compiled model's `_orig_mod.` key prefix.")

    # pydantic: trm.py's config class is a pydantic BaseModel; Debian's python3 has no pydantic here.
    try:
        import pydantic  # noqa: F401
    except ImportError:
        sys.modules["pydantic"] = _pydantic_shim()
        _shim("pydantic", "trm.py's TinyRecursiveReasoningModel_ACTV1Config is a pydantic BaseModel (pydantic is not installed for Debian's python3 here). Shim: a module `pydantic` whose BaseModel takes the annotated fields in declaration order, applies the class defaults, raises on a missing required field, ignores unknown keys (pydantic's default; pretrain passes causal=False, which is no field), coerces as pydantic's lax mode does for the types used (int -> float for float fields, integral float -> int for int fields, str, bool) and has model_dump().")


def _pydantic_shim():
    mod = types.ModuleType("pydantic")

    class BaseModel:
        def __init__(self, **data):
            fields = {}
            for klass in reversed(type(self).__mro__):
                fields.update(getattr(klass, "__annotations__", {}))
            self.__dict__["_fields"] = list(fields)
            for name, typ in fields.items():
                if name in data:
                    value = _coerce(name, typ, data[name])
                elif hasattr(type(self), name):
                    value = getattr(type(self), name)
                else:
                    raise ValueError(f"pydantic shim: field {name!r} required")
                self.__dict__[name] = value

        def model_dump(self):
            return {k: self.__dict__[k] for k in self._fields}

    def _coerce(name, typ, v):
        if typ is bool:
            if isinstance(v, bool):
                return v
        elif typ is int:
            if isinstance(v, int) and not isinstance(v, bool):
                return v
            if isinstance(v, float) and v.is_integer():
                return int(v)
        elif typ is float:
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                return float(v)
        elif typ is str:
            if isinstance(v, str):
                return v
        raise ValueError(f"pydantic shim: field {name!r} of type {typ} got {v!r}")

    mod.BaseModel = BaseModel
    return mod


# ----------------------------------------------------------------------------------------------------------
# AdamATan2: the adam-atan2 package (0.0.3) is a CUDA extension; this is its kernel's float32 arithmetic
# (csrc/adam_atan2.cu, adam_math with opmath_t = float), per element, step t starting at 1:
#   step_size = f32(lr / (1 - beta1^t)), wd_alpha = f32(1 - lr*wd), bc2_sqrt = f32(sqrt(1 - beta2^t)),
#   mbeta1 = f32(1 - beta1), mbeta2 = f32(1 - beta2)        (computed in double, as the functor does)
#   param  *= wd_alpha
#   exp_avg    = fma(mbeta1, grad,      fma(-mbeta1, exp_avg,    exp_avg))      (its lerp)
#   exp_avg_sq = fma(mbeta2, grad*grad, fma(-mbeta2, exp_avg_sq, exp_avg_sq))
#   denom  = sqrt(exp_avg_sq) / bc2_sqrt
#   param -= step_size * atan2(exp_avg, denom)
# No epsilon, no a/b constants. An fma is computed as f32(f64(a)*f64(b) + f64(c)): the product of two float32
# is exact in float64, so the only difference from a true fma is a double rounding, which needs an exact tie
# after the first rounding (about 2^-29 of cases).
# ----------------------------------------------------------------------------------------------------------


def _fma32(a, b, c):
    return (a.double() * b.double() + c.double()).float()


class AdamATan2Exact:
    def __init__(self, params, lr, betas, weight_decay):
        self.params = [p for p in params]
        self.lr, self.betas, self.weight_decay = lr, betas, weight_decay
        self.state = {id(p): {"step": 0, "exp_avg": torch.zeros_like(p), "exp_avg_sq": torch.zeros_like(p)} for p in self.params}

    @staticmethod
    def update(param, grad, exp_avg, exp_avg_sq, step, lr, beta1, beta2, weight_decay):
        f32 = lambda x: torch.tensor(x, dtype=torch.float64).float()  # noqa: E731 (double -> float32)
        step_size = f32(lr / (1 - beta1 ** step))
        wd_alpha = f32(1 - lr * weight_decay)
        bc2_sqrt = f32(math.sqrt(1 - beta2 ** step))
        mbeta1, mbeta2 = f32(1 - beta1), f32(1 - beta2)
        p = param * wd_alpha
        m = _fma32(mbeta1.expand_as(grad), grad, _fma32(-mbeta1.expand_as(grad), exp_avg, exp_avg))
        gg = grad * grad
        v = _fma32(mbeta2.expand_as(grad), gg, _fma32(-mbeta2.expand_as(grad), exp_avg_sq, exp_avg_sq))
        denom = torch.sqrt(v) / bc2_sqrt
        p = p - step_size * torch.atan2(m, denom)
        return p, m, v

    @torch.no_grad()
    def step(self):
        for p in self.params:
            if p.grad is None:
                continue
            st = self.state[id(p)]
            st["step"] += 1
            new_p, m, v = self.update(p.data, p.grad, st["exp_avg"], st["exp_avg_sq"], st["step"], self.lr,
                                      self.betas[0], self.betas[1], self.weight_decay)
            p.data.copy_(new_p)
            st["exp_avg"], st["exp_avg_sq"] = m, v


def import_official(official_dir):
    """install_shims(), then import the official model modules from the checkout `official_dir`.

    Returns a namespace with trm (models.recursive_reasoning.trm), losses, sparse (models.sparse_embedding),
    common, layers and ema (models.ema), imported unmodified.
    """
    install_shims()
    official_dir = os.path.abspath(official_dir)
    if not os.path.exists(os.path.join(official_dir, "models", "recursive_reasoning", "trm.py")):
        raise FileNotFoundError(f"{official_dir} is not a TinyRecursiveModels checkout (no models/recursive_reasoning/trm.py)")
    if official_dir not in sys.path:
        sys.path.insert(0, official_dir)
    names = {"trm": "models.recursive_reasoning.trm", "losses": "models.losses", "sparse": "models.sparse_embedding",
             "common": "models.common", "layers": "models.layers", "ema": "models.ema"}
    return types.SimpleNamespace(**{k: importlib.import_module(m) for k, m in names.items()})
