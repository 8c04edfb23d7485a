using Compliance.Detection.Imaging;
using Compliance.Detection.Models;
using Microsoft.ML.OnnxRuntime;

namespace Compliance.Detection.Faces;

/// <summary>A face in image pixels, with the detector's confidence.</summary>
public sealed record FaceBox(double X, double Y, double Width, double Height, double Score);

/// <summary>
/// MediaPipe BlazeFace (front, 128×128) on ONNX Runtime: the image is letterboxed into the input,
/// 896 anchors (16×16×2 at stride 8, 8×8×6 at stride 16) are decoded, scored with a sigmoid, and
/// overlapping detections are merged by score-weighted averaging, as MediaPipe does.
/// </summary>
public sealed class BlazeFaceDetector : IDisposable
{
    private const string Layer1Scores = "Identity:0";
    private const string Layer2Scores = "Identity_1:0";
    private const string Layer1Boxes = "Identity_2:0";
    private const string Layer2Boxes = "Identity_3:0";
    private static readonly (float X, float Y)[] Anchors = BuildAnchors();
    private static readonly string[] OutputNames = [Layer1Scores, Layer2Scores, Layer1Boxes, Layer2Boxes];

    private readonly InferenceSession _session;
    private readonly ModelManifest _manifest;
    private readonly double _minScore;
    private readonly double _mergeIou;

    public BlazeFaceDetector(ModelManifest manifest, int intraOpThreads, double minScore = 0.75, double mergeIou = 0.3)
    {
        _manifest = manifest;
        _minScore = minScore;
        _mergeIou = mergeIou;
        using var options = new SessionOptions { IntraOpNumThreads = intraOpThreads, InterOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        _session = new InferenceSession(manifest.ModelPath, options);
    }

    public IReadOnlyList<FaceBox> Detect(RasterImage image)
    {
        var input = _manifest.Input;
        // The input buffer is pooled: a fresh 128x128x3 tensor is a large-object allocation per image.
        var buffer = System.Buffers.ArrayPool<float>.Shared.Rent(ModelInputTensor.Length(input));
        try
        {
            return Infer(image, input, buffer);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(buffer);
        }
    }

    private IReadOnlyList<FaceBox> Infer(RasterImage image, ModelInput input, float[] buffer)
    {
        var (tensor, box) = ModelInputTensor.Letterboxed(image, input, buffer);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(input.Name, tensor)], OutputNames);
        // Read in place: copying the 16 regressors of all 896 anchors cost more than the scoring.
        var scores1 = Values(results, Layer1Scores);
        var scores2 = Values(results, Layer2Scores);
        var boxes1 = Values(results, Layer1Boxes);
        var boxes2 = Values(results, Layer2Boxes);

        var candidates = new List<FaceBox>();
        for (var i = 0; i < Anchors.Length; i++)
        {
            var score = 1 / (1 + Math.Exp(-(i < scores1.Length ? scores1[i] : scores2[i - scores1.Length])));
            if (score < _minScore)
            {
                continue;
            }

            var regressors = i < scores1.Length ? boxes1[(i * 16)..] : boxes2[((i - scores1.Length) * 16)..];
            double size = input.Width;
            var cx = (Anchors[i].X + (regressors[0] / size)) * size;
            var cy = (Anchors[i].Y + (regressors[1] / size)) * size;
            double w = regressors[2], h = regressors[3];

            // From model-input pixels back to image pixels through the letterbox.
            candidates.Add(new FaceBox(
                ((cx - (w / 2)) - box.PadX) / box.Scale,
                ((cy - (h / 2)) - box.PadY) / box.Scale,
                w / box.Scale,
                h / box.Scale,
                score));
        }

        return WeightedMerge(candidates, _mergeIou);
    }

    public void Dispose() => _session.Dispose();

    private static ReadOnlySpan<float> Values(IReadOnlyList<DisposableNamedOnnxValue> results, string name) =>
        results.First(r => r.Name == name) is var value && value.Value is Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float> dense ? dense.Buffer.Span : value.AsTensor<float>().ToArray();

    /// <summary>Groups boxes overlapping the best remaining one and replaces each group by its score-weighted mean.</summary>
    internal static IReadOnlyList<FaceBox> WeightedMerge(List<FaceBox> candidates, double iouThreshold)
    {
        var remaining = candidates.OrderByDescending(c => c.Score).ToList();
        var merged = new List<FaceBox>();
        while (remaining.Count > 0)
        {
            var best = remaining[0];
            var group = remaining.Where(c => Iou(best, c) >= iouThreshold).ToList();
            remaining.RemoveAll(group.Contains);
            var total = group.Sum(g => g.Score);
            merged.Add(new FaceBox(
                group.Sum(g => g.X * g.Score) / total,
                group.Sum(g => g.Y * g.Score) / total,
                group.Sum(g => g.Width * g.Score) / total,
                group.Sum(g => g.Height * g.Score) / total,
                best.Score));
        }

        return merged;
    }

    internal static double Iou(FaceBox a, FaceBox b)
    {
        var x1 = Math.Max(a.X, b.X);
        var y1 = Math.Max(a.Y, b.Y);
        var x2 = Math.Min(a.X + a.Width, b.X + b.Width);
        var y2 = Math.Min(a.Y + a.Height, b.Y + b.Height);
        var intersection = Math.Max(0, x2 - x1) * Math.Max(0, y2 - y1);
        var union = (a.Width * a.Height) + (b.Width * b.Height) - intersection;
        return union <= 0 ? 0 : intersection / union;
    }

    private static (float X, float Y)[] BuildAnchors()
    {
        var anchors = new List<(float, float)>(896);
        foreach (var (cells, perCell) in new[] { (16, 2), (8, 6) })
        {
            for (var y = 0; y < cells; y++)
            {
                for (var x = 0; x < cells; x++)
                {
                    for (var a = 0; a < perCell; a++)
                    {
                        anchors.Add(((x + 0.5f) / cells, (y + 0.5f) / cells));
                    }
                }
            }
        }

        return [.. anchors];
    }
}
