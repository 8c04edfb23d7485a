using Compliance.Functions;
using Compliance.Functions.Http;
using Compliance.Problems;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.Extensions.Configuration.Memory;

namespace Compliance.LocalHost;

/// <summary>
/// An ASP.NET Core host for the function app's own classes. Settings come from the same
/// local.settings.json the Functions host reads, then environment variables, then arguments.
/// </summary>
public static class LocalFunctionsHost
{
    public const string DefaultUrl = "http://localhost:7071";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var directory = AppContext.BaseDirectory;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = directory });
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = LocalSettings.Values(directory) });
        if (builder.Configuration["urls"] is null)
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var broker = builder.Configuration.GetSection(LocalBrokerOptions.Section).Get<LocalBrokerOptions>() ?? new LocalBrokerOptions();
        if (broker.Port is { } brokerPort)
        {
            // The app's ServiceBus connection points at the local broker unless set explicitly.
            builder.Configuration[ComplianceComposition.ServiceBusConnectionName] ??= LocalBrokerService.ConnectionStringFor(brokerPort, broker.NamespaceKey);
            builder.Services.AddSingleton(broker);
            builder.Services.AddSingleton<LocalBrokerService>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<LocalBrokerService>());
        }

        builder.Services.AddCompliance(builder.Configuration);
        var catalog = FunctionCatalog.Discover(typeof(ComplianceComposition).Assembly);
        builder.Services.AddSingleton(catalog);
        if (!builder.Configuration.GetValue<bool>("LocalHost:DisableTimers"))
        {
            builder.Services.AddHostedService<TimerFunctionScheduler>();
        }

        if (!builder.Configuration.GetValue<bool>("LocalHost:DisableBlobTriggers"))
        {
            builder.Services.AddHostedService<BlobTriggerPoller>();
        }

        builder.Services.AddHostedService<ConsoleUploadCors>();
        if (builder.Configuration.GetValue<bool>("LocalHost:SeedDemoProviders"))
        {
            builder.Services.AddHostedService<DemoProviderSeeder>();
        }

        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseStatusCodePages(context => WriteProblemAsync(context.HttpContext));
        app.MapDevelopmentTokens();
        app.MapHttpFunctions(catalog, LocalSettings.RoutePrefix(directory));
        return app;
    }

    /// <summary>Unknown routes and wrong methods, answered by routing with an empty body, get problem+json like everything else.</summary>
    private static Task WriteProblemAsync(HttpContext context)
    {
        var problem = context.Response.StatusCode switch
        {
            StatusCodes.Status405MethodNotAllowed => new ComplianceProblem(ProblemKind.MethodNotAllowed, $"{context.Request.Method} is not allowed on this endpoint."),
            StatusCodes.Status404NotFound => new ComplianceProblem(ProblemKind.RouteNotFound, "There is no endpoint at this path."),
            _ => null,
        };
        var response = problem is null
            ? HttpApi.Problem(context.Request, new ProblemType(context.Response.StatusCode, "http-" + context.Response.StatusCode, "HTTP error"), "The request could not be served.")
            : HttpApi.Problem(context.Request, problem);
        return new ResponseResult(response).ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
    }
}
