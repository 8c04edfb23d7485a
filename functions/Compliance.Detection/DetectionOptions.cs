namespace Compliance.Detection;

/// <summary>Which models run and how (section Detection).</summary>
public sealed class DetectionOptions
{
    public const string Section = "Detection";

    /// <summary>Folder of model manifests and files; default: models/ beside the app.</summary>
    public string? ModelDirectory { get; set; }

    /// <summary>Manifest of the face detector (BlazeFace).</summary>
    public string FaceModel { get; set; } = "blazeface-front.model.json";

    /// <summary>Manifests of the classifiers to run on every image (the pluggable slot).</summary>
    public List<string> Classifiers { get; set; } = [];

    /// <summary>ONNX Runtime intra-op threads per session; sessions are created once per process.</summary>
    public int IntraOpThreads { get; set; } = 1;

    public string Ffmpeg { get; set; } = "ffmpeg";

    public string Ffprobe { get; set; } = "ffprobe";

    /// <summary>Longest an ffmpeg or ffprobe run may take; past it the media is rejected as timed_out.</summary>
    public TimeSpan FfmpegTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
