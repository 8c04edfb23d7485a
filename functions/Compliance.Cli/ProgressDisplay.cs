using System.Text.Json;
using Spectre.Console;

namespace Compliance.Cli;

/// <summary>
/// A spinner with a status line on the terminal's error stream while a long command works, so
/// standard output stays clean for pipes. Nothing is drawn when errors go to a file or a pipe.
/// </summary>
internal static class ProgressDisplay
{
    public static async Task<T> RunAsync<T>(TextWriter errors, string status, Func<Action<string>, Task<T>> work)
    {
        if (!ReferenceEquals(errors, Console.Error) || Console.IsErrorRedirected)
        {
            return await work(_ => { });
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Status().Spinner(Spinner.Known.Dots).StartAsync(status, context => work(text => context.Status(text)));
    }
}

internal static class CliJson
{
    /// <summary>As the API writes: camelCase, no nulls, readable URLs.</summary>
    public static readonly JsonSerializerOptions Compact = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
