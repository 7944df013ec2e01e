using System.IO.Compression;
using AicSim.Data.Numpy;
using AicSim.Tests;

namespace AicSim.Data.Tests;

/// <summary>The oracle: the planner's own npz files, written by numpy (../shared/data/dynamo/.../profiler-outputs).</summary>
public sealed class NpzTests
{
    private static string Real(string folder) =>
        SharedData.Path("dynamo", "main-4e6493a", "profiler-outputs", "tests-planner-H200_TP1P_TP1D", folder, "raw_data.npz");

    [Theory]
    [InlineData("selected_prefill_interpolation")]
    [InlineData("selected_decode_interpolation")]
    public void Rewriting_a_numpy_npz_gives_byte_identical_arrays(string folder)
    {
        string path = Real(folder);
        var arrays = Npz.Read(path);
        using var real = ZipFile.OpenRead(path);
        var ordered = real.Entries.Select(e => (Path.GetFileNameWithoutExtension(e.Name), arrays[Path.GetFileNameWithoutExtension(e.Name)])).ToList();

        using var buffer = new MemoryStream();
        Npz.Write(buffer, ordered);
        buffer.Position = 0;
        using var ours = new ZipArchive(buffer, ZipArchiveMode.Read);
        Assert.Equal(real.Entries.Select(e => e.Name), ours.Entries.Select(e => e.Name));
        foreach (var (theirs, mine) in real.Entries.Zip(ours.Entries))
        {
            Assert.Equal(Bytes(theirs), Bytes(mine));
            Assert.Equal(theirs.Length, mine.CompressedLength);
        }
    }

    private static byte[] Bytes(ZipArchiveEntry entry)
    {
        using var s = entry.Open();
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    [Fact]
    public void The_planner_files_hold_the_documented_keys_and_dtypes()
    {
        // DOMAIN.md §3: prefill_isl and max_kv_tokens are int64, the rest float64; equal lengths; max_kv_tokens has shape (1,).
        var prefill = Npz.Read(Real("selected_prefill_interpolation"));
        Assert.Equal("<i8", prefill["prefill_isl"].Descr);
        Assert.Equal("<f8", prefill["prefill_ttft"].Descr);
        Assert.Equal(prefill["prefill_isl"].Length, prefill["prefill_thpt_per_gpu"].Length);
        var decode = Npz.Read(Real("selected_decode_interpolation"));
        Assert.Equal("<i8", decode["max_kv_tokens"].Descr);
        Assert.Equal(1, decode["max_kv_tokens"].Length);
        Assert.Equal(decode["x_kv_usage"].Length, decode["z_itl"].Length);
    }

    [Fact]
    public void Arrays_round_trip_through_a_file()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "raw_data.npz");
        Npz.Write(path, [("prefill_isl", NpyArray.Of([100L, 200, 300])), ("prefill_ttft", NpyArray.Of([1.5, 2.25, double.Epsilon]))]);
        var back = Npz.Read(path);
        Assert.Equal([100L, 200, 300], back["prefill_isl"].Ints!);
        Assert.Equal([1.5, 2.25, double.Epsilon], back["prefill_ttft"].Floats!);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Headers_are_padded_to_64_bytes_as_numpy_1_0_does()
    {
        // 10 bytes of magic, version and length, then the header ending in '\n': together a multiple of 64.
        var npy = Npz.ToNpy(NpyArray.Of(new double[41]));
        int headerLength = npy[8] | (npy[9] << 8);
        Assert.Equal(0, (10 + headerLength) % 64);
        Assert.Equal((byte)'\n', npy[10 + headerLength - 1]);
        Assert.Equal(456, npy.Length);
    }
}
