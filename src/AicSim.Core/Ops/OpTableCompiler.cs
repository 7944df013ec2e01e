using AicSim.Core.Specs;

namespace AicSim.Core.Ops;

/// <summary>
/// Decomposes a model under a mapping into the ops of one forward step on one GPU (DOMAIN.md §6).
/// Three families in code — dense GQA, GQA+MoE, MLA+MoE — and every model difference in <see cref="ModelSpec"/> data.
/// </summary>
/// <remarks>
/// Notation: L layers, h hidden, n heads, n_kv KV heads, d head dim, I FFN width, V vocab, E experts, k top-k,
/// I_e expert width. Per GPU: n/tp heads; ceil(n_kv/tp) KV heads (KV heads are replicated when tp &gt; n_kv).
/// Under attention DP each rank holds full attention (tp = 1 inside the rank) and its own sequences.
/// Activations move in bf16 except where the quantised kernel reads fp8/fp4 inputs.
/// </remarks>
public static partial class OpTableCompiler
{
    /// <summary>Recurrent state of linear attention is kept in fp32 (Qwen3.5's mamba_ssm_dtype; vLLM and SGLang do so).</summary>
    public const double LinearStateBytesPerElement = 4.0;

    public static OpTable Compile(ModelSpec model, ParallelConfig par, QuantConfig quant, SystemSpec system)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(par);
        ArgumentNullException.ThrowIfNull(quant);
        ArgumentNullException.ThrowIfNull(system);
        var b = new Builder(model, par, quant, system);
        b.Build();
        return new OpTable([.. b.Ops], [.. b.Names]);
    }

    private sealed partial class Builder(ModelSpec m, ParallelConfig par, QuantConfig quant, SystemSpec system)
    {
        public List<Op> Ops { get; } = [];

        public List<string> Names { get; } = [];

        private double H => m.HiddenSize;

        private int Tp => par.Tp;

        public void Build()
        {
            // The compute types the quantisation needs must exist on this GPU: fail here, not with a zero peak later.
            QuantModes.ComputeOn(quant.Gemm, system);
            QuantModes.ComputeOn(quant.Attention, system);
            if (m.IsMoe)
            {
                QuantModes.ComputeOn(quant.Moe, system);
            }

            double layers = m.NumLayers;
            Add("embedding", ElementWise(OpGroup.EmbeddingAndLogits, 1, H * 2.0 * 2.0));
            // A norm before each block that runs: a mixer's and an FFN's (two a transformer layer, one a single-block layer).
            Add("norms", ElementWise(OpGroup.Norms, m.MixerLayers + m.DenseFfnLayers + m.MoeLayers, 2.0 * H * 2.0));

            if (m.HasCompressedAttention)
            {
                AddCompressedAttention(layers);
            }
            else if (m.Family == ArchitectureFamily.MlaMoe)
            {
                // Kimi Linear puts delta-attention layers between its MLA ones.
                AddMlaAttention(m.FullAttentionLayers);
                if (m.LinearAttentionLayers > 0)
                {
                    AddLinearAttention(m.LinearAttentionLayers);
                }
            }
            else
            {
                AddGqaAttention(m.FullAttentionLayers);
                if (m.LinearAttentionLayers > 0)
                {
                    AddLinearAttention(m.LinearAttentionLayers);
                }

                if (m.MambaLayers > 0)
                {
                    AddMamba(m.MambaLayers);
                }
            }

            AddAllReduce("attention all-reduce", m.MixerLayers, Tp);

            if (m.DenseFfnLayers > 0)
            {
                var groups = m.FfnWidthGroups;
                foreach (var (width, count) in groups)
                {
                    AddDenseFfn(groups.Count == 1 ? "ffn" : $"ffn {width}", count, width, OpGroup.Ffn);
                }

                AddAllReduce("ffn all-reduce", m.DenseFfnLayers, Tp);
            }

            if (m.IsMoe)
            {
                AddMoe(m.MoeLayers);
            }

            Add("final norm + logits", Gemm(OpGroup.EmbeddingAndLogits, TokenScope.Sequences, 1, m.VocabSize / (double)Tp, H, QuantMode.Bf16));
            if (Tp > 1)
            {
                Add("logits all-gather", Comm(OpGroup.EmbeddingAndLogits, TokenScope.Sequences, 1, Tp, m.VocabSize / (double)Tp * 4.0 * (Tp - 1)) with { Role = OpRole.AllGather, ElementsPerToken = m.VocabSize / (double)Tp * 2 });
            }

            if (par.Pp > 1)
            {
                // One activation hand-off per stage boundary; stages of one engine sit on consecutive GPUs.
                bool network = par.Tp * par.AttentionDp * 2 > system.NvlinkDomainGpus;
                var op = Comm(OpGroup.Communication, TokenScope.AllTokens, par.Pp - 1, 2, H * 2.0);
                op.OverNetwork = network ? 1 : 0;
                Add("pipeline send", op with { Role = OpRole.PointToPoint, ElementsPerToken = H });
            }
        }

        private void AddDenseFfn(string name, double layers, double width, OpGroup group)
        {
            double local = width / Tp;
            double inputs = m.GatedFfn ? 2 : 1;
            Add(m.GatedFfn ? $"{name} gate+up" : $"{name} up", Gemm(group, TokenScope.AllTokens, layers, inputs * local, H, quant.Gemm));
            Add($"{name} activation", ElementWise(group, layers, (inputs * local * 2.0) + (local * 2.0)));
            Add($"{name} down", Gemm(group, TokenScope.AllTokens, layers, H, local, quant.Gemm));
        }

        private void AddMoe(double layers)
        {
            int gpus = par.Tp * par.AttentionDp;
            double experts = m.NumExperts;
            double k = m.ExpertsPerToken;
            Add("router", Gemm(OpGroup.Moe, TokenScope.AllTokens, layers, experts, H, QuantMode.Bf16));

            // Tokens the experts of one GPU see: with attention DP the ranks' tokens are gathered (×dp);
            // each token goes to k of E experts, this GPU owns E/ep of them, each split moe_tp ways.
            double gathered = par.AttentionDp;
            double width = m.ExpertWidth;
            if (m.MoeLatentSize > 0)
            {
                // Latent MoE: tokens go down to the experts' width before dispatch and back up after the combine.
                Add("moe latent down proj", Gemm(OpGroup.Moe, TokenScope.AllTokens, layers, width, H, quant.Gemm));
                Add("moe latent up proj", Gemm(OpGroup.Moe, TokenScope.AllTokens, layers, H, width, quant.Gemm));
            }

            var moe = new Op
            {
                Kind = OpKind.MoeExperts,
                Scope = TokenScope.AllTokens,
                Group = OpGroup.Moe,
                Compute = QuantModes.ComputeOn(quant.Moe, system),
                Count = layers,
                N = m.FfnMatrices * (double)m.MoeIntermediateSize / par.MoeTp,
                K = width,
                WeightBytesPerElement = QuantModes.BytesPerElement(quant.Moe),
                ActivationBytesPerElement = QuantModes.ActivationBytes(QuantModes.ComputeOn(quant.Moe, system)),
                LocalExperts = experts / par.MoeEp,
                PairsPerToken = gathered * k / par.MoeEp,
                TokensGathered = gathered,
                LogInactiveProbability = Math.Log(1.0 - (k / experts)),
                Quant = quant.Moe,
                TopK = k,
                Experts = experts,
                MoeTp = par.MoeTp,
                MoeEp = par.MoeEp,
                Role = m.GatedFfn ? OpRole.Generic : OpRole.UngatedExperts,
            };
            // The gated activation between the expert GEMMs is part of the block: fused into the first GEMM's epilogue
            // (TensorRT-LLM) or run inside the framework's fused-MoE call (vLLM, SGLang), which the kernel tables time
            // whole and MoeOverheadSec was read from; a separate op counted it twice (docs/accuracy-history.md).
            Add("routed experts", moe);

            if (m.SharedExpertIntermediateSize > 0)
            {
                AddDenseFfn("shared expert", layers, m.SharedExpertIntermediateSize, OpGroup.Moe);
            }

            if (par.AttentionDp > 1)
            {
                // Dispatch (quantised activations) and combine (bf16) between attention ranks and expert owners.
                double factor = (gpus - 1.0) / gpus;
                double dispatch = k * width * QuantModes.ActivationBytes(QuantModes.ComputeOn(quant.Moe, system)) * factor;
                double combine = k * width * 2.0 * factor;
                // Across NVLink domains only the traffic bound for the other domains' GPUs crosses the network, the rest
                // moves over NVLink at the same time (DeepEP's kernels do both at once).
                double remote = gpus > system.NvlinkDomainGpus ? (gpus - system.NvlinkDomainGpus) / (gpus - 1.0) : 0;
                Add("moe dispatch all-to-all", CommOn(layers, gpus, dispatch) with { Role = OpRole.AllToAll, ElementsPerToken = k * width, OverNetwork = remote });
                Add("moe combine all-to-all", CommOn(layers, gpus, combine) with { Role = OpRole.AllToAll, ElementsPerToken = k * width, OverNetwork = remote });
            }
            else
            {
                AddAllReduce("moe all-reduce", layers, gpus);
            }
        }

        private void AddAllReduce(string name, double count, int ranks)
        {
            if (ranks <= 1 || count <= 0)
            {
                return;
            }

            double bytes = H * 2.0 * 2.0 * (ranks - 1) / ranks;
            Add(name, CommOn(count, ranks, bytes) with { Role = OpRole.AllReduce, ElementsPerToken = H });
        }

        private Op CommOn(double count, int ranks, double bytesPerToken) =>
            Comm(OpGroup.Communication, TokenScope.AllTokens, count, ranks, bytesPerToken);

        private Op Comm(OpGroup group, TokenScope scope, double count, int ranks, double bytesPerToken) => new()
        {
            Kind = OpKind.Communication,
            Ranks = ranks,
            Scope = scope,
            Group = group,
            Count = count,
            BytesPerToken = bytesPerToken,
            OverNetwork = ranks > system.NvlinkDomainGpus ? 1 : 0,
        };

        private Op Gemm(OpGroup group, TokenScope scope, double count, double n, double k, QuantMode mode)
        {
            var compute = QuantModes.ComputeOn(mode, system);
            return new Op
            {
                Kind = OpKind.Gemm,
                Scope = scope,
                Group = group,
                Compute = compute,
                Count = count,
                N = n,
                K = k,
                WeightBytesPerElement = QuantModes.BytesPerElement(mode),
                ActivationBytesPerElement = QuantModes.ActivationBytes(compute),
                Quant = mode,
            };
        }

        /// <summary>A recurrence over a fixed state per head (keyWidth × valueWidth, fp32), in bf16 math.</summary>
        private static Op Recurrence(double count, double heads, double keyWidth, double valueWidth) => new()
        {
            Kind = OpKind.LinearAttention,
            Scope = TokenScope.AllTokens,
            Group = OpGroup.Attention,
            Compute = ComputeType.Bf16,
            Count = count,
            Heads = heads,
            QkDim = keyWidth,
            VDim = valueWidth,
            KvBytesPerElement = LinearStateBytesPerElement,
            Quant = QuantMode.Bf16,
        };

        private static Op ElementWise(OpGroup group, double count, double bytesPerToken) => new()
        {
            Kind = OpKind.ElementWise,
            Scope = TokenScope.AllTokens,
            Group = group,
            Count = count,
            BytesPerToken = bytesPerToken,
        };

        private static Op Attention(OpKind kind, double count, double heads, double qkDim, double vDim, double kvElements, double kvBytes, double window) => new()
        {
            Kind = kind,
            Scope = kind == OpKind.ContextAttention ? TokenScope.PrefillTokens : TokenScope.DecodeTokens,
            Group = OpGroup.Attention,
            Compute = ComputeType.Bf16,
            Count = count,
            Heads = heads,
            QkDim = qkDim,
            VDim = vDim,
            KvElementsPerToken = kvElements,
            KvBytesPerElement = kvBytes,
            Window = window,
            Quant = kvBytes < 2 ? QuantMode.Fp8 : QuantMode.Bf16,
        };

        private void Add(string name, Op op)
        {
            Ops.Add(op);
            Names.Add(name);
        }
    }
}
