using System.Numerics;

namespace Compliance.AuditLog;

/// <summary>
/// A complete subtree of the log: the hash of the 2^<see cref="Level"/> leaves from leaf
/// <see cref="Index"/>·2^<see cref="Level"/>. Level 0 nodes are the leaf hashes themselves.
/// </summary>
public readonly record struct MerkleNode(int Level, long Index);

/// <summary>
/// The log's complete subtrees, stored as they complete, so that a root or a proof reads O(log n)
/// nodes instead of every leaf. Any range hash the RFC's recursion asks for splits into complete
/// subtrees (its left part always is one), so stored nodes answer every proof exactly.
/// </summary>
public static class MerkleNodes
{
    /// <summary>MTH of <paramref name="n"/> leaves from <paramref name="start"/>, from stored complete subtrees.</summary>
    public static byte[] RangeHash(long start, long n, Func<MerkleNode, byte[]> node)
    {
        if (BitOperations.IsPow2(n) && start % n == 0)
        {
            return node(new MerkleNode(BitOperations.Log2((ulong)n), start / n));
        }

        var k = MerkleTree.SplitPoint(n);
        return MerkleTree.NodeHash(RangeHash(start, k, node), RangeHash(start + k, n - k, node));
    }

    public static MerkleTree.SubtreeSource Source(Func<MerkleNode, byte[]> node) => (start, n) => RangeHash(start, n, node);

    /// <summary>
    /// The nodes a computation reads, found by running it on placeholder hashes: which nodes a root,
    /// a proof or an extension needs depends on sizes and indices only, never on hash values. So a
    /// caller fetches exactly these in one round and then runs the computation for real.
    /// </summary>
    public static IReadOnlySet<MerkleNode> Needed(Action<Func<MerkleNode, byte[]>> computation)
    {
        var needed = new HashSet<MerkleNode>();
        var placeholder = new byte[MerkleTree.HashSize];
        computation(node =>
        {
            needed.Add(node);
            return placeholder;
        });
        return needed;
    }

    /// <summary>
    /// The nodes that become complete when the log grows from <paramref name="oldSize"/> to
    /// <paramref name="newSize"/> leaves, each hashed from its two children; <paramref name="existing"/>
    /// gives leaves below <paramref name="newSize"/> and nodes already complete at <paramref name="oldSize"/>.
    /// </summary>
    public static IReadOnlyList<(MerkleNode Node, byte[] Hash)> Extend(long oldSize, long newSize, Func<MerkleNode, byte[]> existing)
    {
        var made = new Dictionary<MerkleNode, byte[]>();
        byte[] Get(MerkleNode node) => made.TryGetValue(node, out var hash) ? hash : existing(node);
        var added = new List<(MerkleNode, byte[])>();
        for (var level = 1; level < 63 && (1L << level) <= newSize; level++)
        {
            // Node (level, i) is complete once (i + 1)·2^level leaves exist.
            for (var index = oldSize >> level; index < newSize >> level; index++)
            {
                var node = new MerkleNode(level, index);
                var hash = MerkleTree.NodeHash(Get(new MerkleNode(level - 1, 2 * index)), Get(new MerkleNode(level - 1, (2 * index) + 1)));
                made[node] = hash;
                added.Add((node, hash));
            }
        }

        return added;
    }
}
