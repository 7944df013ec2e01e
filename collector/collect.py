#!/usr/bin/env python3
"""Measure kernel latencies on the local NVIDIA GPU and write AicSim's kernel-table CSV format.

Usage (on a GPU host with PyTorch):
    python3 collector/collect.py --out systems-data/h200_sxm/pytorch --budget-s 270

systems-data/<system>/pytorch/ is read by --perf-source tables; a folder named after a backend
(systems-data/<system>/trtllm/) is read by auto too, and belongs to that framework's own kernels.

Measures, within the time budget (default 270 s; about a minute on an H100 or H200):
  * GEMM (F.linear -> cuBLAS, weights (n, k) as checkpoints store them) in bf16, and fp8 e4m3 with per-tensor scales
    (torch._scaled_mm) where the GPU has it, over m in {1, 2, 4, ..., 8192} and the (n, k) shapes of the bundled models (models-data/*.yaml) at TP 1, 2, 4, 8;
  * context attention (F.scaled_dot_product_attention, causal, flash backend) over batch x sequence x head layouts;
  * generation attention (one query against a KV cache, GQA) over batch x KV length x head layouts;
  * memory bandwidth (device-to-device copies of growing size).
Latencies are medians of CUDA-event timings of CUDA-graph replays after warm-up, in milliseconds; operands smaller
than the L2 cache are cycled through copies, so weights and KV caches are read from HBM as in a real step.
Files written: gemm.csv, context_attention.csv, generation_attention.csv, memory.csv and provenance.yaml (GPU, torch/CUDA versions, date).
The measured library is PyTorch's (cuBLAS, flash attention), not a serving framework's kernels: the provenance says so.
"""
import argparse
import datetime
import glob
import os
import time

import torch
import torch.nn.functional as F
from torch.nn.attention import SDPBackend, sdpa_kernel

M_GRID = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192]


def read_models(models_dir):
    """The flat 'key: value' lines of AicSim's models-data files (no YAML library needed)."""
    models = []
    for path in sorted(glob.glob(os.path.join(models_dir, "*.yaml"))):
        if os.path.basename(path).startswith("_"):
            continue
        fields = {}
        with open(path) as f:
            for line in f:
                if ":" in line and not line.startswith("#") and not line.startswith(" "):
                    key, _, value = line.partition(":")
                    fields[key.strip()] = value.split("#")[0].strip()  # a value may carry a comment after it
        if "hidden_size" in fields and "num_attention_heads" in fields:
            models.append(fields)
    return models


