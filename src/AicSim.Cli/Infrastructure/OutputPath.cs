using AicSim.Core.Errors;

namespace AicSim.Cli.Infrastructure;

/// <summary>
/// Checks, before any work, that an output can be written where the user pointed: a run of minutes should not end in a
/// stack trace because a folder is missing or read-only. Writes nothing that stays (one probe file, deleted on close).
/// </summary>
internal static class OutputPath
{
    /// <summary>Throws an error naming <paramref name="flag"/> when <paramref name="path"/> (a file, or a folder with
    /// <paramref name="isFolder"/>) cannot be written: its nearest existing folder must accept a new file.</summary>
    public static void EnsureWritable(string flag, string? path, bool isFolder = false)
    {
        if (path is null)
        {
            return;
        }

        string full = Path.GetFullPath(path);
        if (!isFolder && Directory.Exists(full))
        {
            throw new AicSimException($"{flag} '{path}' is a folder; give a file name.");
        }

        string? folder = isFolder ? full : Path.GetDirectoryName(full);
        while (folder is not null && !Directory.Exists(folder))
        {
            if (File.Exists(folder))
            {
                throw new AicSimException($"{flag} '{path}': '{folder}' is a file, not a folder. Choose a path under a folder.");
            }

            folder = Path.GetDirectoryName(folder);
        }

        folder ??= Path.GetPathRoot(full)!;
        try
        {
            using (File.Create(Path.Combine(folder, $".aicsim-write-check-{Environment.ProcessId}"), 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AicSimException($"{flag} '{path}': cannot create files in '{folder}' ({e.GetType().Name}). Choose a folder you can write to.");
        }
    }
}
