using System.Globalization;
using Compliance.Problems;
using Microsoft.AspNetCore.Http;

namespace Compliance.Functions.Http;

public static class QueryParameters
{
    public static string? Text(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    /// <summary>An ISO 8601 instant; one without an offset is taken as UTC.</summary>
    public static DateTimeOffset? Time(HttpRequest request, string name) =>
        Text(request, name) is not { } text ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) ? value
        : throw new ComplianceProblem(ProblemKind.InvalidQuery, $"{name} must be an ISO 8601 date and time.");

    public static int? Number(HttpRequest request, string name) =>
        Text(request, name) is not { } text ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw new ComplianceProblem(ProblemKind.InvalidQuery, $"{name} must be a whole number.");
}
