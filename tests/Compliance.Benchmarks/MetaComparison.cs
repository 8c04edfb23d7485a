using System.Diagnostics;
using System.Globalization;
using Compliance.Detection.Hashing;
using Compliance.Detection.Imaging;

namespace Compliance.Benchmarks;

/// <summary>
/// PDQ including decode on the same files, in the same run, by Meta's pdq-photo-hasher (built from
/// ../shared/reference/pdq-cpp by infra/bench into COMPLIANCE_META_PDQ) and by this project.
/// (Lookups beside mih-query are in <see cref="LookupBenchmark"/>.)
/// </summary>
internal static class MetaComparison
{
    /// <summary>PDQ including decode: Meta's pdq-photo-hasher against this project's decoder and hasher, one thread each.</summary>
    public static void Run(IReadOnlyList<string> images, string metaDirectory)
    {
        const int repeats = 20;
        var files = Enumerable.Repeat(images, repeats).SelectMany(f => f).ToList();
        var meta = LookupBenchmark.Timed(Path.Combine(metaDirectory, "pdq-photo-hasher"), files);

        var watch = Stopwatch.StartNew();
        foreach (var file in files)
        {
            PdqHasher.HashEncoded(File.ReadAllBytes(file), 100_000_000);
        }

        var ours = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"PDQ incl. decode, {files.Count} files ({images.Count} fixtures x {repeats}): Meta pdq-photo-hasher {files.Count / meta:F0} img/s, this project {files.Count / ours:F0} img/s ({meta / ours:F2}x Meta)");
    }
}
