using Azure.Data.Tables;

namespace Compliance.Infrastructure.Storage;

/// <summary>Azure's published formula for an entity's stored size, used to refuse writes Azure would reject.</summary>
public static class EntitySize
{
    public static long Estimate(ITableEntity entity)
    {
        var size = 4L + ((entity.PartitionKey.Length + entity.RowKey.Length) * 2);
        if (entity is not TableEntity table)
        {
            return size;
        }

        foreach (var (name, value) in table)
        {
            size += 8 + (name.Length * 2) + value switch
            {
                string s => 4 + (s.Length * 2),
                byte[] b => 4 + b.Length,
                bool => 1,
                int => 4,
                _ => 8,
            };
        }

        return size;
    }
}
