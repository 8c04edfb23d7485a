using System.Text.RegularExpressions;
using Compliance.Orders;
using Compliance.Problems;

namespace Compliance.Application;

/// <summary>Collects every field error of a request so the caller can fix them all in one go.</summary>
internal sealed partial class RequestValidation
{
    public const int MaxTextLength = 4000;
    public const int MaxUrlLength = 2048;
    public const int MaxItems = 100;

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public string Text(string field, string? value, int maxLength = MaxTextLength, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(field, "is required");
            }

            return string.Empty;
        }

        if (value.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters");
        }
        else if (value.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            Add(field, "must not contain control characters");
        }

        return value.Trim();
    }

    public string? OptionalText(string field, string? value, int maxLength = MaxTextLength) =>
        string.IsNullOrWhiteSpace(value) ? null : Text(field, value, maxLength);

    public string Identifier(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            Add(field, "is required");
            return string.Empty;
        }

        if (!IdentifierPattern().IsMatch(value))
        {
            Add(field, "must be 2-63 lowercase letters, digits or hyphens, starting with a letter or digit");
        }

        return value;
    }

    public string Url(string field, string? value)
    {
        var text = Text(field, value, MaxUrlLength);
        if (text.Length > 0 && (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            Add(field, "must be an absolute http or https URL");
        }

        return text;
    }

    public T Choice<T>(string field, string? value)
        where T : struct, Enum
    {
        if (value is null)
        {
            Add(field, "is required");
            return default;
        }

        if (!OrderText.TryParse<T>(value, out var parsed))
        {
            Add(field, "must be one of " + string.Join(", ", Enum.GetValues<T>().Select(v => OrderText.Snake(v.ToString()))));
        }

        return parsed;
    }

    public DateTimeOffset Time(string field, DateTimeOffset? value)
    {
        if (value is null)
        {
            Add(field, "is required");
            return default;
        }

        return value.Value;
    }

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0)
        {
            throw ComplianceProblem.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
    }

    /// <summary>A provider id or similar: lower-case letters, digits and hyphens, 2 to 63 characters.</summary>
    public static bool IsIdentifier(string value) => IdentifierPattern().IsMatch(value);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,62}$")]
    private static partial Regex IdentifierPattern();
}
