using System.Numerics;
using System.Security.Cryptography;

namespace Compliance.AuditLog;

/// <summary>
/// RFC 6962 / RFC 9162 Merkle tree hashing over SHA-256: leaves are hashed with a 0x00 prefix,
/// interior nodes with 0x01, so no leaf can pass for a node. Proofs are built over any source of
/// subtree hashes: the list of leaf hashes (tests, the verifier) or the stored complete subtrees of
/// <see cref="MerkleNodes"/> (the service, O(log n) reads), and verified with the RFC 9162 §2.1.3.2
/// and §2.1.4.2 algorithms. No maintained .NET library implements these with
/// the RFC's exact proof shapes, which auditors check against other tools, so they are written here.
/// </summary>
public static class MerkleTree
{
    public const int HashSize = 32;

    public static byte[] EmptyRoot() => SHA256.HashData([]);

    public static byte[] LeafHash(ReadOnlySpan<byte> data)
    {
        var buffer = new byte[data.Length + 1];
        data.CopyTo(buffer.AsSpan(1));
        return SHA256.HashData(buffer);
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * HashSize)];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>MTH(D[start:start+n]): the hash of <c>n</c> consecutive leaves from <c>start</c>.</summary>
    public delegate byte[] SubtreeSource(long start, long n);

    /// <summary>MTH(D[n]) of RFC 9162 §2.1.1, over leaf hashes.</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leaves) => Root(Over(leaves), leaves.Count);

    public static byte[] Root(SubtreeSource subtree, long size) => size == 0 ? EmptyRoot() : subtree(0, size);

    /// <summary>PATH(m, D[n]) of RFC 9162 §2.1.3.1.</summary>
    public static IReadOnlyList<byte[]> InclusionProof(IReadOnlyList<byte[]> leaves, long index, long size) =>
        size > leaves.Count ? throw new ArgumentOutOfRangeException(nameof(size), $"leaf {index} is not in a tree of size {size}") : InclusionProof(Over(leaves), index, size);

    public static IReadOnlyList<byte[]> InclusionProof(SubtreeSource subtree, long index, long size)
    {
        if (index < 0 || index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"leaf {index} is not in a tree of size {size}");
        }

        var proof = new List<byte[]>();
        Path(index, 0, size);
        return proof;

        void Path(long m, long start, long n)
        {
            if (n == 1)
            {
                return;
            }

            var k = SplitPoint(n);
            if (m < k)
            {
                Path(m, start, k);
                proof.Add(subtree(start + k, n - k));
            }
            else
            {
                Path(m - k, start + k, n - k);
                proof.Add(subtree(start, k));
            }
        }
    }

    /// <summary>PROOF(m, D[n]) of RFC 9162 §2.1.4.1: that the tree of size <paramref name="size1"/> is a prefix of the one of size <paramref name="size2"/>.</summary>
    public static IReadOnlyList<byte[]> ConsistencyProof(IReadOnlyList<byte[]> leaves, long size1, long size2) =>
        size2 > leaves.Count ? throw new ArgumentOutOfRangeException(nameof(size2), $"no consistency proof from {size1} to {size2}") : ConsistencyProof(Over(leaves), size1, size2);

    public static IReadOnlyList<byte[]> ConsistencyProof(SubtreeSource subtree, long size1, long size2)
    {
        if (size1 <= 0 || size1 > size2)
        {
            throw new ArgumentOutOfRangeException(nameof(size1), $"no consistency proof from {size1} to {size2}");
        }

        var proof = new List<byte[]>();
        if (size1 < size2)
        {
            SubProof(size1, 0, size2, true);
        }

        return proof;

        void SubProof(long m, long start, long n, bool complete)
        {
            if (m == n)
            {
                if (!complete)
                {
                    proof.Add(subtree(start, n));
                }

                return;
            }

            var k = SplitPoint(n);
            if (m <= k)
            {
                SubProof(m, start, k, complete);
                proof.Add(subtree(start + k, n - k));
            }
            else
            {
                SubProof(m - k, start + k, n - k, false);
                proof.Add(subtree(start, k));
            }
        }
    }

    /// <summary>RFC 9162 §2.1.3.2.</summary>
    public static bool VerifyInclusion(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        if (index < 0 || index >= size || leafHash.Length != HashSize || root.Length != HashSize || proof.Any(p => p.Length != HashSize))
        {
            return false;
        }

        ulong fn = (ulong)index, sn = (ulong)(size - 1);
        var r = leafHash.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                ShiftPastRightChildren(ref fn, ref sn);
            }
            else
            {
                r = NodeHash(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }

    /// <summary>RFC 9162 §2.1.4.2; a proof from the empty tree proves nothing and is refused.</summary>
    public static bool VerifyConsistency(long size1, long size2, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2)
    {
        if (size1 <= 0 || size2 < size1)
        {
            return false;
        }

        if (size1 == size2)
        {
            return proof.Count == 0 && root1.SequenceEqual(root2);
        }

        if (root1.Length != HashSize || root2.Length != HashSize || proof.Any(p => p.Length != HashSize))
        {
            return false;
        }

        if (proof.Count == 0)
        {
            return false;
        }

        var path = new List<byte[]>(proof);
        if (BitOperations.IsPow2((ulong)size1))
        {
            path.Insert(0, root1.ToArray());
        }

        ulong fn = (ulong)(size1 - 1), sn = (ulong)(size2 - 1);
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        byte[] fr = path[0], sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = NodeHash(c, fr);
                sr = NodeHash(c, sr);
                ShiftPastRightChildren(ref fn, ref sn);
            }
            else
            {
                sr = NodeHash(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.AsSpan().SequenceEqual(root1) && sr.AsSpan().SequenceEqual(root2);
    }

    /// <summary>RFC 9162's "right-shift both fn and sn equally until either LSB(fn) is set or fn is 0".</summary>
    private static void ShiftPastRightChildren(ref ulong fn, ref ulong sn)
    {
        while ((fn & 1) == 0 && fn != 0)
        {
            fn >>= 1;
            sn >>= 1;
        }
    }

    /// <summary>The largest power of two smaller than <paramref name="n"/> (n ≥ 2).</summary>
    internal static long SplitPoint(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));

    private static SubtreeSource Over(IReadOnlyList<byte[]> leaves) => (start, n) => Subtree(leaves, (int)start, (int)n);

    private static byte[] Subtree(IReadOnlyList<byte[]> leaves, int start, int n)
    {
        if (n == 1)
        {
            return leaves[start];
        }

        var k = (int)SplitPoint(n);
        return NodeHash(Subtree(leaves, start, k), Subtree(leaves, start + k, n - k));
    }
}
