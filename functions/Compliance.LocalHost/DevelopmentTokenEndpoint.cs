using Compliance.Access;
using Compliance.Functions.Http;
using Compliance.Infrastructure.Identity;
using Compliance.Problems;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;

namespace Compliance.LocalHost;

/// <summary>
/// Mints development tokens for the console's role picker. Only this local host maps it: it is no
/// [Function], so the deployed app has no such route, and the console falls back to Entra ID sign-in.
/// </summary>
public static class DevelopmentTokenEndpoint
{
    public const string Path = "/api/dev/tokens";

    /// <summary>The roles a person can hold; System is the platform's own and never goes into a token.</summary>
    private static readonly Role[] PersonRoles = [Role.Commission, Role.Provider, Role.Regulator, Role.Support];

    public sealed record TokenRequest(string? Role, string? Subject, string? ProviderId);

    public static void MapDevelopmentTokens(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, () => Results.Json(new { roles = PersonRoles.Select(r => r.ToString().ToLowerInvariant()) }));
        endpoints.MapPost(Path, MintAsync);
    }

    private static async Task MintAsync(HttpContext context)
    {
        var auth = context.RequestServices.GetRequiredService<AuthOptions>();
        TokenRequest? body = null;
        try
        {
            body = await context.Request.ReadFromJsonAsync<TokenRequest>(ApiJson.Options, context.RequestAborted);
        }
        catch (System.Text.Json.JsonException)
        {
        }

        var problem = auth.SigningKey != DevelopmentTokens.SigningKey
            ? "This host does not use the development signing key, so it mints no tokens."
            : body?.Role is null || !Enum.TryParse<Role>(body.Role, ignoreCase: true, out var role) || !PersonRoles.Contains(role)
                ? $"role must be one of: {string.Join(", ", PersonRoles.Select(r => r.ToString().ToLowerInvariant()))}."
                : string.IsNullOrWhiteSpace(body.Subject) || body.Subject.Length > 64
                    ? "subject must be 1 to 64 characters."
                    : role == Role.Provider && string.IsNullOrWhiteSpace(body.ProviderId)
                        ? "A provider token needs providerId."
                        : null;
        if (problem is not null)
        {
            var refusal = HttpApi.Problem(context.Request, new ComplianceProblem(ProblemKind.ValidationFailed, problem));
            await new ResponseResult(refusal).ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
            return;
        }

        var parsed = Enum.Parse<Role>(body!.Role!, ignoreCase: true);
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var lifetime = TimeSpan.FromHours(8);
        var token = DevelopmentTokens.Create(parsed, parsed == Role.Provider ? body.ProviderId : null, body.Subject!.Trim(), now, lifetime, auth.SigningKey!);
        await context.Response.WriteAsJsonAsync(new { token, expiresAt = now + lifetime }, context.RequestAborted);
    }
}
