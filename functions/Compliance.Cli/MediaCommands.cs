using System.Text.Json;
using System.Text.Json.Serialization;
using Compliance.Detection;
using Compliance.Detection.Faces;
using Compliance.Detection.Hashing;
using Compliance.Detection.Imaging;
using Compliance.Detection.Models;
using Compliance.Media;

namespace Compliance.Cli;

/// <summary>
/// <c>hash FILE...</c> prints "&lt;pdq hex&gt; &lt;quality&gt; &lt;path&gt;" per image, the values the
/// pipeline stores (with <c>--dihedral</c>, eight lines per image, each ending in its transform);
/// <c>detect FILE</c> prints the pipeline's full analysis as JSON.
/// </summary>
internal static class MediaCommands
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static int Hash(IReadOnlyList<string> files, bool dihedral, TextWriter output, TextWriter errors)
    {
        var failed = 0;
        var options = new MediaOptions();
        foreach (var file in files)
        {
            // Decoded straight to the hash's luminance input: the same hash as the pipeline's full decode, sooner.
            var (luma, rows, columns, failure) = File.Exists(file) ? ImageDecoder.DecodeLuma(File.ReadAllBytes(file), options.MaxPixels) : (null, 0, 0, DecodeFailure.DecodeFailed);
            if (luma is null)
            {
                errors.WriteLine($"{file}: {(failure == DecodeFailure.TooManyPixels ? "too many pixels" : "not a decodable image")}");
                failed++;
                continue;
            }

            if (dihedral)
            {
                // One line per transform, named as the API names them, so a filter can bank or query all eight.
                var transforms = PdqHasher.HashDihedral(luma, rows, columns);
                foreach (var (hash, transform) in transforms.All.Zip(Enum.GetValues<DihedralTransform>()))
                {
                    output.WriteLine($"{hash.ToHex()} {transforms.Quality} {file} {JsonNamingPolicy.SnakeCaseLower.ConvertName(transform.ToString())}");
                }

                continue;
            }

            var result = PdqHasher.Hash(luma, rows, columns);
            output.WriteLine($"{result.Hash.ToHex()} {result.Quality} {file}");
        }

        return failed == 0 ? 0 : 1;
    }

    /// <summary>The hash of each frame at 1 fps, decoded and hashed exactly as the pipeline does.</summary>
    public static async Task<int> HashFramesAsync(IReadOnlyList<string> files, TextWriter output, TextWriter errors)
    {
        var failed = 0;
        var options = new MediaOptions();
        var video = new VideoFrames();
        foreach (var file in files)
        {
            var work = Directory.CreateTempSubdirectory("compliance-frames-");
            try
            {
                var count = 0;
                await foreach (var (second, frame) in video.DecodeAsync(Path.GetFullPath(file), work.FullName, options.MaxVideoFrames, options.MaxPixels, CancellationToken.None))
                {
                    var result = PdqHasher.Hash(frame);
                    await output.WriteLineAsync($"{result.Hash.ToHex()} {result.Quality} {file} {second}");
                    count++;
                }

                if (count == 0)
                {
                    await errors.WriteLineAsync($"{file}: not a decodable video");
                    failed++;
                }
            }
            finally
            {
                work.Delete(recursive: true);
            }
        }

        return failed == 0 ? 0 : 1;
    }

    public static async Task<int> DetectAsync(string file, string? modelsDirectory, IReadOnlyList<string> classifierFiles, TextWriter output)
    {
        var models = modelsDirectory ?? Path.Combine(AppContext.BaseDirectory, "models");
        var detection = new DetectionOptions();
        using var faces = new BlazeFaceDetector(ModelManifest.Load(Path.Combine(models, detection.FaceModel)), detection.IntraOpThreads);
        var classifiers = classifierFiles.Select(c => new OnnxClassifier(ModelManifest.Load(Path.Combine(models, c)), detection.IntraOpThreads)).ToList();
        try
        {
            var analyser = new MediaAnalyser(faces, classifiers, new VideoFrames(), new MediaOptions());
            await using var content = File.OpenRead(file);
            var analysis = await analyser.AnalyseAsync(content, CancellationToken.None);
            await output.WriteLineAsync(JsonSerializer.Serialize(analysis, Json));
            return analysis.Rejection is null ? 0 : 1;
        }
        finally
        {
            classifiers.ForEach(c => c.Dispose());
        }
    }
}
