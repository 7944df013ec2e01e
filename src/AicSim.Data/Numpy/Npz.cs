using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using AicSim.Core.Errors;

namespace AicSim.Data.Numpy;

/// <summary>
/// Reads and writes .npz files (a zip of .npy files, NumPy format 1.0) byte for byte as <c>numpy.savez</c> does: stored
/// entries dated 1980-01-01, headers padded with spaces to a multiple of 64 bytes and ended with a newline.
/// </summary>
public static partial class Npz
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0];

    /// <summary>Writes the arrays (in the given order) to <paramref name="path"/>, whole or not at all.</summary>
    public static void Write(string path, IReadOnlyList<(string Name, NpyArray Array)> arrays)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(arrays);
        AtomicFile.Write(path, file => Write(file, arrays));
    }

    public static void Write(Stream stream, IReadOnlyList<(string Name, NpyArray Array)> arrays)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(arrays);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, array) in arrays)
        {
            var entry = zip.CreateEntry(name + ".npy", CompressionLevel.NoCompression);
            entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
            using var s = entry.Open();
            var bytes = ToNpy(array);
            s.Write(bytes);
        }
    }

    /// <summary>One array as .npy bytes (format 1.0).</summary>
    public static byte[] ToNpy(NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Strings is not null || array.Shape.Count != 1)
        {
            throw new ArgumentException("Only 1-D float64 or int64 arrays are written (the planner's files hold nothing else).", nameof(array));
        }

        string dict = string.Create(CultureInfo.InvariantCulture, $"{{'descr': '{array.Descr}', 'fortran_order': False, 'shape': ({array.Length},), }}");
        int unpadded = Magic.Length + 2 + dict.Length + 1;
        int padding = (64 - (unpadded % 64)) % 64;
        string header = dict + new string(' ', padding) + "\n";
        var result = new byte[Magic.Length + 2 + header.Length + (8 * array.Length)];
        Magic.CopyTo(result, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(Magic.Length), (ushort)header.Length);
        Encoding.ASCII.GetBytes(header, result.AsSpan(Magic.Length + 2));
        var data = result.AsSpan(Magic.Length + 2 + header.Length);
        for (int i = 0; i < array.Length; i++)
        {
            if (array.Floats is { } f)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(data[(8 * i)..], f[i]);
            }
            else
            {
                BinaryPrimitives.WriteInt64LittleEndian(data[(8 * i)..], array.Ints![i]);
            }
        }

        return result;
    }

    /// <summary>Reads every array of an .npz file, by name (without ".npy").</summary>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var zip = ZipFile.OpenRead(path);
        var result = new Dictionary<string, NpyArray>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            using var s = entry.Open();
            using var buffer = new MemoryStream();
            s.CopyTo(buffer);
            result[Path.GetFileNameWithoutExtension(entry.Name)] = FromNpy(buffer.ToArray(), $"{path}:{entry.Name}");
        }

        return result;
    }

    /// <summary>
    /// Parses .npy bytes (format 1.0, 2.0 or 3.0) of a little-endian float64, int64 or unicode array in C order, of any
    /// number of dimensions.
    /// </summary>
    public static NpyArray FromNpy(byte[] bytes, string name)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic.AsSpan(0, 6)))
        {
            throw new AicSimException($"{name}: not a .npy array (no \\x93NUMPY magic).");
        }

        bool wideHeader = bytes[6] >= 2;
        int headerStart = wideHeader ? 12 : 10;
        int headerLength = wideHeader ? (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)) : BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        if (headerStart + headerLength > bytes.Length)
        {
            throw new AicSimException($"{name}: the .npy header runs past the end of the entry.");
        }

        string header = Encoding.UTF8.GetString(bytes, headerStart, headerLength);
        var m = HeaderPattern().Match(header);
        if (!m.Success)
        {
            throw new AicSimException($"{name}: only '<f8', '<i8' or '<U' arrays in C order are read; the header is {header.Trim()}.");
        }

        int[] shape = m.Groups["s"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        int length = shape.Aggregate(1, (a, d) => a * d);
        string descr = m.Groups["d"].Value;
        int width = descr[1] == 'U' ? 4 * int.Parse(descr.AsSpan(2), CultureInfo.InvariantCulture) : 8;
        var data = bytes.AsSpan(headerStart + headerLength);
        if (data.Length != width * length)
        {
            throw new AicSimException($"{name}: header says {length} elements of {width} bytes but {data.Length} bytes follow.");
        }

        if (descr[1] == 'U')
        {
            var strings = new string[length];
            for (int i = 0; i < length; i++)
            {
                strings[i] = Encoding.UTF32.GetString(data.Slice(width * i, width)).TrimEnd('\0');
            }

            return NpyArray.Read(null, null, strings, shape);
        }

        if (descr[1] == 'f')
        {
            var values = new double[length];
            for (int i = 0; i < length; i++)
            {
                values[i] = BinaryPrimitives.ReadDoubleLittleEndian(data[(8 * i)..]);
            }

            return NpyArray.Read(values, null, null, shape);
        }

        var ints = new long[length];
        for (int i = 0; i < length; i++)
        {
            ints[i] = BinaryPrimitives.ReadInt64LittleEndian(data[(8 * i)..]);
        }

        return NpyArray.Read(null, ints, null, shape);
    }

    [GeneratedRegex(@"'descr':\s*'(?<d><[fi]8|<U\d+)',\s*'fortran_order':\s*False,\s*'shape':\s*\((?<s>[\d,\s]*)\)")]
    private static partial Regex HeaderPattern();
}
