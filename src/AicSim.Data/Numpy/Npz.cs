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
        string temp = path + ".tmp";
        using (var file = File.Create(temp))
        {
            Write(file, arrays);
        }

        File.Move(temp, path, overwrite: true);
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

    /// <summary>Reads every 1-D float64/int64 array of an .npz file, by name (without ".npy").</summary>
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

    /// <summary>Parses .npy bytes of a 1-D little-endian float64 or int64 array.</summary>
    public static NpyArray FromNpy(byte[] bytes, string name)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic.AsSpan(0, 6)))
        {
            throw new AicSimException($"{name}: not a .npy array (no \\x93NUMPY magic).");
        }

        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        var m = HeaderPattern().Match(header);
        if (!m.Success)
        {
            throw new AicSimException($"{name}: only 1-D '<f8' or '<i8' arrays in C order are read; the header is {header.Trim()}.");
        }

        int length = int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        var data = bytes.AsSpan(10 + headerLength);
        if (data.Length != 8 * length)
        {
            throw new AicSimException($"{name}: header says {length} elements but {data.Length} bytes follow.");
        }

        if (m.Groups["t"].Value == "f")
        {
            var values = new double[length];
            for (int i = 0; i < length; i++)
            {
                values[i] = BinaryPrimitives.ReadDoubleLittleEndian(data[(8 * i)..]);
            }

            return NpyArray.Of(values);
        }

        var ints = new long[length];
        for (int i = 0; i < length; i++)
        {
            ints[i] = BinaryPrimitives.ReadInt64LittleEndian(data[(8 * i)..]);
        }

        return NpyArray.Of(ints);
    }

    [GeneratedRegex(@"'descr':\s*'<(?<t>[fi])8',\s*'fortran_order':\s*False,\s*'shape':\s*\((?<n>\d+),\)")]
    private static partial Regex HeaderPattern();
}
