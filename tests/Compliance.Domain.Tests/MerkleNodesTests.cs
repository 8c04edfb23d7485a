using Compliance.AuditLog;

namespace Compliance.Domain.Tests;

/// <summary>Roots and proofs served from stored complete subtrees equal the ones computed from every leaf.</summary>
public sealed class MerkleNodesTests
{
    private static List<byte[]> Leaves(int count) => Enumerable.Range(0, count).Select(i => MerkleTree.LeafHash(BitConverter.GetBytes(i))).ToList();

    /// <summary>The nodes stored after growing the log in the given steps, as the sequencer does.</summary>
    private static Dictionary<MerkleNode, byte[]> Grow(List<byte[]> leaves, params int[] sizes)
    {
        var stored = new Dictionary<MerkleNode, byte[]>();
        byte[] Existing(MerkleNode node) => node.Level == 0 ? leaves[(int)node.Index] : stored[node];
        long from = 0;
        foreach (var size in sizes)
        {
            foreach (var (node, hash) in MerkleNodes.Extend(from, size, Existing))
            {
                Assert.False(stored.ContainsKey(node), $"node {node} made twice");
                stored[node] = hash;
            }

            from = size;
        }

        return stored;
    }

    private static List<MerkleNode> Sorted(IEnumerable<MerkleNode> nodes) => nodes.OrderBy(n => n.Level).ThenBy(n => n.Index).ToList();

    [Fact]
    public void Nodes_grown_in_uneven_steps_are_the_same_as_grown_at_once_and_exactly_the_complete_subtrees()
    {
        var leaves = Leaves(70);

        var stepwise = Grow(leaves, 1, 2, 3, 7, 8, 13, 33, 64, 70);
        var once = Grow(leaves, 70);

        Assert.Equal(Sorted(once.Keys), Sorted(stepwise.Keys));
        Assert.All(once, n => Assert.Equal(n.Value, stepwise[n.Key]));
        // 70 leaves: 35 + 17 + 8 + 4 + 2 + 1 complete subtrees above the leaves.
        Assert.Equal(67, once.Count);
        Assert.Equal(MerkleTree.Root(leaves.Take(64).ToList()), once[new MerkleNode(6, 0)]);
    }

    [Fact]
    public void Roots_and_proofs_from_stored_nodes_equal_those_from_every_leaf()
    {
        var leaves = Leaves(70);
        var stored = Grow(leaves, 70);
        var source = MerkleNodes.Source(node => node.Level == 0 ? leaves[(int)node.Index] : stored[node]);

        for (var size = 1; size <= leaves.Count; size++)
        {
            Assert.Equal(MerkleTree.Root(leaves.Take(size).ToList()), MerkleTree.Root(source, size));
            for (var index = 0; index < size; index++)
            {
                Assert.Equal(MerkleTree.InclusionProof(leaves, index, size), MerkleTree.InclusionProof(source, index, size));
            }

            for (var from = 1; from <= size; from++)
            {
                Assert.Equal(MerkleTree.ConsistencyProof(leaves, from, size), MerkleTree.ConsistencyProof(source, from, size));
            }
        }
    }

    [Fact]
    public void A_root_reads_one_stored_subtree_per_bit_of_the_size()
    {
        // 13 = 8 + 4 + 1: the subtrees of leaves 0-7, 8-11 and 12.
        var needed = MerkleNodes.Needed(node => MerkleTree.Root(MerkleNodes.Source(node), 13));

        Assert.Equal([new MerkleNode(0, 12), new MerkleNode(2, 2), new MerkleNode(3, 0)], Sorted(needed));
    }

    [Fact]
    public void An_inclusion_proof_in_a_million_leaf_tree_reads_a_few_dozen_nodes_not_the_leaves()
    {
        var needed = MerkleNodes.Needed(node => MerkleTree.InclusionProof(MerkleNodes.Source(node), 123_456, 1_000_003));

        // One sibling per level (20) plus the right edge's subtrees; never more than twice the height.
        Assert.InRange(needed.Count, 20, 40);
        Assert.Contains(new MerkleNode(0, 123_457), needed);
    }

    [Fact]
    public void Extending_asks_only_for_the_new_leaves_and_the_stored_left_siblings()
    {
        // From 5 to 8 leaves: leaves 4-7 (leaf 4 pairs with the new 5), and node (2,0) for the top.
        var needed = MerkleNodes.Needed(node => MerkleNodes.Extend(5, 8, node));

        Assert.Equal([new MerkleNode(0, 4), new MerkleNode(0, 5), new MerkleNode(0, 6), new MerkleNode(0, 7), new MerkleNode(2, 0)], Sorted(needed));
    }
}
