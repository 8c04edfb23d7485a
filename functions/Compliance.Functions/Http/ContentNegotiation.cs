using Compliance.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Compliance.Functions.Http;

/// <summary>Picks the representation an Accept header prefers among those an endpoint offers (the first is the default).</summary>
public static class ContentNegotiation
{
    public static string Choose(HttpRequest request, params string[] offered)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted) || accepted.Count == 0)
        {
            return offered[0];
        }

        foreach (var media in accepted.Where(a => a.Quality is not 0).OrderByDescending(a => a.Quality ?? 1))
        {
            var type = media.MediaType.ToString();
            if (type is "*/*")
            {
                return offered[0];
            }

            var match = offered.FirstOrDefault(o => o.Equals(type, StringComparison.OrdinalIgnoreCase) || (type.EndsWith("/*", StringComparison.Ordinal) && o.StartsWith(type[..^1], StringComparison.OrdinalIgnoreCase)));
            if (match is not null)
            {
                return match;
            }
        }

        throw new ComplianceProblem(ProblemKind.NotAcceptable, $"This resource is available as {string.Join(" or ", offered)}.");
    }
}
