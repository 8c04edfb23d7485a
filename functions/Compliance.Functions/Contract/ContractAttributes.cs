using Compliance.Problems;

namespace Compliance.Functions.Contract;

/// <summary>
/// The JSON body an HTTP function reads: the same record it parses with <c>HttpApi</c>. A mutating
/// call (<see cref="Idempotent"/>) also needs an Idempotency-Key and may carry If-Match.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AcceptsAttribute(Type body) : Attribute
{
    public Type Body { get; } = body;

    public bool Idempotent { get; init; } = true;

    /// <summary>Media types accepted besides JSON (an image sent as the body).</summary>
    public string[] AlsoAccepts { get; init; } = [];
}

/// <summary>A successful answer: its status and the record (or text, with a non-JSON media type) it carries.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ReturnsAttribute(int status, Type body) : Attribute
{
    public int Status { get; } = status;

    public Type Body { get; } = body;

    public string MediaType { get; init; } = "application/json";
}

/// <summary>The problem kinds a function answers with besides those every call can get (authentication, 5xx).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RefusesAttribute(params ProblemKind[] kinds) : Attribute
{
    public IReadOnlyList<ProblemKind> Kinds { get; } = kinds;
}

/// <summary>A query-string parameter the function reads through <c>QueryParameters</c>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class QueryAttribute(string name, Type type) : Attribute
{
    public string Name { get; } = name;

    public Type Type { get; } = type;

    public bool Required { get; init; }

    public string? Description { get; init; }
}

/// <summary>An HTTP function anyone may call: no bearer token, so no 401 or 403.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AnonymousAttribute : Attribute
{
    /// <summary>A header the anonymous caller proves itself with instead (a victim's access code).</summary>
    public string? Header { get; init; }
}
