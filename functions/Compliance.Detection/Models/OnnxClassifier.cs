using Compliance.Detection.Faces;
using Compliance.Detection.Imaging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Compliance.Detection.Models;

/// <summary>
/// The pluggable classifier slot: any ONNX model described by a manifest, run on the whole image or
/// on each face crop, giving one score compared with the manifest's threshold.
/// </summary>
public sealed class OnnxClassifier : IDisposable
{
    private readonly InferenceSession _session;

    public OnnxClassifier(ModelManifest manifest, int intraOpThreads)
    {
        Manifest = manifest;
        using var options = new SessionOptions { IntraOpNumThreads = intraOpThreads, InterOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        _session = new InferenceSession(manifest.ModelPath, options);
    }

    public ModelManifest Manifest { get; }

    /// <summary>The score for the image: the highest over its face crops when the model runs on faces (null without faces).</summary>
    public double? Score(RasterImage image, IReadOnlyList<FaceBox> faces)
    {
        if (!Manifest.OnFaceCrops)
        {
            return Run(ModelInputTensor.Letterboxed(image, Manifest.Input).Tensor);
        }

        return faces.Count == 0 ? null : faces.Max(f => Run(ModelInputTensor.Crop(image, Manifest.Input, f.X, f.Y, f.Width, f.Height)));
    }

    public void Dispose() => _session.Dispose();

    private double Run(DenseTensor<float> input)
    {
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(Manifest.Input.Name, input)], [Manifest.Score.Output]);
        var values = results[0].AsTensor<float>().ToArray();
        double raw = Manifest.Score.Reduce.Equals("first", StringComparison.OrdinalIgnoreCase) ? values[0] : values.Max();
        return Manifest.Score.Sigmoid ? 1 / (1 + Math.Exp(-raw)) : raw;
    }
}
