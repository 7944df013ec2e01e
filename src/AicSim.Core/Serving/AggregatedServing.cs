using AicSim.Core.Engine;
using AicSim.Core.Ops;

namespace AicSim.Core.Serving;

/// <summary>
/// One engine serving prefill and decode together with continuous batching, at a fixed concurrency (closed loop).
/// </summary>
/// <remarks>
/// TPOT: over one request's life of osl steps, each of the c requests per rank enters once, so c prefills are mixed
/// into the decode steps — except that of a synchronised burst a request sees only the prompts after its own (half):
/// TPOT = t_decode(c) + w·c·(1 − s/2)·Δt_prefill / osl, where Δt_prefill is what a prompt's kernels add to a step plus
/// their launches outside the captured CUDA graphs (<see cref="EngineModel.PromptLaunchMs"/>), and w the framework's
/// <see cref="Specs.BackendProfile.PrefillInterference"/> (mixed steps cost more than their kernels).
/// t_decode is per generated token: with speculative decoding, the draft-and-verify step over the tokens it keeps
/// (<see cref="EngineModel.DecodeTokenMs(double, double)"/>).
/// TTFT: requests of a closed-loop benchmark tend to arrive together (same ISL/OSL, so they also finish together): a
/// burst of b = 1 + s·(c − 1) prompts queue behind each other, chunked at max_num_tokens, so the mean wait is
/// (b+1)/(2b) of prefilling all b. s, the arrival synchronisation of <see cref="Specs.BackendProfile"/>, is 1 for lock-step
/// waves and 0 for evenly spread arrivals. TTFT then grows about linearly with concurrency, as measured (SOURCES.md).
/// An engine with attention DP may also hold prompts back until every rank has one (<see cref="AttentionDpBalanceWaitMs"/>).
/// A benchmark client with fewer connections than clients keeps only that many requests open; the others wait in it
/// (Little's law on the clients: (c − k)/k of a request's time on the server each), and the wait counts in TTFT.
/// </remarks>
public static class AggregatedServing
{
    /// <param name="engine">The engine.</param>
    /// <param name="workload">ISL and OSL.</param>
    /// <param name="concurrency">Clients, each with one request at a time (a closed loop).</param>
    /// <param name="clientConnections">Requests the benchmark client keeps open at once, or null for as many as clients.</param>
    public static ServingEstimate Estimate(EngineModel engine, Workload workload, int concurrency, int? clientConnections = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(concurrency);
        if (clientConnections is int limit)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit, nameof(clientConnections));
        }

        var notes = new List<string>();
        int dp = engine.AttentionDp;

        // Requests the client sends at once: the clients, or its connections where it has fewer.
        int sent = Math.Min(concurrency, clientConnections ?? concurrency);

        // Requests beyond what the paged KV cache and the batch limit hold wait for a slot; they still count toward concurrency.
        long capacity = engine.MaxResidentRequests(workload.Isl, workload.Osl);
        double inFlight = sent;
        if (capacity < sent)
        {
            // Capacity 0 (not one whole request fits) is the engine's memory verdict, not a queue: EstimateResult says it.
            inFlight = Math.Max(1, capacity);
            if (capacity >= 1)
            {
                notes.Add($"the engine runs {capacity} requests of {workload.Isl}+{workload.Osl} tokens at once (KV cache and batch limit); the other {sent - inFlight} queue.");
            }
        }

        double perRank = Math.Max(1.0, inFlight / dp);
        double context = workload.MeanDecodeContext;
        double decodeMs = engine.StepMs(StepShape.Decode(perRank, context));

        // Per generated token: the decode step itself, or with speculative decoding its draft-and-verify step over the
        // tokens that step keeps. TTFT's fixed part waits on whole steps of the running engine, speculative ones where it
        // drafts (EngineModel.RunningStepMs).
        double tokenMs = engine.DecodeTokenMs(perRank, context, decodeMs);

        double prefillKernelsMs = 0;
        double launchesMs = 0;
        // The requests decoding beside a prompt take their tokens out of each step's budget: a prompt as long as the
        // budget takes two steps beside them, and pays two launches.
        int chunk = engine.PrefillChunk(perRank);
        for (int done = 0; done < workload.Isl; done += chunk)
        {
            int len = Math.Min(chunk, workload.Isl - done);
            var mixed = new StepShape
            {
                PrefillSequences = 1,
                PrefillTokensPerSequence = len,
                PrefillPastTokens = done,
                DecodeSequences = perRank,
                DecodeContext = context,
            };
            // A step that carries a prompt runs outside the captured CUDA graphs: its kernels' time, and their launches.
            prefillKernelsMs += engine.StepMs(mixed) - decodeMs;
            launchesMs += engine.PromptLaunchMs;
        }

        // Prompts that arrive spread out are all prefilled while a request decodes; of a synchronised burst, the request
        // at position i waits for the i − 1 before it (its TTFT) and decodes through the rest: half, on average.
        double sync = engine.Config.Backend.ArrivalSynchronisation;
        double interference = engine.Config.Backend.PrefillInterference;
        double promptsBeside = perRank * (1.0 - (sync / 2.0));
        var tpotParts = new TpotParts
        {
            DecodeMs = tokenMs,
            PrefillKernelsMs = interference * promptsBeside * prefillKernelsMs / workload.Osl,
            PromptLaunchesMs = interference * promptsBeside * launchesMs / workload.Osl,
            PromptsBeside = promptsBeside,
            PrefillInterference = interference,
        };
        double tpot = tpotParts.TotalMs;

        int burst = 1 + (int)Math.Round(sync * (Math.Ceiling(perRank) - 1));
        // While the burst prefills, the c − b requests outside it decode, and the burst's own join them as they start
        // (on average half of the b − 1 others): c − (b + 1)/2 sequences ride along in every prefill step.
        double riding = Math.Max(0, perRank - ((burst + 1) / 2.0));
        double allPrefillsMs = engine.PrefillMs(workload.Isl, burst, riding, context);
        double queueWaitFactor = (burst + 1.0) / (2.0 * burst);
        // Besides their prefill, the prompts ahead of a burst's mean prompt, (b − 1)/2 of them, each hold it for the
        // framework's admission of a prompt into the running engine.
        double admissionMs = engine.Config.Backend.PromptAdmissionMs * (burst - 1) / 2.0;
        double prefillMs = allPrefillsMs * queueWaitFactor;
        var fixedParts = FixedTtftParts(engine, engine.RunningStepMs(tokenMs));
        double ttft = fixedParts.TotalMs + prefillMs + admissionMs;
        double balanceMs = AttentionDpBalanceWaitMs(engine, inFlight, ttft, workload.Osl * tpot, decodeMs);
        if (balanceMs > 0)
        {
            ttft += balanceMs;
            notes.Add($"attention-DP balancing holds a prompt {balanceMs:F0} ms on average until every rank has one.");
        }

        double slotQueueMs = 0;
        if (inFlight < sent)
        {
            // Waiting requests start when a running one ends.
            slotQueueMs = ClosedLoopWaitMs(sent, inFlight, ttft + (workload.Osl * tpot));
            ttft += slotQueueMs;
        }

        double clientWaitMs = ClosedLoopWaitMs(concurrency, sent, ttft + (workload.Osl * tpot));
        if (clientWaitMs > 0)
        {
            ttft += clientWaitMs;
            notes.Add($"the client keeps {sent} requests open at once (its connections); the other {concurrency - sent} clients wait in it {clientWaitMs:F0} ms on average, counted in TTFT.");
        }

        int gpus = engine.Config.Gpus;
        double requestMs = ttft + ((workload.Osl - 1) * tpot);
        double throughput = concurrency * workload.Osl / (requestMs / 1000.0) / gpus;
        var parts = fixedParts with { PrefillMs = prefillMs, AdmissionMs = admissionMs, BalanceWaitMs = balanceMs, QueueMs = slotQueueMs, ClientWaitMs = clientWaitMs };
        return new ServingEstimate(ttft, tpot, throughput, 1000.0 / tpot, gpus, concurrency, notes) { TtftParts = parts, TpotParts = tpotParts };
    }

    /// <summary>
    /// How long each of <paramref name="waiting"/> closed-loop requests waits when only <paramref name="served"/> are
    /// served at once, each for <paramref name="serviceMs"/>: by Little's law a request spends waiting / served times as
    /// long in the loop as in service, so it waits (c − k)/k of a service time. Zero where all are served. The queue for
    /// a KV-cache slot and the wait in a client of too few connections are both this.
    /// </summary>
    public static double ClosedLoopWaitMs(double waiting, double served, double serviceMs) =>
        served < waiting ? (waiting - served) / served * serviceMs : 0;

    /// <summary>
    /// How long attention-DP balancing (<see cref="Specs.BackendProfile.AttentionDpBalanceSteps"/>) holds a prompt back: until
    /// every one of the dp ranks has a prompt, at most that many decode steps of <paramref name="stepMs"/>. Prompts of a
    /// synchronised burst (share s) fill every rank at once and do not wait. A spread-out prompt waits for the (dp − 1)/2
    /// arrivals still missing on average, at the closed loop's arrival rate λ = c / (TTFT + osl·TPOT); since the wait
    /// itself lengthens the cycle, w = B·(T₀ + L)/(1 − B) with B = (1 − s)(dp − 1)/(2c), T₀ the TTFT without it and L
    /// the rest of a request's life; at most (1 − s) × the steps' time.
    /// </summary>
    public static double AttentionDpBalanceWaitMs(EngineModel engine, double inFlight, double ttftMs, double decodeLifeMs, double stepMs)
    {
        ArgumentNullException.ThrowIfNull(engine);
        int dp = engine.AttentionDp;
        int steps = engine.Config.Backend.AttentionDpBalanceSteps;
        if (dp <= 1 || steps <= 0)
        {
            return 0;
        }

        double spread = 1.0 - engine.Config.Backend.ArrivalSynchronisation;
        double capMs = spread * steps * stepMs;
        double b = spread * (dp - 1) / (2.0 * inFlight);
        return b >= 1 ? capMs : Math.Min(b * (ttftMs + decodeLifeMs) / (1 - b), capMs);
    }

    /// <summary>
    /// What every request's TTFT pays besides prefill and queueing: the framework's request overhead (per kernel of a
    /// prefill step, collectives aside, <see cref="EngineModel.RequestOverheadMs"/>) and <see cref="Specs.BackendProfile.TtftDecodeSteps"/>
    /// steps of the running engine (<paramref name="stepMs"/>), which carries the dependence on the model and the load.
    /// </summary>
    public static TtftParts FixedTtftParts(EngineModel engine, double stepMs)
    {
        ArgumentNullException.ThrowIfNull(engine);
        double steps = engine.Config.Backend.TtftDecodeSteps;
        return new TtftParts
        {
            RequestOverheadMs = engine.RequestOverheadMs,
            OverheadKernels = engine.RequestOverheadKernels,
            RunningSteps = steps,
            RunningStepsMs = steps * stepMs,
        };
    }
}
