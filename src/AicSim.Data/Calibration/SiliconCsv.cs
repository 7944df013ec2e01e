using System.Globalization;
using AicSim.Core.Errors;
using CsvHelper;

namespace AicSim.Data.Calibration;

/// <summary>Reads files in the column layout of silicon_calibration.csv. A malformed file is an error naming every bad row.</summary>
public static class SiliconCsv
{
    /// <summary>
    /// Columns every file must have. The others may be absent: without parallel sizes or batch sizes a row is
    /// incomplete (predicted under the documented assumptions, or unsupported), and without an id column each row is
    /// named by its line (<c>line-N</c>), as a file measured elsewhere may not carry the calibration file's ids.
    /// </summary>
    public static IReadOnlyList<string> RequiredColumns { get; } = ["backend", "model_path", "system", "mode", "isl", "osl"];

    /// <summary>
    /// Other names a file measured elsewhere may give a column, by the layout's name. A bare <c>ttft</c>, <c>tpot</c> or
    /// <c>itl</c> is read as milliseconds too: a file in seconds is refused by <see cref="MeasurementCheck"/>, not scored.
    /// A header is matched ignoring case, surrounding space, and <c>-</c> or space for <c>_</c>; the layout's own name
    /// wins where a file has both.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> ColumnAliases { get; } = BuildAliases();

    private static Dictionary<string, string[]> BuildAliases()
    {
        var aliases = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["model_path"] = ["model", "model_name", "hf_id"],
            ["silicon_ttft_ms"] = ["ttft_ms", "measured_ttft_ms", "mean_ttft_ms", "ttft"],
            ["silicon_tpot_ms"] = ["tpot_ms", "measured_tpot_ms", "mean_tpot_ms", "itl_ms", "measured_itl_ms", "mean_itl_ms", "tpot", "itl"],
            ["batch_size"] = ["bs"],
            ["prefill_num_workers"] = ["prefill_workers", "num_prefill_workers"],
            ["decode_num_workers"] = ["decode_workers", "num_decode_workers"],
        };

        // The parallel sizes as serving frameworks' flags name them (tp, pp, dp, moe_ep), per role too (prefill_tp).
        foreach (string role in (string[])["", "prefill_", "decode_"])
        {
            aliases[role + "tp_size"] = [role + "tp"];
            aliases[role + "pp_size"] = [role + "pp"];
            aliases[role + "attention_dp_size"] = [role + "attention_dp", role + "dp"];
            aliases[role + "moe_tp_size"] = [role + "moe_tp"];
            aliases[role + "moe_ep_size"] = [role + "moe_ep", role + "ep"];
            if (role.Length > 0)
            {
                aliases[role + "batch_size"] = [role + "bs"];
            }
        }

