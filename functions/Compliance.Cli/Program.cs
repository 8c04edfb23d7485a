using Compliance.Access;
using Compliance.Cli;
using Compliance.Infrastructure.Identity;

const string usage = """
    usage:
      compliance token --role commission|provider|regulator|support [--provider ID] [--subject NAME] [--minutes N]
        Prints a development bearer token that the local host (infra/run) accepts.
      compliance events tail --subscription NAME [--max N] [--timeout SECONDS] [--topic order-events] [--connection STRING]
        Prints order events from a subscription, one CloudEvent JSON per line (default: the local broker on port 5673,
        or the ServiceBus environment variable).
      compliance hash [--dihedral] FILE...
        Prints "<64 hex PDQ> <quality> <path>" for each image, as the pipeline stores them; with --dihedral
        eight lines per image, each ending in its transform (original, rotate90, ..., flip_minus1).
      compliance hash --frames VIDEO...
        Prints "<64 hex PDQ> <quality> <path> <second>" for each frame at one per second, as the pipeline
        banks a video: the "frames" of a video lookup or of a victim's case.
      compliance bank query --haystack FILE --needles FILE [--max-distance 31]
        Meta's mih-query format (one hex hash per line, optionally ",metadata"); prints one line per match:
        "<needle hex>,<match hex>,<distance>,<haystack metadata>", using the service's in-memory index.
      compliance audit verify [--connection STRING] [--table-prefix P] [--audit-container audit] [--public-key FILE]
        Recomputes the audit log from storage (orders, histories, leaves, the signed checkpoint) and names the
        first entry that does not match; exit 1 if any. Default: Azurite, and the development public key.
      compliance detect FILE [--models DIR] [--classifiers a.model.json,b.model.json]
        Prints the full analysis of an image or video as JSON (PDQ, faces, provenance, classifiers).
    """;

try
{
    var line = CommandLine.Parse(args);
    switch (line.Words.Count > 0 ? line.Words[0] : null)
    {
        case "token":
            Console.WriteLine(DevelopmentTokenCommand.Run(line, TimeProvider.System));
            return 0;
        case "hash" when line.Flag("frames"):
            return await MediaCommands.HashFramesAsync(line, Console.Out, Console.Error);
        case "hash":
            return MediaCommands.Hash(line, Console.Out, Console.Error);
        case "detect":
            return await MediaCommands.DetectAsync(line, Console.Out);
        case "bank" when line.Words.Count > 1 && line.Words[1] == "query":
            return BankQueryCommand.Run(line, Console.Out);
        case "audit" when line.Words.Count > 1 && line.Words[1] == "verify":
            return await AuditVerifyCommand.RunAsync(line, Console.Out);
        case "events" when line.Words.Count > 1 && line.Words[1] == "tail":
            return await EventsTailCommand.RunAsync(line, Console.Out);
        default:
            Console.Error.WriteLine(usage);
            return 2;
    }
}
catch (UsageException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(usage);
    return 2;
}

namespace Compliance.Cli
{
    internal static class DevelopmentTokenCommand
    {
        public static string Run(CommandLine line, TimeProvider time)
        {
            var roleText = line.Required("role");
            if (!Enum.TryParse<Role>(roleText, ignoreCase: true, out var role) || role == Role.System)
            {
                throw new UsageException("--role must be commission, provider, regulator or support.");
            }

            var provider = line.Option("provider");
            if ((role == Role.Provider) != (provider is not null))
            {
                throw new UsageException("--provider is required for the provider role, and only for it.");
            }

            var subject = line.Option("subject") ?? (provider is null ? $"dev-{role.ToString().ToLowerInvariant()}" : $"dev-{provider}");
            var lifetime = TimeSpan.FromMinutes(line.Number("minutes", 60));
            var key = Environment.GetEnvironmentVariable("Auth__SigningKey") ?? DevelopmentTokens.SigningKey;
            return DevelopmentTokens.Create(role, provider, subject, time.GetUtcNow(), lifetime, key);
        }
    }
}
