using System.CommandLine;
using System.CommandLine.Parsing;

namespace Compliance.Cli;

/// <summary>
/// The <c>compliance</c> command tree (System.CommandLine): parsing, validation, help and usage
/// errors come from the library; each action calls one command class with typed values.
/// </summary>
internal static class ComplianceCli
{
    /// <summary>Exit code for a command line that does not parse, as before the move to System.CommandLine.</summary>
    public const int UsageError = 2;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter errors, CancellationToken cancellationToken = default)
    {
        var root = Build(output, errors);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await errors.WriteLineAsync(error.Message);
            }

            await errors.WriteLineAsync("Run 'compliance --help' (or 'compliance COMMAND --help') for usage.");
            return UsageError;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = errors, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (UsageException e)
        {
            await errors.WriteLineAsync(e.Message);
            return UsageError;
        }
        catch (ApiProblemException e)
        {
            await errors.WriteLineAsync(e.Message);
            return 1;
        }
        catch (HttpRequestException e)
        {
            await errors.WriteLineAsync($"The API could not be reached: {e.Message}");
            return 1;
        }
    }

    public static RootCommand Build(TextWriter output, TextWriter errors)
    {
        var root = new RootCommand("Compliance: development tokens, order events, media hashing, the hash bank, the audit log, and the API's orders and SLA figures.");
        root.Subcommands.Add(Token(output));
        root.Subcommands.Add(Events(output));
        root.Subcommands.Add(Hash(output, errors));
        root.Subcommands.Add(Bank(output));
        root.Subcommands.Add(Audit(output, errors));
        root.Subcommands.Add(Detect(output));
        root.Subcommands.Add(Orders(output, errors));
        root.Subcommands.Add(Sla(output, errors));
        return root;
    }

    private static Command Token(TextWriter output)
    {
        var role = new Option<string>("--role") { Description = "commission, provider, regulator or support", Required = true };
        role.Validators.Add(result =>
        {
            if (!Enum.TryParse<Compliance.Access.Role>(result.GetValueOrDefault<string>(), ignoreCase: true, out var parsed) || parsed == Compliance.Access.Role.System)
            {
                result.AddError("--role must be commission, provider, regulator or support.");
            }
        });
        var provider = new Option<string?>("--provider") { Description = "The provider's id (provider role only)" };
        var subject = new Option<string?>("--subject") { Description = "The token's subject" };
        var minutes = Positive("--minutes", 60, "Lifetime in minutes");
        var command = new Command("token", "Prints a development bearer token that the local host (infra/run) accepts.") { role, provider, subject, minutes };
        command.SetAction(parse =>
        {
            output.WriteLine(DevelopmentTokenCommand.Run(parse.GetValue(role)!, parse.GetValue(provider), parse.GetValue(subject), parse.GetValue(minutes), TimeProvider.System));
            return 0;
        });
        return command;
    }

    private static Command Events(TextWriter output)
    {
        var subscription = new Option<string>("--subscription") { Description = "The subscription to read", Required = true };
        var max = Positive("--max", int.MaxValue, "Stop after this many events");
        var timeout = Positive("--timeout", 30, "Stop after this many seconds");
        var topic = new Option<string>("--topic") { Description = "The topic", DefaultValueFactory = _ => "order-events" };
        var connection = new Option<string?>("--connection") { Description = "Service Bus connection string (default: the ServiceBus variable, else the local broker on port 5673)" };
        var tail = new Command("tail", "Prints order events from a subscription, one CloudEvent JSON per line.") { subscription, max, timeout, topic, connection };
        tail.SetAction((parse, _) => EventsTailCommand.RunAsync(parse.GetValue(subscription)!, parse.GetValue(max), TimeSpan.FromSeconds(parse.GetValue(timeout)), parse.GetValue(topic)!, parse.GetValue(connection), output));

        var provider = new Option<string>("--provider") { Description = "The provider whose connection string to print", Required = true };
        var port = Positive("--port", EventsTailCommand.LocalBrokerPort, "The local broker's port");
        var namespaceKey = new Option<string>("--namespace-key") { Description = "The local broker's namespace key (LocalBroker:NamespaceKey)", DefaultValueFactory = _ => Compliance.LocalBroker.LocalServiceBus.DevelopmentNamespaceKey };
        var credentials = new Command("connection", "Prints a provider's connection string for the local broker: its own key, which may send to its responses queue and read its events subscription only.") { provider, port, namespaceKey };
        credentials.SetAction(parse =>
        {
            output.WriteLine(EventsTailCommand.ProviderConnectionString(parse.GetValue(provider)!, parse.GetValue(port), parse.GetValue(namespaceKey)!));
            return 0;
        });
        return new Command("events", "Order events and provider responses on the broker.") { tail, credentials };
    }

    private static Command Hash(TextWriter output, TextWriter errors)
    {
        var files = new Argument<string[]>("files") { Description = "Images (or videos with --frames)", Arity = ArgumentArity.OneOrMore };
        var dihedral = new Option<bool>("--dihedral") { Description = "Eight lines per image, one per transform (original, rotate90, ..., flip_minus1)" };
        var frames = new Option<bool>("--frames") { Description = "Hash each video frame at one per second, as the pipeline banks a video" };
        var command = new Command("hash", "Prints \"<64 hex PDQ> <quality> <path>\" for each image, as the pipeline stores them.") { files, dihedral, frames };
        command.Validators.Add(result =>
        {
            if (result.GetValue(dihedral) && result.GetValue(frames))
            {
                result.AddError("--dihedral and --frames cannot be combined.");
            }
        });
        command.SetAction((parse, _) => parse.GetValue(frames)
            ? MediaCommands.HashFramesAsync(parse.GetValue(files)!, output, errors)
            : Task.FromResult(MediaCommands.Hash(parse.GetValue(files)!, parse.GetValue(dihedral), output, errors)));
        return command;
    }

    private static Command Bank(TextWriter output)
    {
        var haystack = new Option<string>("--haystack") { Description = "Banked hashes, one hex hash per line, optionally \",metadata\"", Required = true };
        var needles = new Option<string>("--needles") { Description = "Hashes to look up, in the same format", Required = true };
        var maxDistance = new Option<int>("--max-distance") { Description = "Largest Hamming distance that matches", DefaultValueFactory = _ => BankQueryCommand.DefaultMaxDistance };
        maxDistance.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 64)
            {
                result.AddError("--max-distance must be between 1 and 64.");
            }
        });
        var query = new Command("query", "Meta's mih-query format; prints \"<needle hex>,<match hex>,<distance>,<haystack metadata>\" per match.") { haystack, needles, maxDistance };
        query.SetAction(parse => BankQueryCommand.Run(parse.GetValue(haystack)!, parse.GetValue(needles)!, parse.GetValue(maxDistance), output));
        return new Command("bank", "The hash bank's index, offline.") { query };
    }

    private static Command Audit(TextWriter output, TextWriter errors)
    {
        var connection = new Option<string?>("--connection") { Description = "Storage connection string (default: the ComplianceStorage variable, else Azurite)" };
        var tablePrefix = new Option<string>("--table-prefix") { Description = "Table name prefix", DefaultValueFactory = _ => string.Empty };
        var container = new Option<string>("--audit-container") { Description = "The write-once archive's container", DefaultValueFactory = _ => "audit" };
        var publicKey = new Option<string?>("--public-key") { Description = "PEM file of the checkpoint signing key (default: the development key)" };
        var format = OutputFormat("text", "json");
        var verify = new Command("verify", "Recomputes the audit log from storage and names the first entry that does not match; exit 1 if any.") { connection, tablePrefix, container, publicKey, format };
        verify.SetAction((parse, cancellationToken) => AuditVerifyCommand.RunAsync(
            new AuditSource(parse.GetValue(connection), parse.GetValue(tablePrefix)!, parse.GetValue(container)!, parse.GetValue(publicKey)),
            parse.GetValue(format) == "json",
            output,
            errors,
            cancellationToken));
        return new Command("audit", "The signed audit log.") { verify };
    }

    private static Command Detect(TextWriter output)
    {
        var file = new Argument<string>("file") { Description = "An image or a video" };
        var models = new Option<string?>("--models") { Description = "Folder of model manifests and weights (default: beside the program)" };
        var classifiers = new Option<string?>("--classifiers") { Description = "Comma-separated classifier manifests, e.g. a.model.json,b.model.json" };
        var command = new Command("detect", "Prints the full analysis of an image or video as JSON (PDQ, faces, provenance, classifiers).") { file, models, classifiers };
        command.SetAction((parse, _) => MediaCommands.DetectAsync(
            parse.GetValue(file)!,
            parse.GetValue(models),
            parse.GetValue(classifiers)?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [],
            output));
        return command;
    }

    private static Command Orders(TextWriter output, TextWriter errors)
    {
        var api = new ApiOptions();
        var provider = new Option<string?>("--provider") { Description = "Only this provider's orders" };
        var status = new Option<string?>("--status") { Description = "Only orders in this status (e.g. issued, acknowledged, removed, breached)" };
        var pageSize = Positive("--page-size", 100, "Orders per request");
        var listFormat = OutputFormat("table", "json");
        var list = new Command("list", "Lists orders, every page, as a table or JSON.") { provider, status, pageSize, listFormat };
        api.AddTo(list);
        list.SetAction((parse, cancellationToken) => OrderCommands.ListAsync(
            api.Client(parse), parse.GetValue(provider), parse.GetValue(status), parse.GetValue(pageSize), parse.GetValue(listFormat) == "json", output, errors, cancellationToken));

        var id = new Argument<string>("order-id") { Description = "The order's id" };
        var showFormat = OutputFormat("table", "json");
        var show = new Command("show", "Shows one order with its history.") { id, showFormat };
        api.AddTo(show);
        show.SetAction((parse, cancellationToken) => OrderCommands.ShowAsync(api.Client(parse), parse.GetValue(id)!, parse.GetValue(showFormat) == "json", output, cancellationToken));
        return new Command("orders", "Takedown orders, from the API.") { list, show };
    }

    private static Command Sla(TextWriter output, TextWriter errors)
    {
        var api = new ApiOptions();
        var provider = new Option<string>("--provider") { Description = "The provider", Required = true };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Orders issued from (ISO 8601; default: 30 days ago)" };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Orders issued before (ISO 8601; default: now)" };
        var format = OutputFormat("table", "csv", "json");
        var command = new Command("sla", "A provider's SLA figures as a table, CSV or JSON.") { provider, from, to, format };
        api.AddTo(command);
        command.SetAction((parse, cancellationToken) => SlaCommand.RunAsync(
            api.Client(parse), parse.GetValue(provider)!, parse.GetValue(from), parse.GetValue(to), parse.GetValue(format)!, output, errors, cancellationToken));
        return command;
    }

    private static Option<string> OutputFormat(params string[] formats)
    {
        var option = new Option<string>("--output", "-o") { Description = "How to print the result", DefaultValueFactory = _ => formats[0] };
        option.AcceptOnlyFromAmong(formats);
        return option;
    }

    private static Option<int> Positive(string name, int fallback, string description)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= 0)
            {
                result.AddError($"{name} must be a positive whole number.");
            }
        });
        return option;
    }
}

/// <summary>A refusal the command itself finds (beyond what the parser checks): printed with the usage hint, exit 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
