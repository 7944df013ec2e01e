namespace AicSim.Data.Tests;

public sealed class AtomicFileTests
{
    [Fact]
    public void A_write_that_fails_part_way_leaves_the_old_file_and_no_temporary()
    {
        string dir = Directory.CreateTempSubdirectory().FullName;
        string path = Path.Combine(dir, "rows.csv");
        File.WriteAllText(path, "old\n");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write("half"u8);
            throw new InvalidOperationException("a bad row");
        }));
        Assert.Equal("old\n", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir));
    }

    [Fact]
    public void A_missing_folder_is_created_and_the_text_written_whole()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory().FullName, "new", "deeper", "calibration.yaml");
        AtomicFile.WriteText(path, "version: 5\n");
        Assert.Equal("version: 5\n"u8.ToArray(), File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }
}
