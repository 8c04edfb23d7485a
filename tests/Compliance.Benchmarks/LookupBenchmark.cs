using System.Diagnostics;
using System.Globalization;
using Compliance.Detection.Hashing;

namespace Compliance.Benchmarks;

/// <summary>
/// Radius-31 lookups of the same needles in the same haystack, at 1M and 10M random hashes: this
/// project's index (per-query p50/p99), a brute-force scan over the same rows, and Meta's mih-query
/// when infra/bench has built it. mih-query reports no timings of its own, so it is timed from
/// outside, with one needle and with all of them (the fastest of a few runs each): the difference
/// is its query time, without loading and indexing the haystack.
/// </summary>
internal static class LookupBenchmark
{
    /// <param name="sizes">Haystack sizes to measure, of 1M and 10M; both when empty.</param>
    public static void Run(string? metaDirectory, IReadOnlyCollection<int>? sizes = null)
    {
        var work = Directory.CreateTempSubdirectory("compliance-lookup-");
        try
        {
            var random = new Random(7);
            var haystack = new List<PdqHash>();
            // mih-query at 10M is opt-in: it reads and indexes 10M lines into std::maps for minutes per run here.
            var metaAt10M = Environment.GetEnvironmentVariable("COMPLIANCE_MIH_AT_10M") == "1";
            foreach (var (size, needleCount, metaNeedles, metaRuns, bruteNeedles) in new[] { (1_000_000, 10_000, 10_000, 3, 200), (10_000_000, 10_000, 1_000, 1, 40) })
            {
                if (sizes is { Count: > 0 } && !sizes.Contains(size))
                {
                    continue;
                }

                while (haystack.Count < size)
                {
                    haystack.Add(Random(random));
                }

                // Half the needles are a stored hash with 0 to 31 bits flipped, half are random.
                var needles = Enumerable.Range(0, needleCount).Select(i => i % 2 == 0 ? Flip(haystack[random.Next(haystack.Count)], random.Next(32), random) : Random(random)).ToList();
                var meta = size < 10_000_000 || metaAt10M ? metaDirectory : null;
                if (metaDirectory is not null && meta is null)
                {
                    Console.WriteLine("lookup, 10,000,000 hashes: Meta mih-query left out (its load of 10M lines takes minutes a run on this machine; COMPLIANCE_MIH_AT_10M=1 includes it)");
                }

                Measure(haystack, needles, meta, work.FullName, metaNeedles, metaRuns, bruteNeedles);
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static void Measure(List<PdqHash> haystack, List<PdqHash> needles, string? metaDirectory, string work, int metaNeedles, int metaRuns, int bruteNeedles)
    {
        var line = new System.Text.StringBuilder(string.Create(CultureInfo.InvariantCulture, $"lookup, {haystack.Count:N0} hashes, radius 31: "));
        double? metaMicros = null;
        if (metaDirectory is not null)
        {
            var haystackFile = Path.Combine(work, "haystack.txt");
            var needlesFile = Path.Combine(work, "needles.txt");
            var oneNeedleFile = Path.Combine(work, "one-needle.txt");
            using (var writer = new StreamWriter(haystackFile))
            {
                for (var i = 0; i < haystack.Count; i++)
                {
                    writer.Write(haystack[i].ToHex());
                    writer.Write(',');
                    writer.WriteLine(i);
                }
            }

            File.WriteAllLines(needlesFile, needles.Take(metaNeedles).Select(h => h.ToHex()));
            File.WriteAllLines(oneNeedleFile, [needles[0].ToHex()]);
            var mih = Path.Combine(metaDirectory, "mih-query");
            double Fastest(string file) => Enumerable.Range(0, metaRuns).Min(_ => Timed(mih, ["-d", "31", file, haystackFile]));
            metaMicros = (Fastest(needlesFile) - Fastest(oneNeedleFile)) / (metaNeedles - 1) * 1e6;
            line.Append(CultureInfo.InvariantCulture, $"Meta mih-query {metaMicros:F0} µs/query ({metaNeedles:N0} needles); ");
            File.Delete(haystackFile);
        }

        var built = Stopwatch.StartNew();
        using var index = new MultiIndexHashTable(haystack.Count);
        index.AddRange(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(haystack));
        var buildSeconds = built.Elapsed.TotalSeconds;

        var results = new List<(int Id, int Distance)>();
        for (var warm = 0; warm < 2; warm++)
        {
            needles.ForEach(n => index.Query(n, 31, results));
        }

        var latencies = new double[needles.Count];
        var matches = 0;
        for (var i = 0; i < needles.Count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            index.Query(needles[i], 31, results);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            matches += results.Count;
        }

        Array.Sort(latencies);
        var mean = latencies.Average();
        line.Append(CultureInfo.InvariantCulture, $"this project p50 {latencies[needles.Count / 2]:F0} µs, p99 {latencies[(int)(needles.Count * 0.99)]:F0} µs, mean {mean:F0} µs ({needles.Count:N0} needles, {matches} matches)");
        if (metaMicros is { } meta)
        {
            line.Append(CultureInfo.InvariantCulture, $", {meta / mean:F1}x faster than mih-query");
        }

        var brute = Stopwatch.StartNew();
        var bruteMatches = needles.Take(bruteNeedles).Sum(n => index.BruteForce(n, 31).Count);
        line.Append(CultureInfo.InvariantCulture, $"; brute force {brute.Elapsed.TotalMicroseconds / bruteNeedles:F0} µs/query ({bruteMatches} matches in {bruteNeedles}); index build {buildSeconds:F1} s, {index.MemoryBytes / 1e6:F0} MB");
        Console.WriteLine(line);
    }

    internal static PdqHash Random(Random random) => new((ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64());

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
    internal static double Timed(string tool, IReadOnlyList<string> arguments)
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