        return aliases;
    }

    /// <summary>A header as the layout spells its names: lower case, trimmed, <c>_</c> for <c>-</c> and spaces.</summary>
    public static string NormaliseHeader(string header) =>
        (header ?? string.Empty).Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');

    /// <param name="path">The CSV file.</param>
    /// <param name="flag">The option that named it, for the error when it is missing.</param>
    public static IReadOnlyList<SiliconRow> Read(string path, string flag = "--input")
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new AicSimException($"{flag}: no file at '{path}'.");
        }

        using var reader = new StreamReader(path);
        return Read(reader, path);
    }

    public static IReadOnlyList<SiliconRow> Read(TextReader text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        var options = new CsvReaderOptions
        {
            Separator = ',',
            TrackLineNumbers = true,
            FieldCountMismatch = CsvFieldCountHandling.Throw,
            MalformedData = CsvMalformedDataHandling.Throw,
            MissingField = CsvMissingFieldHandling.ReturnEmpty,
            FormatProvider = CultureInfo.InvariantCulture,
        };
        using var csv = CsvReader.Create(text, options, leaveOpen: true);
        var problems = new List<string>();
        var rows = new List<SiliconRow>();
        try
        {
            var header = csv.Headers.ToArray();
            if (header.Length == 0)
            {
                throw new AicSimException($"{name}: the file is empty; it needs a header with the columns {string.Join(", ", RequiredColumns)}.");
            }

            var columns = ColumnsByLayoutName(header, name);
            var missing = RequiredColumns.Where(c => !columns.ContainsKey(c)).ToArray();
            if (missing.Length > 0)
            {
                throw new AicSimException(
                    $"{name}: missing column(s) {string.Join(", ", missing)}. The file needs the columns of silicon_calibration.csv (at least {string.Join(", ", RequiredColumns)}); its header has {string.Join(", ", header)}.");
            }
            while (csv.Read())
            {
                int line = (int)csv.LineNumber;
                var rowProblems = new List<string>();
                string Str(string column) => columns.TryGetValue(column, out var inFile) ? (csv.GetString(inFile) ?? string.Empty).Trim() : string.Empty;

                // An optional label (a version, a format) written as a Python blank is one not given.
                string Optional(string column) => IsBlank(Str(column)) ? string.Empty : Str(column);
                int? Int(string column)
                {
                    string s = Str(column);
                    if (IsBlank(s))
                    {
                        return null;
                    }

                    if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v == Math.Floor(v) && Math.Abs(v) < int.MaxValue)
                    {
                        return (int)v;
                    }

                    rowProblems.Add($"{column} '{s}' is not a whole number");
                    return null;
                }

                double? Real(string column)
                {
                    string s = Str(column);
                    if (IsBlank(s))
                    {
                        return null;
                    }

                    if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                    {
                        return v;
                    }

                    rowProblems.Add($"{column} '{s}' is not a number");
                    return null;
                }

                // A measurement: empty, NaN (pandas' blank) or 0 (a TPOT where osl is 1) is one not taken, and leaves that
                // error unscored; a negative or infinite time is no measurement at all.
                double? Measured(string column)
                {
                    double? v = Real(column);
                    if (v is null || double.IsNaN(v.Value) || v.Value == 0)
                    {
                        return null;
                    }

                    if (v.Value < 0 || double.IsInfinity(v.Value))
                    {
                        rowProblems.Add($"{column} '{Str(column)}' must be a positive time in ms (leave it empty where it was not measured)");
                        return null;
                    }

                    return v;
                }

                // A day, as 2026-03-24 or an ISO time on it (2026-03-24T16:34:14Z).
                DateOnly? Day(string column)
                {
                    string s = Str(column);
                    if (IsBlank(s))
                    {
                        return null;
                    }

                    if (s.Length >= 10 && DateOnly.TryParseExact(s[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                    {
                        return day;
                    }

                    rowProblems.Add($"{column} '{s}' is not a date (write it as 2026-03-24)");
                    return null;
                }

                RowParallel Par(string prefix) => new(Int(prefix + "tp_size"), Int(prefix + "pp_size"), Int(prefix + "attention_dp_size"), Int(prefix + "moe_tp_size"), Int(prefix + "moe_ep_size"));

                string id = columns.ContainsKey("id") ? Str("id") : FormattableString.Invariant($"line-{line}");
                int? isl = Int("isl");
                int? osl = Int("osl");
                if (id.Length == 0)
                {
                    rowProblems.Add("id is empty");
                }

                if (isl is null or <= 0 && !rowProblems.Any(p => p.StartsWith("isl", StringComparison.Ordinal)))
                {
                    rowProblems.Add("isl must be a positive whole number");
                }

                if (osl is null or <= 0 && !rowProblems.Any(p => p.StartsWith("osl", StringComparison.Ordinal)))
                {
                    rowProblems.Add("osl must be a positive whole number");
                }

                var row = new SiliconRow
                {
                    Line = line,
                    Id = id,
                    Source = Optional("silicon_data_source"),
                    Backend = Str("backend"),
                    BackendVersion = Optional("backend_version"),
                    Model = Str("model_path"),
                    System = Str("system"),
                    Precision = Optional("precision"),
                    Mode = Str("mode"),
                    Isl = isl ?? 0,
                    Osl = osl ?? 0,
                    GemmQuant = Optional("gemm_quant_mode"),
                    MoeQuant = Optional("moe_quant_mode"),
                    BatchSize = Int("batch_size"),
                    Agg = Par(string.Empty),
                    Prefill = Par("prefill_"),
                    Decode = Par("decode_"),
                    PrefillBatchSize = Int("prefill_batch_size"),
                    PrefillWorkers = Int("prefill_num_workers"),
                    DecodeBatchSize = Int("decode_batch_size"),
                    DecodeWorkers = Int("decode_num_workers"),
                    StatedConcurrency = Int("concurrency") ?? Int("silicon_concurrency"),
                    StatedMeasuredOn = Day("measured"),
                    MeasuredTtftMs = Measured("silicon_ttft_ms"),
                    MeasuredTpotMs = Measured("silicon_tpot_ms"),
                };

                if (rowProblems.Count > 0)
                {
                    problems.Add($"{name} line {line} (id '{id}'): {string.Join("; ", rowProblems)}.");
                }
                else
                {
                    rows.Add(row);
                }
            }
        }
        catch (CsvFormatException e)
        {
            problems.Add($"{name} line {csv.LineNumber}: malformed CSV ({e.Message}). Check quoting and that every row has as many fields as the header.");
        }

        if (problems.Count > 0)
        {
            throw new AicSimException(problems);
        }

        return RepeatedRuns.Date(rows);
    }

    /// <summary>
    /// A number not given: empty, or the blanks Python writes for one (pandas' NaN, None, null, NA). A measurement's
    /// NaN is read the same way, as one not taken.
    /// </summary>
    private static bool IsBlank(string field) =>
        field.Length == 0 || field.ToLowerInvariant() is "nan" or "none" or "null" or "na" or "n/a" or "<na>";

    /// <summary>
    /// The file's header name for each column, keyed by the layout's name: headers normalised
    /// (<see cref="NormaliseHeader"/>), then <see cref="ColumnAliases"/> for names the layout's own does not take.
    /// Two headers that read as one column are an error, since either could be the one meant.
    /// </summary>
    private static Dictionary<string, string> ColumnsByLayoutName(string[] header, string name)
    {
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in header.GroupBy(NormaliseHeader, StringComparer.Ordinal))
        {
            if (group.Count() > 1)
            {
                throw new AicSimException(
                    $"{name}: the header has {string.Join(" and ", group.Select(h => $"'{h}'"))}, which read as one column ({group.Key}). Rename or drop one of them.");
            }

            columns[group.Key] = group.First();
        }

        foreach (var (layout, aliases) in ColumnAliases)
        {
            if (columns.ContainsKey(layout))
            {
                continue;
            }

            var present = aliases.Where(columns.ContainsKey).ToArray();
            if (present.Length > 1)
            {
                throw new AicSimException(
                    $"{name}: the header has {string.Join(" and ", present.Select(a => $"'{columns[a]}'"))}, each read as {layout}. Keep one, or name the one meant {layout}.");
            }

            if (present.Length == 1)
            {
                columns[layout] = columns[present[0]];
            }
        }

        return columns;
    }
}
