using System.Security.Cryptography;
using Google.Protobuf;

namespace Compliance.Detection.Tests;

/// <summary>
/// A classifier model the tests write themselves, so the slot is proven with a real ONNX Runtime
/// session and no third-party weights: ReduceMean over a 1×3×32×32 image, i.e. mean brightness,
/// with its manifest pinned by sha256 like any other model. Encoded field by field after onnx.proto
/// (ModelProto 1 ir_version, 7 graph, 8 opset_import; GraphProto 1 node, 2 name, 11 input, 12 output;
/// NodeProto 1 input, 2 output, 4 op_type, 5 attribute): no onnx package exists for .NET to build it.
/// </summary>
internal static class TinyOnnxModel
{
    public const string Name = "mean-brightness";
    public const int Size = 32;

    /// <summary>Writes the model and its manifest into <paramref name="directory"/>; returns the manifest's path.</summary>
    public static string WriteMeanBrightness(string directory, double threshold = 0.5)
    {
        var model = Message(m =>
        {
            m.WriteTag(1, WireFormat.WireType.Varint);
            m.WriteInt64(8); // IR version 8 (opset 13 era)
            m.WriteTag(7, WireFormat.WireType.LengthDelimited);
            m.WriteBytes(Message(g =>
            {
                g.WriteTag(1, WireFormat.WireType.LengthDelimited);
                g.WriteBytes(Message(n =>
                {
                    n.WriteTag(1, WireFormat.WireType.LengthDelimited);
                    n.WriteString("image");
                    n.WriteTag(2, WireFormat.WireType.LengthDelimited);
                    n.WriteString("score");
                    n.WriteTag(4, WireFormat.WireType.LengthDelimited);
                    n.WriteString("ReduceMean");
                    n.WriteTag(5, WireFormat.WireType.LengthDelimited);
                    n.WriteBytes(Message(a =>
                    {
                        a.WriteTag(1, WireFormat.WireType.LengthDelimited);
                        a.WriteString("axes");
                        foreach (var axis in new long[] { 1, 2, 3 })
                        {
                            a.WriteTag(8, WireFormat.WireType.Varint);
                            a.WriteInt64(axis);
                        }

                        a.WriteTag(20, WireFormat.WireType.Varint);
                        a.WriteEnum(7); // INTS
                    }));
                    n.WriteTag(5, WireFormat.WireType.LengthDelimited);
                    n.WriteBytes(Message(a =>
                    {
                        a.WriteTag(1, WireFormat.WireType.LengthDelimited);
                        a.WriteString("keepdims");
                        a.WriteTag(3, WireFormat.WireType.Varint);
                        a.WriteInt64(0);
                        a.WriteTag(20, WireFormat.WireType.Varint);
                        a.WriteEnum(2); // INT
                    }));
                }));
                g.WriteTag(2, WireFormat.WireType.LengthDelimited);
                g.WriteString("mean_brightness");
                g.WriteTag(11, WireFormat.WireType.LengthDelimited);
                g.WriteBytes(ValueInfo("image", [1, 3, Size, Size]));
                g.WriteTag(12, WireFormat.WireType.LengthDelimited);
                g.WriteBytes(ValueInfo("score", [1]));
            }));
            m.WriteTag(8, WireFormat.WireType.LengthDelimited);
            m.WriteBytes(Message(o =>
            {
                o.WriteTag(2, WireFormat.WireType.Varint);
                o.WriteInt64(13);
            }));
        });

        var file = Path.Combine(directory, Name + ".onnx");
        File.WriteAllBytes(file, model.ToByteArray());
        var manifest = Path.Combine(directory, Name + ".model.json");
        File.WriteAllText(manifest, $$"""
            {
              "name": "{{Name}}", "version": "test", "file": "{{Name}}.onnx",
              "sha256": "{{Convert.ToHexStringLower(SHA256.HashData(model.ToByteArray()))}}",
              "input": { "name": "image", "shape": [1, 3, {{Size}}, {{Size}}], "layout": "nchw", "scale": 0.00392156862745098, "offset": 0.0, "channels": "RGB" },
              "score": { "output": "score", "reduce": "first", "sigmoid": false },
              "threshold": {{threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}},
              "onFaceCrops": false
            }
            """);
        return manifest;
    }

    /// <summary>ValueInfoProto: name, and a float tensor type (TypeProto 1 tensor_type: 1 elem_type, 2 shape of dims).</summary>
    private static ByteString ValueInfo(string name, long[] shape) => Message(v =>
    {
        v.WriteTag(1, WireFormat.WireType.LengthDelimited);
        v.WriteString(name);
        v.WriteTag(2, WireFormat.WireType.LengthDelimited);
        v.WriteBytes(Message(t =>
        {
            t.WriteTag(1, WireFormat.WireType.LengthDelimited);
            t.WriteBytes(Message(tensor =>
            {
                tensor.WriteTag(1, WireFormat.WireType.Varint);
                tensor.WriteInt32(1); // FLOAT
                tensor.WriteTag(2, WireFormat.WireType.LengthDelimited);
                tensor.WriteBytes(Message(s =>
                {
                    foreach (var dim in shape)
                    {
                        s.WriteTag(1, WireFormat.WireType.LengthDelimited);
                        s.WriteBytes(Message(d =>
                        {
                            d.WriteTag(1, WireFormat.WireType.Varint);
                            d.WriteInt64(dim);
                        }));
                    }
                }));
            }));
        }));
    });

    private static ByteString Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        write(output);
        output.Flush();
        return ByteString.CopyFrom(buffer.ToArray());
    }
}