def gemm_shapes(models):
    """(n, k) per GPU of the dense projections of each model at TP 1, 2, 4, 8 (as AicSim's op tables build them)."""
    shapes = set()
    for m in models:
        h = int(m["hidden_size"]); n = int(m["num_attention_heads"]); kv = int(m.get("num_key_value_heads", n))
        d = int(m.get("head_dim", h // n)); inter = int(m.get("intermediate_size", 0) or 0)
        for tp in (1, 2, 4, 8):
            if n % tp:
                continue
            heads = n // tp; kvh = -(-kv // tp)
            shapes.add(((heads + 2 * kvh) * d, h))
            shapes.add((h, heads * d))
            if inter and inter % tp == 0:
                shapes.add((2 * inter // tp, h))
                shapes.add((h, inter // tp))
    return sorted(shapes)


def time_ms(fn, copies=1):
    """Median milliseconds of one call of fn(i), where i picks one of `copies` sets of operands.

    The calls are replayed from a CUDA graph, as the serving frameworks run decode, so the host's launch time (a few
    microseconds, as long as a small GEMM) is not counted; eager timing if capture fails. The calls cycle through the
    copies so that operands smaller than the L2 cache are read from HBM, as each layer's own weights and KV cache are
    in a real step; timing one tensor over and over would read it from L2. Calls over a millisecond are repeated less:
    their launch time is noise, and the budget goes further."""
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for i in range(2):
            fn(i % copies)
        start = torch.cuda.Event(enable_timing=True); end = torch.cuda.Event(enable_timing=True)
        start.record(side); fn(0); end.record(side)
    torch.cuda.current_stream().wait_stream(side)
    torch.cuda.synchronize()
    reps, trials = (max(10, copies), 5) if start.elapsed_time(end) < 1.0 else (max(2, copies), 3)
    try:
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            for i in range(reps):
                fn(i % copies)
        run = graph.replay
    except RuntimeError:
        torch.cuda.synchronize()
        def run():
            for i in range(reps):
                fn(i % copies)
    run()
    torch.cuda.synchronize()
    times = []
    for _ in range(trials):
        start = torch.cuda.Event(enable_timing=True); end = torch.cuda.Event(enable_timing=True)
        start.record(); run(); end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end) / reps)
    times.sort()
    return times[len(times) // 2]


def copies_for(nbytes, l2_bytes):
    """How many operand sets make the cycle four times the L2 cache (at most 64, which still spans the L2 cache for
    operands of a megabyte, the smallest bundled shapes)."""
    return max(1, min(64, -(-4 * l2_bytes // max(1, nbytes))))


def flash(fn):
    """fn under the flash-attention backend only: a point the flash kernel cannot run is skipped (it stays on the
    roofline) rather than timed on PyTorch's slow reference path."""
    def run(i):
        with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
            return fn(i)
    return run


def measured(label, fn, copies=1):
    """time_ms, or None (with a note) when the kernel refuses the shape or the GPU runs out of memory."""
    try:
        return time_ms(fn, copies)
    except (RuntimeError, torch.cuda.OutOfMemoryError) as e:
        print(f"  skipped {label}: {str(e).splitlines()[0][:120]}", flush=True)
        torch.cuda.empty_cache()
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="folder to write the CSV tables into, e.g. systems-data/h200_sxm/pytorch")
    ap.add_argument("--models", default=os.path.join(os.path.dirname(__file__), "..", "models-data"))
    ap.add_argument("--budget-s", type=float, default=270.0)
    args = ap.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("error: no CUDA GPU visible to PyTorch; run this on the GPU host whose tables you want.")

    deadline = time.time() + args.budget_s
    os.makedirs(args.out, exist_ok=True)
    dev = torch.device("cuda")
    props = torch.cuda.get_device_properties(dev)
    has_fp8 = props.major >= 9 and hasattr(torch, "_scaled_mm")
    l2 = getattr(props, "L2_cache_size", 64 << 20)

    def left(share):
        return time.time() < deadline - args.budget_s * (1 - share)

    rows = []
    shapes = gemm_shapes(read_models(args.models))
    print(f"{props.name}: {len(shapes)} GEMM shapes x {len(M_GRID)} m, fp8 {'on' if has_fp8 else 'off'}", flush=True)
    one = torch.ones((), device=dev)
    for i, (n, k) in enumerate(shapes):
        if not left(0.55):
            print(f"  GEMM budget spent after {i} of {len(shapes)} shapes", flush=True)
            break
        c = copies_for(2 * n * k, l2)
        # Weights stored (n, k) and applied as x·Wᵀ, the layout of a checkpoint's linear layers and of every framework.
        w = [torch.randn(n, k, device=dev, dtype=torch.bfloat16) for _ in range(c)]
        w8 = [x.to(torch.float8_e4m3fn) for x in w] if has_fp8 else None
        for m in M_GRID:
            a = torch.randn(m, k, device=dev, dtype=torch.bfloat16)
            ms = measured(f"bf16 {m}x{n}x{k}", lambda i: F.linear(a, w[i]), c)
            if ms is not None:
                rows.append(("bfloat16", m, n, k, ms))
            if has_fp8:
                a8 = a.to(torch.float8_e4m3fn)
                ms = measured(f"fp8 {m}x{n}x{k}", lambda i: torch._scaled_mm(a8, w8[i].t(), scale_a=one, scale_b=one, out_dtype=torch.bfloat16), c)
                if ms is not None:
                    rows.append(("fp8", m, n, k, ms))
        del w, w8
        torch.cuda.empty_cache()
    with open(os.path.join(args.out, "gemm.csv"), "w") as f:
        f.write("dtype,m,n,k,latency_ms\n")
        f.writelines(f"{d},{m},{n},{k},{ms:.6f}\n" for d, m, n, k, ms in rows)
    print(f"  {len(rows)} GEMM points", flush=True)

    layouts = [(64, 8, 128), (32, 8, 128), (16, 8, 128), (8, 8, 128), (8, 1, 128), (4, 1, 128), (16, 2, 128), (64, 8, 64)]
    ctx = []
    for heads, kv_heads, dim in layouts:
        for batch in (1, 2, 4, 8):
            for isl in (128, 512, 1024, 2048, 4096, 8192):
                if not left(0.8) or batch * isl > 32768:
                    continue
                q = torch.randn(batch, heads, isl, dim, device=dev, dtype=torch.bfloat16)
                c = copies_for(2 * 2 * batch * kv_heads * isl * dim, l2)
                kv = [(torch.randn(batch, kv_heads, isl, dim, device=dev, dtype=torch.bfloat16),
                       torch.randn(batch, kv_heads, isl, dim, device=dev, dtype=torch.bfloat16)) for _ in range(c)]
                ms = measured(f"context b{batch} s{isl} h{heads}/{kv_heads}", flash(lambda i: F.scaled_dot_product_attention(q, *kv[i], is_causal=True, enable_gqa=True)), c)
                if ms is not None:
                    ctx.append((batch, isl, heads, kv_heads, dim, ms))
    with open(os.path.join(args.out, "context_attention.csv"), "w") as f:
        f.write("batch,isl,heads,kv_heads,head_dim,kv_dtype,window,latency_ms\n")
        f.writelines(f"{b},{s},{h},{kv},{d},bfloat16,0,{ms:.6f}\n" for b, s, h, kv, d, ms in ctx)
    print(f"  {len(ctx)} context attention points", flush=True)

    gen = []
    for heads, kv_heads, dim in layouts:
        for batch in (1, 8, 32, 64, 128, 256):
            for kv_len in (256, 1024, 4096, 16384):
                if not left(0.95) or batch * kv_len > 1 << 21:
                    continue
                q = torch.randn(batch, heads, 1, dim, device=dev, dtype=torch.bfloat16)
                c = copies_for(2 * 2 * batch * kv_heads * kv_len * dim, l2)
                kv = [(torch.randn(batch, kv_heads, kv_len, dim, device=dev, dtype=torch.bfloat16),
                       torch.randn(batch, kv_heads, kv_len, dim, device=dev, dtype=torch.bfloat16)) for _ in range(c)]
                ms = measured(f"generation b{batch} kv{kv_len} h{heads}/{kv_heads}", flash(lambda i: F.scaled_dot_product_attention(q, *kv[i], enable_gqa=True)), c)
                if ms is not None:
                    gen.append((batch, kv_len, heads, kv_heads, dim, ms))
    with open(os.path.join(args.out, "generation_attention.csv"), "w") as f:
        f.write("batch,kv_len,heads,kv_heads,head_dim,kv_dtype,window,latency_ms\n")
        f.writelines(f"{b},{c},{h},{kv},{d},bfloat16,0,{ms:.6f}\n" for b, c, h, kv, d, ms in gen)
    print(f"  {len(gen)} generation attention points", flush=True)

    mem = []
    for size in (1 << 20, 1 << 24, 1 << 27, 1 << 30, 1 << 32):
        if size * 2 > props.total_memory * 0.8:
            break
        src = torch.empty(size // 2, dtype=torch.bfloat16, device=dev); dst = torch.empty_like(src)
        ms = measured(f"copy {size}", lambda i: dst.copy_(src))
        if ms is not None:
            mem.append((2 * size, ms))  # bytes read + written
        del src, dst
    with open(os.path.join(args.out, "memory.csv"), "w") as f:
        f.write("bytes,latency_ms\n")
        f.writelines(f"{b},{ms:.6f}\n" for b, ms in mem)

    with open(os.path.join(args.out, "provenance.yaml"), "w") as f:
        f.write(f"gpu: {props.name}\n")
        f.write(f"library: pytorch {torch.__version__} (cuBLAS linear and scaled_mm, flash scaled_dot_product_attention; CUDA-graph replays, operands cycled past the L2 cache)\n")
        f.write(f"cuda: '{torch.version.cuda}'\n")
        f.write(f"version: 'torch-{torch.__version__}'\n")
        f.write(f"date: '{datetime.date.today().isoformat()}'\n")
        f.write("tool: collector/collect.py\n")
    print(f"wrote {len(rows)} GEMM, {len(ctx)} context, {len(gen)} generation and {len(mem)} memory points to {args.out}")


if __name__ == "__main__":
    main()
