using Compliance.Detection.Faces;
using Compliance.Detection.Imaging;
using Compliance.Detection.Models;
using Compliance.Media;
using SkiaSharp;

namespace Compliance.Detection.Tests;

/// <summary>
/// The pluggable ONNX slot ships empty (no deepfake weights are available, and a face detector is
/// not a classification). It is proven with a model the tests write: mean brightness.
/// </summary>
public sealed class ClassifierSlotTests : IDisposable
{
    private readonly DirectoryInfo _models = Directory.CreateTempSubdirectory("compliance-models-");

    public void Dispose() => _models.Delete(recursive: true);

    [Theory]
    [InlineData(255, 1.0, true)]
    [InlineData(0, 0.0, false)]
    [InlineData(102, 0.4, false)]
    public void A_configured_model_scores_images_against_its_threshold(byte grey, double expected, bool flagged)
    {
        using var classifier = new OnnxClassifier(ModelManifest.Load(TinyOnnxModel.WriteMeanBrightness(_models.FullName)), intraOpThreads: 1);

        var score = classifier.Score(Flat(grey), [])!.Value;

        Assert.Equal(expected, score, 5);
        Assert.Equal(flagged, score >= classifier.Manifest.Threshold);
    }

    [Fact]
    public async Task The_analysis_lists_configured_classifiers_and_never_the_face_detector()
    {
        using var faces = new BlazeFaceDetector(ModelManifest.Load(Path.Combine(AppContext.BaseDirectory, "models", "blazeface-front.model.json")), 1);
        using var classifier = new OnnxClassifier(ModelManifest.Load(TinyOnnxModel.WriteMeanBrightness(_models.FullName)), 1);
        var astronaut = Fixtures.Bytes("faces", "astronaut.png");

        var shipped = await new MediaAnalyser(faces, [], new VideoFrames(), new MediaOptions()).AnalyseAsync(new MemoryStream(astronaut), CancellationToken.None);
        var configured = await new MediaAnalyser(faces, [classifier], new VideoFrames(), new MediaOptions()).AnalyseAsync(new MemoryStream(astronaut), CancellationToken.None);

        // The face is found either way, as a face: the shipped slot classifies nothing.
        Assert.Single(shipped.Faces);
        Assert.Empty(shipped.Classifications);
        var finding = Assert.Single(configured.Classifications);
        Assert.Equal(TinyOnnxModel.Name, finding.Model);
        Assert.Equal("test", finding.Version);
        Assert.Equal(0.5, finding.Threshold);
        Assert.Equal(finding.Score >= 0.5, finding.Flagged);
        Assert.DoesNotContain(configured.Classifications, c => c.Model.Contains("blazeface", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_shipped_configuration_has_no_classifier()
    {
        Assert.Empty(new DetectionOptions().Classifiers);
        Assert.DoesNotContain("Classifiers", File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "local.settings.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_whose_file_does_not_match_its_pinned_sha256_is_refused()
    {
        var manifest = TinyOnnxModel.WriteMeanBrightness(_models.FullName);
        var model = Path.Combine(_models.FullName, TinyOnnxModel.Name + ".onnx");
        var bytes = File.ReadAllBytes(model);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(model, bytes);

        var error = Assert.Throws<InvalidOperationException>(() => ModelManifest.Load(manifest));

        Assert.Contains("Refusing to load it", error.Message, StringComparison.Ordinal);
    }

    private static RasterImage Flat(byte grey)
    {
        using var bitmap = new SKBitmap(64, 64);
        bitmap.Erase(new SKColor(grey, grey, grey));
        return ImageDecoder.Decode(bitmap.Encode(SKEncodedImageFormat.Png, 100).ToArray(), 100_000_000).Image!;
    }
}
