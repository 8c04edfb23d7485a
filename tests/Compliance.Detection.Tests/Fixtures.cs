namespace Compliance.Detection.Tests;

internal static class Fixtures
{
    public static string Path(params string[] parts) => System.IO.Path.Combine([AppContext.BaseDirectory, "fixtures", .. parts]);

    public static byte[] Bytes(params string[] parts) => File.ReadAllBytes(Path(parts));

    public static IEnumerable<string[]> Csv(params string[] parts) =>
        File.ReadAllLines(Path(parts)).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','));
}
