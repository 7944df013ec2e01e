using AicSim.Core.Engine;
using AicSim.Core.Ops;

namespace AicSim.Core.Serving;

/// <summary>Prefill and decode on separate workers; the KV cache moves from one to the other.</summary>
/// <param name="PrefillWorkers">Prefill engines.</param>
/// <param name="PrefillBatch">
/// Prompts one prefill engine runs per step, per attention-DP rank, when it has no queue; with one it packs its step to
/// its rank's token budget (<see cref="EngineModel.PrefillTokenBudget"/>), as the frameworks' schedulers do, if that holds more.
/// </param>
/// <param name="DecodeWorkers">Decode engines.</param>
/// <param name="DecodeBatch">Requests decoding per attention-DP rank of one decode engine.</param>
/// <param name="Clients">
/// The clients, where fewer than the decode batches hold (4 clients on a DEP8 engine: one a rank, yet 4 in all); null:
/// the batches are full, as a deployment sized for its load runs.
/// </param>
public sealed record DisaggregatedDeployment(int PrefillWorkers, int PrefillBatch, int DecodeWorkers, int DecodeBatch, int? Clients = null);

/// <summary>Estimates a disaggregated deployment at the load its decode batches imply.</summary>
/// <remarks>
/// Concurrency = decode batch × decode workers × decode attention-DP (what the measurements show), or the deployment's
/// clients where fewer (a rank still steps with at least one request, as an idle attention-DP rank runs its step).
/// TTFT = overhead + prefill + KV transfer + queueing at the prefill workers: the larger of an M/D/1 wait
/// ρ/(2(1−ρ))·t_p (ρ ≤ 0.95) and half of a synchronised burst of 1 + s·(C − 1) prompts at the pool's service rate
/// (each worker's queued steps packed to its token budget);
/// when prefill capacity cannot keep up, the closed loop stretches so the cycle equals concurrency / prefill rate, and
/// only the requests prefill delivers decode at once (Little's law), so TPOT is taken at that smaller batch.
/// TPOT = the decode engine's time per generated token at its batch and the mean context (a step, or a speculative
/// step over the tokens it keeps).
/// A benchmark client with fewer connections than that concurrency keeps only that many requests in the deployment; the
/// others wait in it (<see cref="AggregatedServing.ClosedLoopWaitMs"/>), and the wait counts in TTFT.
/// </remarks>
public static class DisaggregatedServing
{
    public static ServingEstimate Estimate(EngineModel prefill, EngineModel decode, DisaggregatedDeployment deployment, Workload workload, int? clientConnections = null)
    {
        ArgumentNullException.ThrowIfNull(prefill);
        ArgumentNullException.ThrowIfNull(decode);
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(deployment.PrefillWorkers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(deployment.PrefillBatch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(deployment.DecodeWorkers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(deployment.DecodeBatch);
        if (clientConnections is int connections)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(connections, nameof(clientConnections));
        }

        var notes = new List<string>();

        double ranks = (double)deployment.DecodeWorkers * decode.AttentionDp;
        double clientCount = deployment.Clients is int clients ? Math.Min(deployment.DecodeBatch * ranks, clients) : deployment.DecodeBatch * ranks;

        // Requests in the deployment: the clients, or the client's connections where it has fewer.
        double concurrency = clientConnections is int limit ? Math.Min(clientCount, limit) : clientCount;
        double perRank = Math.Max(1.0, concurrency / ranks);

        // A decode batch past what the engine holds is priced whole, not queued for a slot as in aggregated serving: the
        // calibration rows with more clients than the caches hold (16, all but one with an assumed deployment) wait far
        // less than that queue predicts (docs/accuracy-history.md). The note says which reading the numbers are.
        long decodeCapacity = decode.MaxResidentRequests(workload.Isl, workload.Osl);
        int engineBatch = deployment.DecodeBatch * decode.AttentionDp;
        if (decodeCapacity < engineBatch)
        {
            notes.Add($"a decode engine holds {decodeCapacity} requests of {workload.Isl}+{workload.Osl} tokens at once (KV cache and batch limit), fewer than its batch of {engineBatch}; the batch is priced as if it fit.");
        }

        double tpot = decode.DecodeTokenMs(perRank, workload.MeanDecodeContext);

        double prefillStepMs = prefill.PrefillMs(workload.Isl, deployment.PrefillBatch);
        double transferMs = workload.Isl * prefill.Memory.KvBytesPerToken / prefill.Config.System.NetworkBandwidthBytesPerSec * 1000.0;
        var fixedParts = AggregatedServing.FixedTtftParts(prefill, decode.RunningStepMs(tpot));
        double ttft0 = fixedParts.TotalMs + prefill.Config.Backend.DisaggTtftOverheadMs + prefillStepMs + transferMs;

        // Prefill service rate in requests per ms, across workers and attention-DP ranks. A worker with a queue packs
        // prompts into its step up to its token budget: the calibration rows give every prefill worker a batch of 1,
        // whatever the ISL, yet a TEP8 prefill pool of 1024-token prompts keeps up with its DEP8 twin (H200 TensorRT-LLM
        // DeepSeek-V3: TTFT within 20% of it from 36 to 576 clients), which one prompt a step could not.
        int packed = Math.Max(deployment.PrefillBatch, prefill.PrefillTokenBudget / workload.Isl);
        double packedStepMs = packed == deployment.PrefillBatch ? prefillStepMs : prefill.PrefillMs(workload.Isl, packed);
        double prefillRate = (double)deployment.PrefillWorkers * prefill.AttentionDp * packed / packedStepMs;
        double cycle = ttft0 + (workload.Osl * tpot);
        double arrival = concurrency / cycle;
        double rho = Math.Min(0.95, arrival / prefillRate);
        double randomWaitMs = rho / (2.0 * (1.0 - rho)) * prefillStepMs;

        // Closed-loop clients with equal ISL/OSL arrive in waves (as in aggregated serving): a burst of b = 1 + s·(C − 1)
        // prompts drains through the prefill pool at its service rate, the mean prompt waiting for half the burst.
        double burst = 1 + (prefill.Config.Backend.ArrivalSynchronisation * (concurrency - 1));
        double burstWaitMs = (burst - 1) / (2.0 * prefillRate);
        double ttft = ttft0 + Math.Max(randomWaitMs, burstWaitMs);
        double saturatedCycle = concurrency / prefillRate;
        if (saturatedCycle > cycle)
        {
            // Prefill-bound: requests leave prefill at its service rate X, so by Little's law only X·(osl·TPOT) of them
            // decode at once; the decode batch shrinks (and TPOT with it) until that holds, the rest wait for prefill.
            double batch = perRank;
            for (int i = 0; i < 30; i++)
            {
                double inFlight = Math.Clamp(prefillRate * workload.Osl * tpot / ranks, 1.0, perRank);
                batch = 0.5 * (batch + inFlight);
                tpot = decode.DecodeTokenMs(batch, workload.MeanDecodeContext);
            }

            ttft = Math.Max(ttft, saturatedCycle - (workload.Osl * tpot));
            notes.Add($"prefill workers cannot keep up with the decode batch: requests queue for prefill, and about {batch:F0} per decode rank decode at once (of {deployment.DecodeBatch}).");
        }

        double queueMs = ttft - ttft0;
        double clientWaitMs = AggregatedServing.ClosedLoopWaitMs(clientCount, concurrency, ttft + (workload.Osl * tpot));
        if (clientWaitMs > 0)
        {
            ttft += clientWaitMs;
            notes.Add($"the client keeps {concurrency:F0} requests open at once (its connections); the other {clientCount - concurrency:F0} clients wait in it {clientWaitMs:F0} ms on average, counted in TTFT.");
        }

        int gpus = (deployment.PrefillWorkers * prefill.Config.Gpus) + (deployment.DecodeWorkers * decode.Config.Gpus);
        double requestMs = ttft + ((workload.Osl - 1) * tpot);
        double throughput = clientCount * workload.Osl / (requestMs / 1000.0) / gpus;
        var parts = fixedParts with
        {
            Disaggregated = true,
            DisaggOverheadMs = prefill.Config.Backend.DisaggTtftOverheadMs,
            PrefillMs = prefillStepMs,
            KvTransferMs = transferMs,
            QueueMs = queueMs,
            ClientWaitMs = clientWaitMs,
        };
        return new ServingEstimate(ttft, tpot, throughput, 1000.0 / tpot, gpus, clientCount, notes) { TtftParts = parts, TpotParts = new TpotParts { DecodeMs = tpot } };
    }
}
