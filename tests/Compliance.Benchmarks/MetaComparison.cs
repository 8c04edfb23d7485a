using System.Diagnostics;
using System.Globalization;
using Compliance.Detection.Hashing;
using Compliance.Detection.Imaging;

namespace Compliance.Benchmarks;

/// <summary>
/// The same work, on the same files, in the same run, by Meta's C++ reference tools (built from
/// ../shared/reference/pdq-cpp by infra/bench into COMPLIANCE_META_PDQ) and by this project.
/// mih-query reports no timings of its own, so it is timed from outside, with one needle and with
/// all of them (the fastest of three runs each): the difference is its query time, without loading
/// and indexing the haystack.
/// </summary>
internal static class MetaComparison
{
    public static void Run(IReadOnlyList<string> images, string metaDirectory)
    {
        var work = Directory.CreateTempSubdirectory("compliance-meta-");
        try
        {
            Hashing(images, metaDirectory);
            Lookup(metaDirectory, work.FullName, 1_000_000, 10_000);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>PDQ including decode: Meta's pdq-photo-hasher against this project's decoder and hasher, one thread each.</summary>
    private static void Hashing(IReadOnlyList<string> images, string metaDirectory)
    {
        const int repeats = 20;
        var files = Enumerable.Repeat(images, repeats).SelectMany(f => f).ToList();
        var meta = Timed(Path.Combine(metaDirectory, "pdq-photo-hasher"), files);

        var watch = Stopwatch.StartNew();
        foreach (var file in files)
        {
            PdqHasher.Hash(ImageDecoder.Decode(File.ReadAllBytes(file), 100_000_000).Image!);
        }

        var ours = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"PDQ incl. decode, {files.Count} files ({images.Count} fixtures x {repeats}): Meta pdq-photo-hasher {files.Count / meta:F0} img/s, this project {files.Count / ours:F0} img/s ({meta / ours:F2}x Meta)");
    }

    /// <summary>Radius-31 lookups of the same needles in the same haystack: Meta's mih-query, this project's index, and a brute-force scan.</summary>
    private static void Lookup(string metaDirectory, string work, int haystackSize, int needleCount)
    {
        var random = new Random(7);
        PdqHash Random() => new((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64());
        var haystack = Enumerable.Range(0, haystackSize).Select(_ => Random()).ToList();

        // Half the needles are a stored hash with 0 to 31 bits flipped, half are random.
        var needles = Enumerable.Range(0, needleCount).Select(i => i % 2 == 0 ? Flip(haystack[random.Next(haystack.Count)], random.Next(32), random) : Random()).ToList();
        var haystackFile = Path.Combine(work, "haystack.txt");
        var needlesFile = Path.Combine(work, "needles.txt");
        var oneNeedleFile = Path.Combine(work, "one-needle.txt");
        File.WriteAllLines(haystackFile, haystack.Select((h, i) => $"{h.ToHex()},{i}"));
        File.WriteAllLines(needlesFile, needles.Select(h => h.ToHex()));
        File.WriteAllLines(oneNeedleFile, [needles[0].ToHex()]);

        var mih = Path.Combine(metaDirectory, "mih-query");
        // The fastest of three runs each: loading a million lines varies by more than the queries take.
        static double Fastest(Func<double> run) => Enumerable.Range(0, 3).Min(_ => run());
        var metaQuery = (Fastest(() => Timed(mih, ["-d", "31", needlesFile, haystackFile])) - Fastest(() => Timed(mih, ["-d", "31", oneNeedleFile, haystackFile]))) / (needleCount - 1);

        using var index = new MultiIndexHashTable();
        foreach (var line in File.ReadLines(haystackFile))
        {
            index.Add(PdqHash.TryParse(line[..64], out var hash) ? hash : throw new FormatException(line));
        }

        for (var warm = 0; warm < 2; warm++)
        {
            needles.ForEach(n => index.Query(n, 31));
        }

        var latencies = new List<double>(needleCount);
        var matches = 0;
        foreach (var needle in needles)
        {
            var started = Stopwatch.GetTimestamp();
            matches += index.Query(needle, 31).Count;
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }

        latencies.Sort();
        var brute = Stopwatch.StartNew();
        var bruteMatches = needles.Take(200).Sum(n => index.BruteForce(n, 31).Count);
        var bruteMicros = brute.Elapsed.TotalMicroseconds / 200;
        var mean = latencies.Average();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lookup, {haystackSize:N0} hashes, {needleCount:N0} needles, radius 31: Meta mih-query {metaQuery * 1e6:F0} µs/query; this project p50 {latencies[needleCount / 2]:F0} µs, p99 {latencies[(int)(needleCount * 0.99)]:F0} µs, mean {mean:F0} µs ({metaQuery * 1e6 / mean:F1}x faster than mih-query, {matches} matches); brute force {bruteMicros:F0} µs/query ({bruteMatches} matches in 200)"));
    }

    private static PdqHash Flip(PdqHash hash, int bits, Random random)
    {
        ulong[] words = [hash.W0, hash.W1, hash.W2, hash.W3];

        foreach (var bit in Enumerable.Range(0, 256).OrderBy(_ => random.Next()).Take(bits))
        {
            words[bit / 64] ^= 1UL << (bit % 64);
        }

        return new PdqHash(words[0], words[1], words[2], words[3]);
    }

    /// <summary>Seconds a tool takes, its output read and discarded.</summary>
    private static double Timed(string tool, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var errors = process.StandardError.BaseStream.CopyToAsync(Stream.Null);
        process.WaitForExit();
        Task.WaitAll(output, errors);
        return process.ExitCode == 0 ? watch.Elapsed.TotalSeconds : throw new InvalidOperationException($"{Path.GetFileName(tool)} exited with {process.ExitCode}");
    }
}
