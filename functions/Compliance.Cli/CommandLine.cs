namespace Compliance.Cli;

/// <summary>A command word followed by <c>--name value</c> options; small enough not to need a parser library.</summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);

    private CommandLine(IReadOnlyList<string> words) => Words = words;

    public IReadOnlyList<string> Words { get; }

    /// <summary>Options that take no value.</summary>
    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "dihedral", "frames" };

    public bool Flag(string name) => Option(name) == "true";

    public static CommandLine Parse(string[] args)
    {
        var words = new List<string>();
        var options = new List<(string, string)>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && Flags.Contains(args[i][2..]))
            {
                options.Add((args[i][2..], "true"));
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new UsageException($"Option {args[i]} needs a value.");
                }

                options.Add((args[i][2..], args[++i]));
            }
            else
            {
                words.Add(args[i]);
            }
        }

        var line = new CommandLine(words);
        foreach (var (name, value) in options)
        {
            line._options[name] = value;
        }

        return line;
    }

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public string Required(string name) => Option(name) ?? throw new UsageException($"--{name} is required.");

    public int Number(string name, int fallback) =>
        Option(name) is not { } text ? fallback
        : int.TryParse(text, out var value) && value > 0 ? value
        : throw new UsageException($"--{name} must be a positive whole number.");
}

internal sealed class UsageException(string message) : Exception(message);
