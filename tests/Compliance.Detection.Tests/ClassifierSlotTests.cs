using Compliance.Detection.Imaging;
using Compliance.Detection.Models;

namespace Compliance.Detection.Tests;

/// <summary>The pluggable ONNX slot, proven with a real model: BlazeFace configured as a "face present" classifier.</summary>
public sealed class ClassifierSlotTests
{
    [Fact]
    public void A_configured_model_scores_images_against_its_threshold()
    {
        using var classifier = new OnnxClassifier(Models.BlazeFace(), intraOpThreads: 1);

        var astronaut = classifier.Score(Decode("faces", "astronaut.png"), [])!.Value;
        var coffee = classifier.Score(Decode("pdq", "images", "coffee.png"), [])!.Value;

        Assert.InRange(astronaut, 0.88, 0.96);
        Assert.InRange(coffee, 0.2, 0.5);
        Assert.True(astronaut >= classifier.Manifest.Threshold);
        Assert.True(coffee < classifier.Manifest.Threshold);
    }

    [Fact]
    public void A_model_whose_file_does_not_match_its_pinned_sha256_is_refused()
    {
        var directory = Directory.CreateTempSubdirectory();
        try
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, "models", "blazeface-front.model.json"), Path.Combine(directory.FullName, "m.model.json"));
            var model = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "models", "face_detection_front_128x128_barracuda.onnx"));
            model[^1] ^= 0xFF;
            File.WriteAllBytes(Path.Combine(directory.FullName, "face_detection_front_128x128_barracuda.onnx"), model);

            var error = Assert.Throws<InvalidOperationException>(() => ModelManifest.Load(Path.Combine(directory.FullName, "m.model.json")));

            Assert.Contains("Refusing to load it", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static RasterImage Decode(params string[] path) => ImageDecoder.Decode(Fixtures.Bytes(path), 100_000_000).Image!;
}
