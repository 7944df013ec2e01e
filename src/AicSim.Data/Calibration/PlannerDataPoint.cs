namespace AicSim.Data.Calibration;

/// <summary>One measured planner-data point and AicSim's prediction of it.</summary>
/// <param name="Engine">The measured engine's source.</param>
/// <param name="Kind">prefill (TTFT of a lone prompt) or decode (ITL).</param>
/// <param name="Isl">Prompt tokens.</param>
/// <param name="Requests">Requests in flight (1 for prefill).</param>
/// <param name="Context">Mean context of the decoding requests (prefill: the ISL).</param>
/// <param name="MeasuredMs">Measured TTFT or ITL.</param>
/// <param name="PredictedMs">Predicted TTFT or ITL.</param>
public sealed record PlannerDataPoint(string Engine, string Kind, int Isl, int Requests, double Context, double MeasuredMs, double PredictedMs);
