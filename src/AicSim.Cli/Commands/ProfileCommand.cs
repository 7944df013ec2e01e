using System.Globalization;
using AicSim.Cli.Rendering;
using AicSim.Core.Errors;
using AicSim.Core.Profiling;
using AicSim.Data.Dynamo;
using AicSim.Data.Models;
using AicSim.Data.Profiles;
using AicSim.Data.Systems;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AicSim.Cli.Commands;

/// <summary>
/// <c>aicsim profile</c>: the SLA profiler's offline path. Exit codes: 0 SLA met, 1 bad input, 3 no configuration meets the
/// SLA (the closest one is still written).
/// </summary>
public sealed class ProfileCommand(IAnsiConsole console) : Command<ProfileSettings>
{
    public const int ExitSlaNotMet = AicSimApp.ExitTargetNotMet;

    public override int Execute(CommandContext context, ProfileSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var schemas = (settings.Crds ?? []).Select(CrdValidator.Load).ToList();
        var dgdrSchema = schemas.FirstOrDefault(s => s.Kind == "DynamoGraphDeploymentRequest");
        var dgdSchema = schemas.FirstOrDefault(s => s.Kind == "DynamoGraphDeployment");

        var options = ProfileJob.Defaults;
        DgdrRequest? dgdr = null;
        if (settings.Dgdr is not null)
        {
            dgdr = DgdrReader.Read(settings.Dgdr, dgdrSchema);
            options = options.Merge(dgdr.Options);
        }

        if (settings.ProfileConfig is not null)
        {
            options = options.Merge(ProfileConfigReader.ReadFile(settings.ProfileConfig));
        }

        options = options.Merge(FromFlags(settings, context));
        var job = new ProfileJob(ModelCatalog.Load(configFolders: ModelConfigFolders.From(settings.ModelConfigs)), SystemCatalog.Load());
        if (settings.DryRun)
        {
            var plan = SweepPlan.For(job.Resolve(options));
            ProfileReport.RenderPlan(console, plan);
            return AicSimApp.ExitOk;
        }

        Infrastructure.OutputPath.EnsureWritable("--output-dir", options.OutputDir ?? "profiling_results", isFolder: true);
        var outcome = RunWithProgress(job, options, dgdr);
        if (dgdSchema is not null)
        {
            var problems = dgdSchema.Problems(outcome.Documents.Dgd).Concat(dgdSchema.Problems(outcome.Documents.MockerDgd)).ToList();
            if (problems.Count > 0)
            {
                throw new AicSimException(problems.Select(p => $"generated DGD fails the CRD schema at {p}").ToList());
            }
        }

        string output = options.OutputDir ?? "profiling_results";
        ProfileOutputWriter.Write(output, outcome.Result, outcome.Documents, outcome.Log, outcome.ExtraFiles);
        ProfileReport.Render(console, outcome, output);
        return outcome.Result.SlaMet ? AicSimApp.ExitOk : ExitSlaNotMet;
    }

    private ProfileJob.Outcome RunWithProgress(ProfileJob job, ProfileOptions options, DgdrRequest? dgdr)
    {
        if (console.Profile.Capabilities.Interactive)
        {
            ProfileJob.Outcome? outcome = null;
            console.Progress().Start(ctx =>
            {
                var task = ctx.AddTask("Profiling", maxValue: 1);
                outcome = job.Run(options, dgdr, new Progress<ProfileProgress>(p =>
                {
                    task.MaxValue = p.Total;
                    task.Value = p.Done;
                    task.Description = $"Profiling: {p.Message}";
                }));
                task.Value = task.MaxValue;
            });
            return outcome!;
        }

        // Plain lines where there is no terminal to redraw (CI logs, pipes). Synchronous so lines keep their order.
        return job.Run(options, dgdr, new LineProgress(console));
    }

    private static ProfileOptions FromFlags(ProfileSettings s, CommandContext context)
    {
        var planner = new List<(string, string)>();
        // Any other undeclared option was refused before the command ran (UnknownOptionCheck).
        foreach (var group in context.Remaining.Parsed)
        {
            string key = group.Key.TrimStart('-');
            foreach (var value in group)
            {
                planner.Add((key[s.PassThroughPrefix.Length..], value ?? "true"));
            }
        }

        return new ProfileOptions
        {
            Model = s.Model,
            Backend = s.Backend,
            System = s.System,
            Isl = s.Isl,
            Osl = s.Osl,
            Ttft = s.Ttft,
            Itl = s.Itl,
            MinGpus = s.MinGpus,
            MaxGpus = s.MaxGpus,
            GpusPerNode = s.GpusPerNode,
            MaxContextLength = s.MaxContextLength,
            PrefillGranularity = s.PrefillGranularity,
            DecodeGranularity = s.DecodeGranularity,
            Config = s.Config,
            OutputDir = s.OutputDir,
            DgdImage = s.DgdImage,
            Namespace = s.Namespace,
            ModelCachePvcName = s.ModelCachePvcName,
            ModelCachePvcPath = s.ModelCachePvcPath,
            ModelCacheMountPath = s.ModelCacheMountPath,
            UseAiConfigurator = s.UseAiConfigurator ? true : null,
            AicBackendVersion = s.AicBackendVersion,
            GemmQuant = s.GemmQuant,
            MoeQuant = s.MoeQuant,
            KvQuant = s.KvQuant,
            Mtp = s.Mtp,
            MtpAcceptance = s.MtpAcceptance,
            PerfSource = s.PerfSource,
            PerfDb = s.PerfDb,
            Calibration = s.Calibration,
            Headroom = s.Headroom ? true : null,
            PlannerArgs = planner,
        };
    }

    private sealed class LineProgress(IAnsiConsole console) : IProgress<ProfileProgress>
    {
        public void Report(ProfileProgress value) =>
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{value.Done}/{value.Total}] {value.Message}"));
    }
}
