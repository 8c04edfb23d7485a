using System.Text;

namespace Compliance.Orders;

/// <summary>The wire spelling of domain names (snake_case), shared by messages, storage and JSON.</summary>
public static class OrderText
{
    public static string Status(OrderStatus status) => Snake(status.ToString());

    public static string Event(OrderEventType type) => Snake(type.ToString());

    public static string Snake(string pascal)
    {
        var builder = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    public static bool TryParse<T>(string? snake, out T value)
        where T : struct, Enum
    {
        value = default;
        return snake is not null
            && snake.All(c => char.IsAsciiLetterLower(c) || c == '_')
            && Enum.TryParse(snake.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out value)
            && Enum.IsDefined(value);
    }
}
