using Compliance.Detection.Hashing;

namespace Compliance.Cli;

/// <summary>
/// <c>bank query --haystack FILE --needles FILE [--max-distance 31]</c>: Meta's <c>mih-query</c>
/// file format (one hex hash per line, optionally ",metadata"), answered by the same in-memory
/// index the service uses, one line per match: "needle,match,distance,haystack metadata".
/// </summary>
internal static class BankQueryCommand
{
    public const int DefaultMaxDistance = 31;

    public static int Run(string haystackFile, string needlesFile, int maxDistance, TextWriter output)
    {
        var haystack = Read(haystackFile);
        var needles = Read(needlesFile);
        using var index = new MultiIndexHashTable();
        foreach (var (hash, _) in haystack)
        {
            index.Add(hash);
        }

        foreach (var (needle, _) in needles)
        {
            foreach (var (id, distance) in index.Query(needle, maxDistance).OrderBy(m => m.Distance).ThenBy(m => m.Id))
            {
                output.WriteLine($"{needle.ToHex()},{haystack[id].Hash.ToHex()},{distance},{haystack[id].Metadata}");
            }
        }

        return 0;
    }

    private static List<(PdqHash Hash, string Metadata)> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"{path} does not exist.");
        }

        var hashes = new List<(PdqHash, string)>();
        var number = 0;
        foreach (var text in File.ReadLines(path))
        {
            number++;
            if (text.Length == 0)
            {
                continue;
            }

            var comma = text.IndexOf(',', StringComparison.Ordinal);
            var hex = comma < 0 ? text : text[..comma];
            if (!PdqHash.TryParse(hex.Trim(), out var hash))
            {
                throw new UsageException($"{path}:{number}: not a 64-character hex PDQ hash.");
            }

            hashes.Add((hash, comma < 0 ? string.Empty : text[(comma + 1)..]));
        }

        return hashes;
    }
}
