using System.Text;
using Azure.Data.Tables;

namespace Compliance.Infrastructure.Storage;

/// <summary>
/// Stores text longer than one table property may hold (64 KiB, i.e. 32K UTF-16 characters) across
/// numbered properties of the same entity.
/// </summary>
public static class LongText
{
    public const int PartLength = 30_000;

    public static void Write(TableEntity entity, string name, string text)
    {
        var parts = 0;
        for (var offset = 0; offset < text.Length || parts == 0; offset += PartLength, parts++)
        {
            entity[$"{name}{parts}"] = text.Substring(offset, Math.Min(PartLength, text.Length - offset));
        }

        entity[$"{name}Parts"] = parts;
    }

    public static string Read(TableEntity entity, string name)
    {
        var parts = entity.GetInt32($"{name}Parts") ?? 0;
        var builder = new StringBuilder();
        for (var i = 0; i < parts; i++)
        {
            builder.Append(entity.GetString($"{name}{i}"));
        }

        return builder.ToString();
    }
}
