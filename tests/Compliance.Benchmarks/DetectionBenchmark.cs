using System.Diagnostics;
using Compliance.Detection.Faces;
using Compliance.Detection.Hashing;
using Compliance.Detection.Imaging;
using Compliance.Detection.Models;

namespace Compliance.Benchmarks;

/// <summary>
/// PDQ hashing speed (with and without decoding), BlazeFace latency beside the raw Run, and
/// hash-bank lookup latency at 1M and 10M hashes beside a brute-force scan and Meta's mih-query,
/// measured in the same run.
/// </summary>
internal static class DetectionBenchmark
{
    private static string? MetaDirectory => Environment.GetEnvironmentVariable("COMPLIANCE_META_PDQ") is { Length: > 0 } meta ? meta : null;

    public static int Run(string[] args)
    {
        if (args is ["lookup", ..])
        {
            LookupBenchmark.Run(MetaDirectory, args[1..].Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToList());
            return 0;
        }

        // bank [SNAPSHOT ROWS] [TABLE ROWS]: the loads into a new instance, from the snapshot (10M) and from the table alone (100,000).
        if (args is ["bank", ..])
        {
            int Rows(int at, int otherwise) => args.Length > at ? int.Parse(args[at], System.Globalization.CultureInfo.InvariantCulture) : otherwise;
            BankBenchmark.RunAsync(Rows(2, 100_000), Rows(1, 10_000_000)).GetAwaiter().GetResult();
            return 0;
        }

        if (args is ["bank-load", var prefix])
        {
            BankBenchmark.LoadAsync(prefix).GetAwaiter().GetResult();
            return 0;
        }

        // "hashing": only the PDQ figures (and Meta's beside them); "faces": only BlazeFace's. For iterating on one.
        var hashingOnly = args is ["hashing", ..];
        var facesOnly = args is ["faces", ..];
        var root = args.Length > 0 && !hashingOnly && !facesOnly ? args[0] : FindRepository();
        var images = Directory.GetFiles(Path.Combine(root, "tests", "fixtures", "pdq", "images")).Order(StringComparer.Ordinal).ToList();
        var encoded = images.Select(File.ReadAllBytes).ToList();
        var decoded = encoded.Select(b => ImageDecoder.Decode(b, 100_000_000).Image!).ToList();
        var lumas = decoded.Select(i => (Luma: i.Luma(Math.Min(i.Width, 512), Math.Min(i.Height, 512)), Rows: Math.Min(i.Height, 512), Columns: Math.Min(i.Width, 512))).ToList();

        if (!facesOnly)
        {
            // PDQ excluding decode: luminance already in memory.
            var rounds = 200;
            foreach (var (luma, rows, columns) in lumas)
            {
                PdqHasher.Hash(luma, rows, columns);
            }

            var watch = Stopwatch.StartNew();
            for (var r = 0; r < rounds; r++)
            {
                foreach (var (luma, rows, columns) in lumas)
                {
                    PdqHasher.Hash(luma, rows, columns);
                }
            }

            Console.WriteLine($"PDQ, decode excluded: {rounds * lumas.Count / watch.Elapsed.TotalSeconds:F0} hashes/s on one thread ({lumas.Count} images of up to 512x512; Meta reports ~530/s)");

            // One untimed pass first, as above: the first calls JIT-compile the decoders and load the native libraries.
            foreach (var bytes in encoded)
            {
                PdqHasher.HashEncoded(bytes, 100_000_000);
            }

            watch.Restart();
            for (var r = 0; r < 5; r++)
            {
                foreach (var bytes in encoded)
                {
                    PdqHasher.HashEncoded(bytes, 100_000_000);
                }
            }

            Console.WriteLine($"PDQ, decode included: {5 * encoded.Count / watch.Elapsed.TotalSeconds:F0} hashes/s ({encoded.Sum(b => b.Length) / encoded.Count / 1024} KiB average file)");

            if (MetaDirectory is { } meta)
            {
                MetaComparison.Run(images, meta);
            }
        }

        if (hashingOnly)
        {
            return 0;
        }

        var manifest = ModelManifest.Load(Path.Combine(root, "functions", "Compliance.Functions", "models", "blazeface-front.model.json"));
        foreach (var threads in new[] { 1, 2 })
        {
            using var faces = new BlazeFaceDetector(manifest, threads);

            // The peer: ONNX Runtime's own Run on a ready tensor, with nothing of ours around it.
            using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
            using var raw = new Microsoft.ML.OnnxRuntime.InferenceSession(manifest.ModelPath, options);
            var tensor = ModelInputTensor.Letterboxed(decoded[0], manifest.Input).Tensor;
            var inputs = new[] { Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor(manifest.Input.Name, tensor) };

            // Warm up over every image so the timed calls run fully optimised code (tiered JIT), not first-tier code.
            for (var warm = 0; warm < 5; warm++)
            {
                decoded.ForEach(image => faces.Detect(image));
                decoded.ForEach(_ => raw.Run(inputs).Dispose());
            }

            // Each analysis timed next to a raw Run, so that both see the machine in the same state:
            // on this VM either median alone drifts by up to 40 % from one minute to the next.
            var timings = new List<double>();
            var runs = new List<double>();
            for (var r = 0; r < 10; r++)
            {
                foreach (var image in decoded)
                {
                    var started = Stopwatch.GetTimestamp();
                    faces.Detect(image);
                    timings.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    started = Stopwatch.GetTimestamp();
                    raw.Run(inputs).Dispose();
                    runs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }

            timings.Sort();
            runs.Sort();
            Console.WriteLine($"BlazeFace ({threads} intra-op thread{(threads > 1 ? "s" : string.Empty)}): median {timings[timings.Count / 2]:F2} ms/image, p95 {timings[(int)(timings.Count * 0.95)]:F2} ms (letterbox + inference + decoding); raw InferenceSession.Run median {runs[runs.Count / 2]:F2} ms ({timings[timings.Count / 2] / runs[runs.Count / 2]:F1}x raw)");
        }

        if (facesOnly)
        {
            return 0;
        }

        LookupBenchmark.Run(MetaDirectory);
        BankBenchmark.RunAsync(100_000, 10_000_000).GetAwaiter().GetResult();

        return 0;
    }

    private static string FindRepository()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Compliance.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Run from within the repository.");
    }
}
