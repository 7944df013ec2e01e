using System.Reflection;
using AicSim.Core.Errors;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AicSim.Cli.Infrastructure;

/// <summary>
/// A command whose settings take options beyond their declared ones: those starting with <see cref="PassThroughPrefix"/>
/// (profile's <c>--planner-&lt;name&gt; &lt;value&gt;</c>).
/// </summary>
public interface IPassThroughOptions
{
    string PassThroughPrefix { get; }
}

/// <summary>
/// Settings whose values are checked together (ranges, flags that go together). Checked after the unknown options, so a
/// mistyped flag is reported as such rather than as the missing option it was meant to be.
/// </summary>
public interface ICheckedSettings
{
    ValidationResult Check();
}

/// <summary>
/// Refuses options a command does not declare, then runs the settings' own checks (<see cref="ICheckedSettings"/>).
/// Spectre.Console.Cli keeps undeclared options aside as "remaining" arguments and runs the command anyway, so a mistyped
/// <c>--concurency 64</c> would silently run at the default; the error names the option and the closest ones the
/// command has.
/// </summary>
internal sealed class UnknownOptionCheck : ICommandInterceptor
{
    public void Intercept(CommandContext context, CommandSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        string? passThrough = (settings as IPassThroughOptions)?.PassThroughPrefix;
        var unknown = context.Remaining.Parsed
            .Select(g => g.Key.TrimStart('-'))
            .Where(k => passThrough is null || !k.StartsWith(passThrough, StringComparison.Ordinal))
            .ToList();
        if (unknown.Count == 0)
        {
            // Spectre runs a settings type's own Validate before any interceptor, which would report a mistyped required
            // flag as missing; these checks run here instead, after the typo has had its say.
            if (settings is ICheckedSettings checkedSettings && checkedSettings.Check() is { Successful: false } failed)
            {
                throw new AicSimException(failed.Message ?? "invalid options.");
            }

            return;
        }

        var known = KnownOptions(settings.GetType());
        string help = $"Run 'aicsim {context.Name} --help' for the options"
            + (passThrough is null ? "." : $"; options starting --{passThrough} pass through.");
        throw new AicSimException(unknown.Select(k =>
        {
            string flag = (k.Length == 1 ? "-" : "--") + k;
            return $"unknown option {flag}.{NameSuggester.Hint(flag, known)} {help}";
        }).ToArray());
    }

    /// <summary>Every long and short name the settings type declares, with its dashes.</summary>
    public static IReadOnlyList<string> KnownOptions(Type settingsType) =>
        settingsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.GetCustomAttribute<CommandOptionAttribute>())
            .Where(a => a is not null)
            .SelectMany(a => a!.LongNames.Select(n => "--" + n).Concat(a.ShortNames.Select(n => "-" + n)))
            .ToList();
}
