namespace Compliance.Api.Tests;

internal static class Problems
{
    public static string Type(string slug) => "urn:compliance:problem:" + slug;

    public static void AssertProblem(Reply reply, int status, string slug)
    {
        Assert.True(reply.Status == status, $"expected {status} {slug}, got {reply}");
        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.Equal(Type(slug), reply.ProblemType);
        Assert.Equal(status, reply.Json.GetProperty("status").GetInt32());
    }
}
