using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Compliance.Detection.Models;

/// <summary>
/// Describes one ONNX model to the pipeline: which file (pinned by sha256), how to feed it an
/// image, which output is its score and where it flags. Adding a classifier is adding a manifest.
/// </summary>
public sealed record ModelManifest(
    string Name,
    string Version,
    string File,
    string Sha256,
    string? Source,
    ModelInput Input,
    ModelScore Score,
    double Threshold,
    bool OnFaceCrops)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The model file beside the manifest, refused unless its sha256 matches the pin.</summary>
    public string ModelPath { get; private init; } = string.Empty;

    public static ModelManifest Load(string manifestPath)
    {
        ModelManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(System.IO.File.ReadAllText(manifestPath), Json)
                ?? throw new InvalidOperationException($"Model manifest {manifestPath} is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"Model manifest {manifestPath} is invalid: {e.Message}", e);
        }

        var modelPath = Path.Combine(Path.GetDirectoryName(manifestPath)!, manifest.File);
        if (!System.IO.File.Exists(modelPath))
        {
            throw new InvalidOperationException($"Model '{manifest.Name}': file {modelPath} is missing (infra/run and infra/test fetch the pinned models).");
        }

        using var stream = System.IO.File.OpenRead(modelPath);
        var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (!string.Equals(actual, manifest.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Model '{manifest.Name}': {modelPath} has sha256 {actual}, but the manifest pins {manifest.Sha256}. Refusing to load it.");
        }

        return manifest with { ModelPath = modelPath };
    }
}

public enum TensorLayout
{
    Nhwc,
    Nchw,
}

/// <param name="Shape">Batch, then the layout's dimensions, e.g. [1, 128, 128, 3] for NHWC.</param>
/// <param name="Scale">Each 0-255 channel value becomes value × Scale + Offset.</param>
public sealed record ModelInput(string Name, int[] Shape, TensorLayout Layout, double Scale, double Offset, string Channels = "RGB")
{
    public int Height => Layout == TensorLayout.Nhwc ? Shape[1] : Shape[2];

    public int Width => Layout == TensorLayout.Nhwc ? Shape[2] : Shape[3];
}

/// <param name="Reduce">How the output's values become one score: max or first.</param>
/// <param name="Sigmoid">Whether the values are logits to squash into 0-1.</param>
public sealed record ModelScore(string Output, string Reduce = "max", bool Sigmoid = false);
