using Compliance.Detection.Faces;
using Compliance.Detection.Imaging;
using Compliance.Detection.Models;

namespace Compliance.Detection.Tests;

/// <summary>The real BlazeFace model (fetched and sha256-checked by infra/test) on real photos.</summary>
public sealed class FaceDetectionTests : IDisposable
{
    private readonly BlazeFaceDetector _detector = new(Models.BlazeFace(), intraOpThreads: 1);

    [Fact]
    public void Finds_the_astronaut_face_with_its_box()
    {
        var faces = _detector.Detect(Decode("faces", "astronaut.png"));

        var face = Assert.Single(faces);
        Assert.InRange(face.Score, 0.88, 0.96);
        Assert.InRange(face.X, 168, 188);
        Assert.InRange(face.Y, 71, 91);
        Assert.InRange(face.X + face.Width, 262, 282);
        Assert.InRange(face.Y + face.Height, 165, 185);
    }

    [Fact]
    public void Finds_one_face_in_camera_and_none_in_coffee()
    {
        Assert.Single(_detector.Detect(Decode("pdq", "images", "camera.png")));
        Assert.Empty(_detector.Detect(Decode("pdq", "images", "coffee.png")));
    }

    [Fact]
    public void Overlapping_detections_merge_by_score_weighted_average()
    {
        var merged = BlazeFaceDetector.WeightedMerge([new FaceBox(0, 0, 10, 10, 0.9), new FaceBox(2, 0, 10, 10, 0.6), new FaceBox(50, 50, 5, 5, 0.8)], 0.3);

        Assert.Equal(2, merged.Count);
        Assert.Equal(0.9, merged[0].Score);
        Assert.Equal(0.8, merged[0].X, 6);
        Assert.Equal(50, merged[1].X);
    }

    public void Dispose() => _detector.Dispose();

    private static RasterImage Decode(params string[] path) => ImageDecoder.Decode(Fixtures.Bytes(path), 100_000_000).Image!;
}

internal static class Models
{
    public static ModelManifest BlazeFace() => ModelManifest.Load(Path.Combine(AppContext.BaseDirectory, "models", "blazeface-front.model.json"));
}
