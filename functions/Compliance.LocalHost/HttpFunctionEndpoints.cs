using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;

namespace Compliance.LocalHost;

/// <summary>Maps each discovered HTTP function to an endpoint that binds and invokes it as the Functions host would.</summary>
public static class HttpFunctionEndpoints
{
    public static void MapHttpFunctions(this IEndpointRouteBuilder endpoints, FunctionCatalog catalog, string routePrefix)
    {
        foreach (var function in catalog.Http)
        {
            var pattern = "/" + string.Join('/', new[] { routePrefix.Trim('/'), function.Route.Trim('/') }.Where(s => s.Length > 0));
            endpoints.MapMethods(pattern, function.HttpMethods, context => InvokeAsync(function, context)).WithDisplayName(function.Name);
        }
    }

    private static async Task InvokeAsync(HttpFunction function, HttpContext context)
    {
        // A new function instance per invocation, from the request scope, like the worker does.
        var target = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(context.RequestServices, function.Method.DeclaringType!);
        var arguments = function.Method.GetParameters().Select(p => Bind(p, context)).ToArray();
        object? returned;
        try
        {
            returned = function.Method.Invoke(target, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }

        if (returned is Task task)
        {
            await task;
            returned = task.GetType().IsGenericType ? task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
        }

        switch (returned)
        {
            case IActionResult action:
                await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                break;
            case IResult result:
                await result.ExecuteAsync(context);
                break;
            case null:
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            default:
                await context.Response.WriteAsJsonAsync(returned, returned.GetType(), context.RequestAborted);
                break;
        }
    }

    private static object? Bind(ParameterInfo parameter, HttpContext context) =>
        parameter.ParameterType == typeof(HttpRequest) ? context.Request
        : parameter.ParameterType == typeof(CancellationToken) ? context.RequestAborted
        : context.GetRouteValue(parameter.Name!)?.ToString();
}
