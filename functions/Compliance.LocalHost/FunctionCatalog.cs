using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Compliance.LocalHost;

public sealed record HttpFunction(string Name, MethodInfo Method, string[] HttpMethods, string Route);

public sealed record TimerFunction(string Name, MethodInfo Method, string Schedule, bool RunOnStartup);

/// <param name="Path">container/name pattern, e.g. %MediaIncomingContainer%/{orderId}/{mediaId}.</param>
public sealed record BlobFunction(string Name, MethodInfo Method, string Path, string? Connection);

/// <summary>
/// The functions of an assembly as the Functions host would see them: every method with a
/// <see cref="FunctionAttribute"/>, classified by its trigger attribute.
/// </summary>
public sealed class FunctionCatalog
{
    private FunctionCatalog(IReadOnlyList<HttpFunction> http, IReadOnlyList<TimerFunction> timers, IReadOnlyList<BlobFunction> blobs)
    {
        Http = http;
        Timers = timers;
        Blobs = blobs;
    }

    public IReadOnlyList<BlobFunction> Blobs { get; }

    public IReadOnlyList<HttpFunction> Http { get; }

    public IReadOnlyList<TimerFunction> Timers { get; }

    public static FunctionCatalog Discover(Assembly assembly)
    {
        var http = new List<HttpFunction>();
        var timers = new List<TimerFunction>();
        var blobs = new List<BlobFunction>();
        foreach (var method in assembly.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is not { } function)
            {
                continue;
            }

            foreach (var parameter in method.GetParameters())
            {
                if (parameter.GetCustomAttribute<HttpTriggerAttribute>() is { } httpTrigger)
                {
                    RequireSupported(function.Name, method, typeof(HttpRequest));
                    var verbs = httpTrigger.Methods is { Length: > 0 } m ? m.Select(v => v.ToUpperInvariant()).ToArray() : ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
                    http.Add(new HttpFunction(function.Name, method, verbs, httpTrigger.Route ?? function.Name));
                }
                else if (parameter.GetCustomAttribute<TimerTriggerAttribute>() is { } timerTrigger)
                {
                    RequireSupported(function.Name, method, typeof(TimerInfo));
                    timers.Add(new TimerFunction(function.Name, method, timerTrigger.Schedule, timerTrigger.RunOnStartup));
                }
                else if (parameter.GetCustomAttribute<BlobTriggerAttribute>() is { } blobTrigger)
                {
                    RequireSupported(function.Name, method, typeof(Stream));
                    blobs.Add(new BlobFunction(function.Name, method, blobTrigger.BlobPath, blobTrigger.Connection));
                }
            }
        }

        return new FunctionCatalog(http, timers, blobs);
    }

    /// <summary>
    /// Fails at start-up, not at the first request, when a function wants a binding this host does
    /// not provide (FunctionContext, output bindings).
    /// </summary>
    private static void RequireSupported(string name, MethodInfo method, Type trigger)
    {
        foreach (var parameter in method.GetParameters())
        {
            var type = parameter.ParameterType;
            if (type != trigger && type != typeof(CancellationToken) && type != typeof(string))
            {
                throw new NotSupportedException($"Function {name}: the local host cannot bind parameter '{parameter.Name}' of type {type.Name}.");
            }
        }
    }
}
